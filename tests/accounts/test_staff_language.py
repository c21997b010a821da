"""accounts.recipients.organisation_addresses_by_language: who reads mail in which language."""

import pytest

from standortlotse.accounts.models import Membership, StaffPreference
from standortlotse.accounts.recipients import organisation_addresses_by_language
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_members_by_their_preference_the_organisation_by_its_own(world):
    org = world.editor_a.memberships.get().organisation
    org.email, org.language = "office@stendal.example", "en"
    org.save()
    world.editor_a.email = "anna@stendal.example"
    world.editor_a.save()
    english = UserFactory(username="bob", email="bob@stendal.example")
    Membership.objects.create(user=english, organisation=org, role="municipal_editor")
    StaffPreference.objects.create(user=english, language="en")
    gone = UserFactory(username="gone", email="gone@stendal.example", is_active=False)
    Membership.objects.create(user=gone, organisation=org, role="municipal_editor")
    assert organisation_addresses_by_language(org) == {
        "de": ["anna@stendal.example"],  # no preference: German, the site's language
        "en": ["bob@stendal.example", "office@stendal.example"],
    }
