"""Inquiries: routing, the public form, the inbox and its permissions, retention, data access."""

import json
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from standortlotse.accounts.models import Organisation
from standortlotse.inquiries import routing, services
from standortlotse.inquiries.models import Inquiry, RetentionPolicy, Status, Topic
from tests.factories import OrganisationFactory, PlaceFactory, RoutingRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(world):
    return OrganisationFactory(name="IMG Sachsen-Anhalt", kind=Organisation.Kind.STATE_AGENCY, email="invest@img.example")


def org_of(user):
    return user.memberships.get().organisation


def test_property_goes_to_its_municipality(world, agency):
    org, region = routing.route(topic=Topic.PROPERTY, property=world.prop_a)
    assert org == org_of(world.editor_a) and region == world.region


def test_property_without_municipal_office_goes_to_district_office(world, agency):
    office = OrganisationFactory(name="Wifö Börde", kind=Organisation.Kind.ECONOMIC_DEVELOPMENT, district=world.district_other)
    assert routing.route(topic=Topic.PROPERTY, property=world.prop_c)[0] == office


def test_rule_per_region_and_topic_wins(world, agency):
    chamber = OrganisationFactory(name="IHK", kind=Organisation.Kind.CHAMBER)
    RoutingRuleFactory(region=world.region, topic=Topic.PROPERTY, organisation=chamber)
    assert routing.route(topic=Topic.PROPERTY, property=world.prop_a)[0] == chamber
    assert routing.route(topic=Topic.FOUNDING, property=world.prop_a)[0] == org_of(world.editor_a)


def test_place_goes_to_region_moderation(world, agency):
    place = PlaceFactory(name="Ort", pitch="p", region=world.region, municipality=world.mun_a, lon=11.8, owner_name="o",
                         status="published")
    assert routing.route(topic=Topic.PLACE, place=place)[0] == org_of(world.moderator)


def test_general_inquiry_fallbacks(world, agency):
    first_agency = Organisation.objects.filter(kind=Organisation.Kind.STATE_AGENCY).order_by("pk").first()
    assert routing.route(topic=Topic.WORK)[0] == first_agency
    partner = OrganisationFactory(name="Netzwerk", kind=Organisation.Kind.NETWORK_PARTNER)
    RoutingRuleFactory(region=None, topic=Topic.WORK, organisation=partner)
    assert routing.route(topic=Topic.WORK)[0] == partner


def form_data(**overrides):
    data = {"name": "Max Investor", "organisation_name": "Max GmbH", "email": "max@example.com",
            "phone": "", "topic": "property", "message": "Ist die Fläche teilbar und ab wann verfügbar?",
            "consent": "on"}
    data.update(overrides)
    return data


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def _send(url, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, form_data(**overrides))
    return _send


def test_inquiry_about_property_end_to_end(client, world, agency, send, caplog):
    world.editor_a.email = "editor-a@stendal.example"
    world.editor_a.save()
    caplog.set_level(logging.DEBUG)
    response = send(reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("inquiries:thanks")
    inquiry = Inquiry.objects.get()
    assert inquiry.property == world.prop_a and inquiry.recipient == org_of(world.editor_a)
    assert inquiry.status == Status.NEW and inquiry.page_url == world.prop_a.get_absolute_url()
    to_office = [m for m in mail.outbox if "editor-a@stendal.example" in m.to]
    assert to_office and world.prop_a.title in to_office[0].subject
    assert f"/datenpflege/anfragen/{inquiry.pk}/" in to_office[0].body
    assert "max@example.com" not in to_office[0].body  # personal data stays in the back office
    confirmation = [m for m in mail.outbox if m.to == ["max@example.com"]][0]
    assert "Ist die Fläche teilbar" in confirmation.body
    assert org_of(world.editor_a).name in client.get(reverse("inquiries:thanks")).content.decode()
    assert "max@example.com" not in caplog.text and "Max Investor" not in caplog.text


def test_contact_link_on_detail_pages(client, world):
    content = client.get(world.prop_a.get_absolute_url()).content.decode()
    assert reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]) in content


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"consent": ""}, "consent"), ({"homepage": "x"}, "homepage"), ({"email": "nope"}, "email"),
     ({"message": "kurz"}, "message"), ({"topic": "spam"}, "topic"), ({"name": ""}, "name")],
)
def test_form_errors_keep_input(world, agency, send, overrides, field):
    response = send(reverse("inquiries:contact"), **overrides)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert "Max GmbH" in response.content.decode()
    assert not Inquiry.objects.exists() and not mail.outbox


def test_contact_about_unpublished_or_unknown_is_404(client, world):
    world.prop_a.status = "draft"
    world.prop_a.save()
    assert client.get(reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk])).status_code == 404
    assert client.get("/kontakt/etwas/1/").status_code == 404


