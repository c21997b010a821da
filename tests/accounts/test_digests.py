"""accounts/digests.py: the daily summary of staff notifications: held instead of sent for
staff who chose it, urgent mails at once, one summary per user in their language, nobody
flooded; the choice on "My settings"."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from standortlotse.accounts import digests
from standortlotse.accounts.models import DigestItem, Membership, StaffPreference
from standortlotse.accounts.recipients import queue_staff_email
from standortlotse.cases.models import Case
from tests.factories import UserFactory
from tests.inquiries.support import form_data, org_of

pytestmark = pytest.mark.django_db

DAILY = StaffPreference.Delivery.DAILY


@pytest.fixture
def daily(world):
    """Editor A reads notifications as a daily summary, in German; editor B gets each mail."""
    world.editor_a.email, world.editor_b.email = "anna@stendal.example", "ben@gardelegen.example"
    world.editor_a.first_name = "Anna"
    world.editor_a.save()
    world.editor_b.save()
    StaffPreference.objects.create(user=world.editor_a, delivery=DAILY)
    return world.editor_a


def _cases(world, count):
    return [
        Case.objects.create(company=f"Firma {n}", owner=org_of(world.editor_a))
        for n in range(count)
    ]


def _notify(cases, addresses, capture):
    with capture(execute=True):
        for case in cases:
            queue_staff_email(addresses, "cases/email/new_case", {"case": case})


def _to(address):
    return [m for m in mail.outbox if address in m.to]


def test_five_notifications_make_one_summary(world, daily, django_capture_on_commit_callbacks):
    cases = _cases(world, 5)
    mail.outbox.clear()
    _notify(
        cases,
        ["anna@stendal.example", "ben@gardelegen.example"],
        django_capture_on_commit_callbacks,
    )
    assert not _to("anna@stendal.example") and len(_to("ben@gardelegen.example")) == 5
    assert DigestItem.objects.filter(user=daily).count() == 5
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests.send_digests() == 1
    [summary] = mail.outbox
    assert summary.to == ["anna@stendal.example"]
    assert (
        summary.subject
        == "Standortlotse Altmark: Ihre tägliche Zusammenfassung, 5 Benachrichtigungen"
    )
    assert summary.body.startswith("Hallo Anna,")
    for number, case in enumerate(cases, start=1):
        assert f"=== {number}. Neues Ansiedlungsprojekt #{case.pk} (" in summary.body
        assert f"/datenpflege/ansiedlung/{case.pk}/" in summary.body
    assert reverse("accounts:settings") in summary.body
    assert not DigestItem.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests.send_digests() == 0  # nothing twice
    assert not mail.outbox


def test_summary_and_its_items_in_the_users_language(
    world, daily, django_capture_on_commit_callbacks
):
    StaffPreference.objects.filter(user=daily).update(language="en")
    [case] = _cases(world, 1)
    _notify([case], ["anna@stendal.example"], django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_staff_digests", stdout=open("/dev/null", "w"))
    [summary] = mail.outbox
    assert summary.subject == "Standortlotse Altmark: your daily summary, 1 notification"
    assert f"=== 1. New investor case #{case.pk}" in summary.body
    assert "/en/konto/einstellungen/" in summary.body and "Hallo" not in summary.body


def test_urgent_mails_are_not_held(client, world, daily, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]), form_data()
        )
    assert [m.subject for m in _to("anna@stendal.example")] == [
        "Neue Anfrage: Gewerbepark Stendal Nord"
    ]
    assert not DigestItem.objects.exists()
    [case] = _cases(world, 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        queue_staff_email(
            "anna@stendal.example", "cases/email/new_case", {"case": case}, urgent=True
        )
        queue_staff_email(
            "anna@stendal.example",
            "cases/email/new_case",
            {"case": case},
            reply_to=["max@example.com"],
        )
    assert len(_to("anna@stendal.example")) == 2 and not DigestItem.objects.exists()


def test_the_organisations_own_address_is_no_person_and_gets_the_mail(
    world, daily, django_capture_on_commit_callbacks
):
    organisation = org_of(daily)
    organisation.email = "wirtschaft@stendal.example"
    organisation.save()
    [case] = _cases(world, 1)
    mail.outbox.clear()
    _notify(
        [case],
        ["wirtschaft@stendal.example", "ANNA@stendal.example", "anna@stendal.example "],
        django_capture_on_commit_callbacks,
    )
    assert [m.to for m in mail.outbox] == [["wirtschaft@stendal.example"]]
    assert DigestItem.objects.get().user == daily


def test_switching_back_to_single_mails_sends_what_was_held(
    client, world, daily, django_capture_on_commit_callbacks
):
    _notify(_cases(world, 2), ["anna@stendal.example"], django_capture_on_commit_callbacks)
    client.force_login(daily)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "<legend>Wie meine Benachrichtigungen kommen" in page
    assert 'value="daily" id="id_delivery_1" checked>' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:settings"), {"language": "de", "delivery": "immediate"}, follow=True
        )
    assert "Die bisher gesammelten Benachrichtigungen wurden Ihnen jetzt gesendet." in (
        response.content.decode()
    )
    [summary] = mail.outbox
    assert "2 Benachrichtigungen" in summary.subject and not DigestItem.objects.exists()
    assert StaffPreference.objects.get(user=daily).delivery == "immediate"


def test_settings_page_saves_the_choice_in_english_and_checks_csrf(world):
    url = reverse("accounts:settings")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor_b)
    page = client.get("/en" + url).content.decode()
    assert "How my notifications come" in page and "one summary a day" in page
    assert "New inquiries and records taken offline still come at once." in page
    assert client.post(url, {"delivery": "daily"}).status_code == 403
    assert not StaffPreference.objects.filter(user=world.editor_b).exists()
    client = Client()
    client.force_login(world.editor_b)
    client.post("/en" + url, {"language": "en", "delivery": "daily"})
    assert StaffPreference.objects.get(user=world.editor_b).delivery == DAILY
    # A form without the choice keeps what was chosen; a wrong value is an error.
    client.post(url, {"language": "de"})
    assert StaffPreference.objects.get(user=world.editor_b).delivery == DAILY
    assert (
        client.post(
            reverse("accounts:settings"), {"language": "de", "delivery": "hourly"}
        ).status_code
        == 400
    )


def test_held_items_of_a_closed_account_are_dropped(
    world, daily, django_capture_on_commit_callbacks
):
    _notify(_cases(world, 1), ["anna@stendal.example"], django_capture_on_commit_callbacks)
    daily.is_active = False
    daily.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests.send_digests() == 0
    assert not mail.outbox and not DigestItem.objects.exists()


def test_the_task_sends_them_too(world, daily, django_capture_on_commit_callbacks):
    _notify(_cases(world, 3), ["anna@stendal.example"], django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digests.send_digests_task.enqueue()
    assert len(mail.outbox) == 1 and "3 Benachrichtigungen" in mail.outbox[0].subject


# --- units ------------------------------------------------------------------------------------


def test_grouped_one_summary_per_user_in_time_order(world):
    now = timezone.now()
    a, b = world.editor_a, world.editor_b
    items = [
        DigestItem(pk=1, user=a, subject="a2", created_at=now),
        DigestItem(pk=2, user=b, subject="b1", created_at=now - timedelta(hours=2)),
        DigestItem(pk=3, user=a, subject="a1", created_at=now - timedelta(hours=1)),
        DigestItem(pk=4, user=a, subject="a3", created_at=now),
    ]
    groups = digests.grouped(items)
    assert list(groups) == [b.pk, a.pk]
    assert [i.subject for i in groups[a.pk]] == ["a1", "a2", "a3"]
    assert [i.subject for i in groups[b.pk]] == ["b1"]
    assert digests.grouped([]) == {}


def test_what_may_wait():
    assert digests.may_hold("places/email/new_submission")
    assert digests.may_hold("cases/email/new_case")
    assert not digests.may_hold("inquiries/email/new")
    assert not digests.may_hold("inquiries/email/for_property")
    assert not digests.may_hold("properties/email/consent_refused")
    assert not digests.may_hold("cases/email/new_case", urgent=True)
    assert not digests.may_hold("cases/email/new_case", reply_to=["x@example.org"])


def test_summary_readers_by_address(world, daily):
    StaffPreference.objects.create(user=world.editor_b)  # single mails
    # A later account with Anna's address does not decide for it; an inactive one never.
    twin = UserFactory(username="twin", email="anna@stendal.example")
    StaffPreference.objects.create(user=twin)
    gone = UserFactory(username="gone", email="gone@stendal.example", is_active=False)
    StaffPreference.objects.create(user=gone, delivery=DAILY)
    Membership.objects.create(user=gone, organisation=org_of(daily), role="municipal_editor")
    readers = digests.summary_readers(
        [
            "Anna@Stendal.example",
            "ben@gardelegen.example",
            "gone@stendal.example",
            "",
            "x@y.example",
        ]
    )
    assert readers == {"Anna@Stendal.example": daily}
    assert digests.summary_readers([]) == {}


def test_held_notifications_are_exported_and_erased_with_the_person(world, daily):
    from standortlotse.privacy import services as privacy

    quoting = DigestItem.objects.create(
        user=daily, template="t", language="de", subject="Neu", body="Von max@example.com"
    )
    own = DigestItem.objects.create(user=daily, template="t", language="de", subject="S", body="B")
    found = {f.key: f.records for f in privacy.collect("max@example.com")[0]}
    assert found["held_notifications"] == [quoting]
    found = {f.key: f.records for f in privacy.collect("anna@stendal.example")[0]}
    assert set(found["held_notifications"]) == {quoting, own}
    privacy.erase("max@example.com")
    assert list(DigestItem.objects.all()) == [own]
