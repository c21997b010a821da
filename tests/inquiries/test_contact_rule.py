"""One rule for the contact of a property: the detail page shows whom the inquiry reaches.
Reference numbers in the confirmation, inquiries about several compared properties."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from standortlotse.accounts.models import Organisation
from standortlotse.inquiries import routing
from standortlotse.inquiries.models import Inquiry
from tests.factories import OrganisationFactory
from tests.inquiries.support import org_of

pytestmark = pytest.mark.django_db


def shown_contact(client, prop) -> str:
    html = client.get(reverse("properties:detail", args=[prop.pk])).content.decode()
    return re.search(r"<address data-contact>(.*?)</address>", html, re.S).group(1)


def recipients_of(url, send):
    mail.outbox.clear()
    send(url)
    return Inquiry.objects.latest("pk"), {to for m in mail.outbox for to in m.to}


@pytest.mark.parametrize("named", [True, False])
def test_page_and_routing_agree(client, world, agency, send, named):
    prop = world.prop_a
    office = org_of(world.editor_a)
    office.email, office.phone = "wifoe@stendal.example", "03931 123"
    office.save()
    if named:
        prop.contact_name, prop.contact_email = "Erika Muster", "erika@stendal.example"
        prop.save()
    contact = routing.property_contact(prop)
    assert contact.organisation == office and contact.named is named
    shown = shown_contact(client, prop)
    inquiry, to = recipients_of(
        reverse("inquiries:contact_about", args=["immobilie", prop.pk]), send
    )
    assert inquiry.recipient == contact.organisation
    assert contact.email in shown and contact.email in to
    if named:
        assert "Erika Muster" in shown and contact.organisation_name == office.name
        person_mail = next(m for m in mail.outbox if m.to == ["erika@stendal.example"])
        assert person_mail.reply_to == ["max@example.com"] and prop.title in person_mail.subject
    else:
        assert office.name in shown and "03931 123" in shown and contact.name == ""


def test_fallback_to_the_district_office(client, world, agency, send):
    office = OrganisationFactory(
        name="Wifö Börde",
        kind=Organisation.Kind.ECONOMIC_DEVELOPMENT,
        district=world.district_other,
        email="wifoe@boerde.example",
    )
    contact = routing.property_contact(world.prop_c)
    assert contact.organisation == office and not contact.named
    assert "Wifö Börde" in shown_contact(client, world.prop_c)
    inquiry, to = recipients_of(
        reverse("inquiries:contact_about", args=["immobilie", world.prop_c.pk]), send
    )
    assert inquiry.recipient == office and "wifoe@boerde.example" in to


def test_invalid_contact_email_is_not_a_named_contact(world, agency):
    world.prop_a.contact_name, world.prop_a.contact_email = "Niemand", "kein-mail"
    contact = routing.property_contact(world.prop_a)
    assert not contact.named and contact.organisation == org_of(world.editor_a)


def test_reference_number(world, agency, inquiry):
    year = inquiry.created_at.year
    assert inquiry.reference == f"ANF-{year}-{inquiry.pk:06d}"
    assert Inquiry(pk=None).reference == ""
    assert Inquiry(pk=123, created_at=inquiry.created_at).reference == f"ANF-{year}-000123"


def test_confirmation_names_property_and_reference(client, world, agency, send):
    mail.outbox.clear()
    response = send("/en" + reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]))
    inquiry = Inquiry.objects.get()
    confirmation = next(m for m in mail.outbox if m.to == ["max@example.com"])
    assert inquiry.reference in confirmation.subject and world.prop_a.title in confirmation.subject
    assert "Your inquiry" in confirmation.subject
    assert inquiry.reference in confirmation.body and world.prop_a.title in confirmation.body
    assert f"/en/immobilien/{world.prop_a.pk}/" in confirmation.body
    staff = next(m for m in mail.outbox if m.to != ["max@example.com"])
    assert inquiry.reference in staff.body
    thanks = client.get(response["Location"]).content.decode()
    assert inquiry.reference in thanks and world.prop_a.title in thanks


def test_inquiry_about_compared_properties(client, world, agency, send):
    ids = f"{world.prop_a.pk},{world.prop_b.pk}"
    url = reverse("inquiries:contact") + f"?ids={ids}"
    form = client.get(url).content.decode()
    assert world.prop_a.title in form and world.prop_b.title in form
    mail.outbox.clear()
    response = send(url)
    assert response.status_code == 302
    a, b = Inquiry.objects.order_by("pk")
    assert (a.property, b.property) == (world.prop_a, world.prop_b)
    assert a.recipient == org_of(world.editor_a) and b.recipient == org_of(world.editor_b)
    assert world.prop_b.title in a.message  # staff see what else was asked about
    confirmations = [m for m in mail.outbox if m.to == ["max@example.com"]]
    assert len(confirmations) == 1
    body = confirmations[0].body
    for inquiry in (a, b):
        assert inquiry.reference in body and inquiry.property.title in body
    assert "2 Immobilien" in confirmations[0].subject
    thanks = client.get(response["Location"]).content.decode()
    assert a.reference in thanks and b.reference in thanks


def test_single_id_is_an_ordinary_property_inquiry(world, agency, send):
    send(reverse("inquiries:contact") + f"?ids={world.prop_b.pk}")
    assert Inquiry.objects.get().property == world.prop_b
