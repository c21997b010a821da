"""places/migrations/0011_imported_places_owner_optional.py: imported places lose their
placeholder owner (the source's name and our own sender address) and its links."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("places", "0010_feedformat_kvm_csv_feedrun_unmapped")]
AFTER = [("places", "0011_imported_places_owner_optional")]


@pytest.mark.django_db(transaction=True)
def test_placeholder_owners_of_imported_places_become_the_partners_contact_or_none(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old = apps.get_model("places", "Place")
    link = apps.get_model("places", "OwnerLink")

    def place(name, source, owner_name, owner_email, contact_email="", contact_name=""):
        return old.objects.create(
            name=name,
            pitch="P",
            region_id=world.region.pk,
            municipality_id=world.mun_a.pk,
            lat=52.6,
            lon=11.86,
            source=source,
            owner_name=owner_name,
            owner_email=owner_email,
            contact_name=contact_name,
            contact_email=contact_email,
        )

    placeholder = settings.DEFAULT_FROM_EMAIL
    place("A", "kvm", "kvm", placeholder, "hallo@a.example", "Jana")
    without = place("B", "kvm", "kvm", placeholder)
    submitted = place("C", "", "Erika", "erika@example.org")
    link.objects.create(
        place=without, token_hash="h1", expires_at=timezone.now() + timedelta(days=9)
    )
    link.objects.create(
        place=submitted, token_hash="h2", expires_at=timezone.now() + timedelta(days=9)
    )
    MigrationExecutor(connection).migrate(AFTER)
    # Then on to the newest migrations, so that today's models can read the rows.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from standortlotse.places.models import OwnerLink, Place

    owners = {p.name: (p.owner_name, p.owner_email) for p in Place.objects.all()}
    assert owners == {
        "A": ("Jana", "hallo@a.example"),
        "B": ("", ""),
        "C": ("Erika", "erika@example.org"),
    }
    assert not OwnerLink.objects.valid().filter(place_id=without.pk).exists()
    assert OwnerLink.objects.valid().filter(place_id=submitted.pk).exists()
