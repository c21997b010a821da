"""Owner consent for private plots: publishing guard, mail merge by email and letter, answers."""

import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from standortlotse.factories import PropertyFactory
from standortlotse.properties import consent, services
from standortlotse.properties.models import OwnerConsent, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mails_at_once(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def plots(world):
    with_mail = PropertyFactory(title="Acker Müller", municipality=world.mun_a, owner_type="private", status=Status.DRAFT, published_at=None)
    consent.save_owner(world.editor_a, with_mail, "Erna Müller", "erna@example.org", "Dorfstraße 2\n39576 Stendal")
    by_post = PropertyFactory(title="Hof Schmidt", municipality=world.mun_a, owner_type="private", status=Status.DRAFT, published_at=None)
    consent.save_owner(world.editor_a, by_post, "Karl Schmidt", "", "Feldweg 9\n39576 Stendal")
    municipal = PropertyFactory(title="Kommunal", municipality=world.mun_a, owner_type="municipal", status=Status.DRAFT)
    return with_mail, by_post, municipal


def test_private_plots_are_published_only_with_consent(world, plots):
    with_mail, _by_post, municipal = plots
    with pytest.raises(ValidationError, match="consent|Zustimmung"):
        services.change_status(world.editor_a, with_mail, "publish")
    services.change_status(world.editor_a, municipal, "publish")  # not private: no consent needed
    consent.record(world.editor_a, with_mail, "granted", timezone.localdate(), "phone", "am Telefon")
    services.change_status(world.editor_a, with_mail, "publish")
    assert with_mail.status == Status.PUBLISHED


def test_email_request_and_online_answer(client, world, plots):
    with_mail, by_post, _m = plots
    result = consent.request(world.editor_a, [with_mail, by_post], "email")
    assert [bool(url) for _c, url in result] == [True, False]  # no address: letter needed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["erna@example.org"]
    url = re.search(r"https?://\S+/zustimmung/\S+/", mail.outbox[0].body).group(0)
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "Acker Müller" in page.content.decode()
    assert "Erna" not in page.content.decode()  # the owner's data are not shown on the public link page
    client.post("/" + path, {"answer": "yes"})
    stored = OwnerConsent.objects.get(property=with_mail)
    assert (stored.state, stored.how, stored.responded_on) == ("granted", "online", timezone.localdate())
    assert client.get("/" + path).status_code == 404  # the link is used up
    assert consent.may_publish(type(with_mail).objects.get(pk=with_mail.pk))


def test_letters_pdf_and_refusal(client, world, plots):
    _with_mail, by_post, _m = plots
    client.force_login(world.editor_a)
    response = client.post(reverse("properties:consent_list"), {"ids": [by_post.pk], "channel": "letter"})
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Karl Schmidt" in text and "Feldweg 9" in text and "Hof Schmidt" in text
    token_url = re.search(r"/zustimmung/(\S+)/", text.replace("\n", ""))
    assert token_url
    consent_row = OwnerConsent.objects.get(property=by_post)
    assert consent_row.state == "requested" and consent_row.requested_how == "letter"
    client.logout()
    client.post(f"/zustimmung/{token_url.group(1)}/", {"answer": "no"})
    assert OwnerConsent.objects.get(property=by_post).state == "refused"


def test_back_office_pages_and_permissions(client, world, plots):
    with_mail, _b, _m = plots
    client.force_login(world.editor_a)
    page = client.get(reverse("properties:consent_list")).content.decode()
    assert "Acker Müller" in page and "Hof Schmidt" in page and "Kommunal" not in page
    response = client.post(reverse("properties:consent_edit", args=[with_mail.pk]),
                           {"form": "record", "state": "granted", "responded_on": "2026-11-01", "how": "letter"})
    assert response.status_code == 302
    assert OwnerConsent.objects.get(property=with_mail).how == "letter"
    bad = client.post(reverse("properties:consent_edit", args=[with_mail.pk]), {"form": "owner", "owner_email": "kein-mail"})
    assert bad.status_code == 400
    client.force_login(world.editor_b)
    assert client.get(reverse("properties:consent_edit", args=[with_mail.pk])).status_code == 404
    assert "Acker Müller" not in client.get(reverse("properties:consent_list")).content.decode()
    assert client.get("/zustimmung/falsch/").status_code == 404