def test_rate_limit(world, agency, send, settings):
    settings.INQUIRIES_PER_HOUR = 1
    assert send(reverse("inquiries:contact")).status_code == 302
    response = send(reverse("inquiries:contact"), name="Zweiter Versuch")
    assert response.status_code == 429 and 'value="Zweiter Versuch"' in response.content.decode()
    assert Inquiry.objects.count() == 1


# --- inbox ------------------------------------------------------------------------------------

@pytest.fixture
def inquiry(world, agency, send):
    send(reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]))
    return Inquiry.objects.get()


def test_inbox_visibility(client, world, inquiry):
    url = reverse("inquiries:detail", args=[inquiry.pk])
    client.force_login(world.editor_a)
    assert inquiry.name.encode() in client.get(reverse("inquiries:inbox")).content
    assert client.get(url).status_code == 200
    for outsider in (world.editor_b, world.moderator):
        client.force_login(outsider)
        assert inquiry.name.encode() not in client.get(reverse("inquiries:inbox")).content
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "answer", "text": "Hallo"}).status_code == 404
    client.force_login(world.state_admin)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_answer_assign_note_close(client, world, inquiry, django_capture_on_commit_callbacks):
    client.force_login(world.editor_a)
    url = reverse("inquiries:detail", args=[inquiry.pk])
    client.post(url, {"action": "assign", "assigned_to": world.editor_a.pk})
    client.post(url, {"action": "note", "text": "Rückruf vereinbart"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "answer", "text": "Ja, die Fläche ist teilbar."})
    inquiry.refresh_from_db()
    assert inquiry.status == Status.ANSWERED and inquiry.first_answered_at and inquiry.assigned_to == world.editor_a
    assert mail.outbox[-1].to == ["max@example.com"] and "Ja, die Fläche ist teilbar." in mail.outbox[-1].body
    client.post(url, {"action": "status", "status": "closed"})
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED and inquiry.closed_at
    assert [n.kind for n in inquiry.notes.all()] == ["event", "note", "answer", "event"]
    response = client.post(url, {"action": "assign", "assigned_to": world.editor_b.pk})
    assert response.status_code == 200 and "assigned_to" in response.context["assign_form"].errors


def test_response_times(world, inquiry):
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created_at=timezone.now() - timedelta(hours=10), first_answered_at=timezone.now() - timedelta(hours=4))
    rows = services.response_times(Inquiry.objects.all())
    assert rows[0]["organisation"] == org_of(world.editor_a)
    assert rows[0]["median_hours"] == 6.0 and rows[0]["answered"] == 1


# --- retention and data access --------------------------------------------------------------------

def test_retention_anonymises_closed_inquiries(world, inquiry):
    services.answer(world.editor_a, inquiry, "Antwort mit Namen Max")
    Inquiry.objects.filter(pk=inquiry.pk).update(status=Status.CLOSED, closed_at=timezone.now() - timedelta(days=200))
    assert services.apply_retention() == 0  # 12 months by default
    RetentionPolicy.objects.create(region=world.region, months_after_closing=6)
    assert services.apply_retention() == 1
    inquiry.refresh_from_db()
    assert inquiry.email == services.ANONYMISED_EMAIL and inquiry.name == "–" and "Max" not in inquiry.message
    assert all("Max" not in n.text for n in inquiry.notes.all())
    assert inquiry.first_answered_at  # figures survive
    assert services.apply_retention() == 0


def test_retention_command_and_open_inquiries_untouched(world, inquiry):
    from django.core.management import call_command

    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=timezone.now() - timedelta(days=900))
    call_command("inquiries_retention")
    inquiry.refresh_from_db()
    assert inquiry.email == "max@example.com"


def test_data_subject_export(client, world, inquiry):
    client.force_login(world.editor_a)
    response = client.post(reverse("privacy:export"), {"email": "MAX@example.com", "format": "json"})
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["inquiries"][0]["message"].startswith("Ist die Fläche")
    client.force_login(world.editor_b)
    data = json.loads(client.post(reverse("privacy:export"), {"email": "max@example.com", "format": "json"}).content)
    assert data["inquiries"] == []  # only what the user may see


def test_inquiry_about_place_mails_the_place_contact(world, agency, send):
    place = PlaceFactory(name="Ort", pitch="p", region=world.region, municipality=world.mun_a, lon=11.8, owner_name="o",
                         status="published", contact_email="hallo@ort.example")
    send(reverse("inquiries:contact_about", args=["ort", place.pk]), topic="place")
    assert Inquiry.objects.get().recipient == org_of(world.moderator)
    assert any("hallo@ort.example" in m.to for m in mail.outbox)


