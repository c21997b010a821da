"""places/services.py: which review transitions the workflow allows."""

import pytest
from django.core.exceptions import ValidationError

from standortlotse.places import services
from standortlotse.places.models import Place, Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (Status.SUBMITTED, Status.PUBLISHED, True),
        (Status.IN_REVIEW, Status.SUBMITTED, False),
        (Status.REJECTED, Status.PUBLISHED, False),
        (Status.REJECTED, Status.IN_REVIEW, True),
        (Status.PUBLISHED, Status.CHANGES_REQUESTED, False),
        (Status.PUBLISHED, Status.IN_REVIEW, True),
    ],
)
def test_transition_rules(world, place, start, target, allowed):
    Place.objects.filter(pk=place.pk).update(status=start)
    place.refresh_from_db()
    if allowed:
        services.moderate(world.moderator, place, target, "Grund")
        assert place.status == target
    else:
        with pytest.raises(ValidationError):
            services.moderate(world.moderator, place, target, "Grund")
        place.refresh_from_db()
        assert place.status == start


def test_a_place_without_owner_address_gets_no_owner_mail_link_or_confirmation_request(
    world, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from tests.places.support import make_place

    place = make_place(world, "Importiert", source="kvm", verified_on=timezone.localdate())
    Place.objects.filter(pk=place.pk).update(owner_name="", owner_email="")
    place.refresh_from_db()
    asked = make_place(world, "Eigener Ort", verified_on=timezone.localdate())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError, match="kvm"):
            services.rotate_link(place, actor=world.moderator)
        services.moderate(world.moderator, place, Status.IN_REVIEW)
        services.moderate(world.moderator, place, Status.PUBLISHED)
        result = services.send_confirmation_requests(timezone.now() + timedelta(days=400))
        assert services.send_fresh_links("") == 0
    assert result == {"asked": 1, "flagged": 0}
    assert [m.to for m in mail.outbox] == [[asked.owner_email]]
    place.refresh_from_db()
    assert place.confirmation_requested_at is None and not place.owner_links.exists()


def test_the_yearly_request_is_due_on_its_day_also_just_after_midnight_in_berlin(world, place):
    """verified_on is a date of the site's time zone; at 00:30 in Berlin (23:30 UTC the day
    before) a place verified exactly a year ago is due (the UTC date said: tomorrow)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from standortlotse.places.models import Place, RegionSettings

    services.moderate(world.moderator, place, Status.PUBLISHED)
    RegionSettings.objects.update_or_create(
        region=world.region, defaults={"confirm_every_days": 365, "confirm_grace_days": 30}
    )
    berlin = datetime(2026, 12, 2, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    Place.objects.filter(pk=place.pk).update(
        verified_on=(berlin - timedelta(days=365)).date(), confirmation_requested_at=None
    )
    now = berlin.astimezone(ZoneInfo("UTC"))  # as timezone.now() gives it: 23:30 UTC
    assert services.send_confirmation_requests(now)["asked"] == 1
