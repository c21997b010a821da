"""accounts.recipients: the one answer to "who gets mail about X"."""

import pytest

from standortlotse.accounts import recipients
from standortlotse.accounts.models import Membership, Organisation
from standortlotse.core import mail
from tests.factories import OrganisationFactory, UserFactory, member

Role = Membership.Role


def _join(org, role, username, email=None, active=True):
    user = UserFactory(username=username, **({"email": email} if email is not None else {}))
    if not active:
        user.is_active = False
        user.save()
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def test_members_of_skips_inactive_and_empty_and_sorts(db):
    org = OrganisationFactory(email="office@example.org")
    _join(org, Role.MUNICIPAL_EDITOR, "zed")
    _join(org, Role.MUNICIPAL_EDITOR, "amy")
    _join(org, Role.MUNICIPAL_EDITOR, "gone", active=False)
    _join(org, Role.MUNICIPAL_EDITOR, "blank", email="")
    _join(org, Role.MUNICIPAL_EDITOR, "spaces", email="   ")
    assert recipients.members_of(org) == ["amy@example.org", "zed@example.org"]
    assert recipients.organisation_addresses(org) == [
        "amy@example.org",
        "office@example.org",
        "zed@example.org",
    ]


def test_organisation_addresses_without_own_address_and_duplicates(db):
    org = OrganisationFactory(email="")
    _join(org, Role.MUNICIPAL_EDITOR, "one", email="shared@example.org")
    _join(org, Role.MUNICIPAL_EDITOR, "two", email="shared@example.org")
    assert recipients.organisation_addresses(org) == ["shared@example.org"]
    org.email = "shared@example.org"
    assert recipients.organisation_addresses(org) == ["shared@example.org"]


def test_moderators_of_region(world):
    other = OrganisationFactory(kind=Organisation.Kind.REGIONAL_MARKETING, region=world.region)
    _join(other, Role.REGIONAL_MODERATOR, "sleeping", active=False)
    _join(other, Role.REGIONAL_MODERATOR, "silent", email="")
    _join(other, Role.REGIONAL_MODERATOR, "another")
    # An editor of an organisation in the region is no moderator.
    _join(other, Role.MUNICIPAL_EDITOR, "not_a_moderator")
    assert recipients.moderators_of_region(world.region) == [
        "another@example.org",
        "moderator@example.org",
    ]
    assert recipients.moderators_of_region(None) == []


def test_editors_of_municipality_and_fallback_to_moderators(world):
    assert recipients.editors_of_municipality(world.mun_a) == ["editor_a@example.org"]
    world.editor_a.is_active = False
    world.editor_a.save()
    # No active editor left: the moderators of the region step in.
    assert recipients.editors_of_municipality(world.mun_a) == ["moderator@example.org"]
    # Outside every region and without editors: nobody.
    assert recipients.editors_of_municipality(world.mun_c) == []


def test_editor_with_empty_address_does_not_block_the_fallback(world):
    world.editor_b.email = ""
    world.editor_b.save()
    assert recipients.editors_of_municipality(world.mun_b) == ["moderator@example.org"]


def test_state_agency(db):
    assert recipients.state_agency() == []
    agency = OrganisationFactory(kind=Organisation.Kind.STATE_AGENCY, email="invest@example.org")
    _join(agency, Role.STATE_ADMIN, "admin")
    _join(agency, Role.STATE_ADMIN, "retired", active=False)
    assert recipients.state_agency() == ["admin@example.org", "invest@example.org"]


def test_state_agency_is_the_fallback_for_undeliverable_notices(db):
    member(Role.STATE_ADMIN, username="boss")
    assert mail.fallback_notice_recipients is recipients.state_agency
    assert mail.fallback_notice_recipients() == ["boss@example.org"]


@pytest.mark.parametrize(
    "module, name",
    [
        ("standortlotse.properties.freshness", "editors_of"),
        ("standortlotse.inquiries.routing", "recipient_emails"),
        ("standortlotse.accounts.apps", "state_agency_emails"),
    ],
)
def test_no_second_copy(module, name):
    import importlib

    assert not hasattr(importlib.import_module(module), name)


def test_undeliverable_notices_go_out_in_each_recipients_language(db, mailoutbox):
    """The notice about a mail that can never be sent is staff mail: one per language its
    recipients read mail in (it was always in the site's language)."""
    from standortlotse.accounts.models import StaffPreference

    english = UserFactory(username="reader", email="reader@example.org")
    StaffPreference.objects.create(user=english, language="en")
    UserFactory(username="leser", email="leser@example.org")  # no choice: the site's language
    assert mail.notice_languages is recipients.by_language
    notice = mail.undeliverable_notice(
        ["reader@example.org", "leser@example.org"], "Halle am Hafen", "https://x.test/e/1/"
    )
    mail.send_email_task.enqueue(["kaputt\n@x.de"], "Betreff", "Text", 1, None, notice)
    sent = {tuple(m.to): m for m in mailoutbox}
    assert set(sent) == {("leser@example.org",), ("reader@example.org",)}
    german, english_mail = sent[("leser@example.org",)], sent[("reader@example.org",)]
    assert german.subject == "E-Mail über Halle am Hafen nicht zustellbar"
    assert english_mail.subject == "Mail about Halle am Hafen could not be sent"
    assert "Please correct the email address" in english_mail.body
    assert "https://x.test/e/1/" in german.body and "Please" not in german.body
