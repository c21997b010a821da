"""Owner consent for private plots: publishing guard, mail merge by email and letter, answers."""

import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from standortlotse.properties import consent, services
from standortlotse.properties.models import OwnerConsent, Status
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mails_at_once(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def plots(world):
    with_mail = PropertyFactory(
        title="Acker Müller",
        municipality=world.mun_a,
        owner_type="private",
        status=Status.DRAFT,
        published_at=None,
        complete=True,  # what publishing needs besides the consent
    )
    consent.save_owner(
        world.editor_a, with_mail, "Erna Müller", "erna@example.org", "Dorfstraße 2\n39576 Stendal"
    )
    by_post = PropertyFactory(
        title="Hof Schmidt",
        municipality=world.mun_a,
        owner_type="private",
        status=Status.DRAFT,
        published_at=None,
        complete=True,  # what publishing needs besides the consent
    )
    consent.save_owner(world.editor_a, by_post, "Karl Schmidt", "", "Feldweg 9\n39576 Stendal")
    municipal = PropertyFactory(
        title="Kommunal",
        municipality=world.mun_a,
        owner_type="municipal",
        status=Status.DRAFT,
        complete=True,
    )
    return with_mail, by_post, municipal


def test_private_plots_are_published_only_with_consent(world, plots):
    with_mail, _by_post, municipal = plots
    with pytest.raises(ValidationError, match="consent|Zustimmung"):
        services.change_status(world.editor_a, with_mail, "publish")
    services.change_status(world.editor_a, municipal, "publish")  # not private: no consent needed
    consent.record(
        world.editor_a, with_mail, "granted", timezone.localdate(), "phone", "am Telefon"
    )
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
    assert (
        "Erna" not in page.content.decode()
    )  # the owner's data are not shown on the public link page
    client.post("/" + path, {"answer": "yes"})
    stored = OwnerConsent.objects.get(property=with_mail)
    assert (stored.state, stored.how, stored.responded_on) == (
        "granted",
        "online",
        timezone.localdate(),
    )
    again = client.get("/" + path)  # the link shows the recorded answer instead of going dead
    assert again.status_code == 200 and 'name="answer"' not in again.content.decode()
    client.post("/" + path, {"answer": "no"})  # a second answer changes nothing
    assert OwnerConsent.objects.get(property=with_mail).state == "granted"
    assert consent.may_publish(type(with_mail).objects.get(pk=with_mail.pk))


def test_letters_pdf_and_refusal(client, world, plots):
    _with_mail, by_post, _m = plots
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:consent_list"), {"ids": [by_post.pk], "channel": "letter"}
    )
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
    response = client.post(
        reverse("properties:consent_edit", args=[with_mail.pk]),
        {"form": "record", "state": "granted", "responded_on": "2026-11-01", "how": "letter"},
    )
    assert response.status_code == 302
    assert OwnerConsent.objects.get(property=with_mail).how == "letter"
    bad = client.post(
        reverse("properties:consent_edit", args=[with_mail.pk]),
        {"form": "owner", "owner_email": "kein-mail"},
    )
    assert bad.status_code == 400
    client.force_login(world.editor_b)
    assert client.get(reverse("properties:consent_edit", args=[with_mail.pk])).status_code == 404
    assert "Acker Müller" not in client.get(reverse("properties:consent_list")).content.decode()
    assert client.get("/zustimmung/falsch/").status_code == 404


# --- the rule on every write path: a published plot is private only with recorded consent ----------

CONSENT_ERROR = "Zustimmung"  # the German message names the owner's consent


def _editor_form_data(prop, **overrides):
    from django.forms.models import model_to_dict

    from standortlotse.properties.forms import PropertyForm

    data = model_to_dict(prop, fields=PropertyForm.Meta.fields)
    data["outline"] = ""
    data.update(overrides)
    return {key: ("" if value is None else value) for key, value in data.items()}


def _still_public_and_municipal(prop):
    prop.refresh_from_db()
    return prop.status == Status.PUBLISHED and prop.owner_type == "municipal"


@pytest.fixture
def public_plot(world):
    return PropertyFactory(
        title="Öffentlich Kommunal", municipality=world.mun_a, owner_type="municipal"
    )


def test_form_refuses_private_owner_on_a_published_record(client, world, public_plot):
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_edit", args=[public_plot.pk]),
        _editor_form_data(public_plot, owner_type="private"),
    )
    assert response.status_code == 200
    assert CONSENT_ERROR in " ".join(response.context["form"].errors["owner_type"])
    assert _still_public_and_municipal(public_plot)
    # with the consent recorded the same change is accepted
    consent.record(world.editor_a, public_plot, "granted", timezone.localdate(), "letter")
    response = client.post(
        reverse("properties:editor_edit", args=[public_plot.pk]),
        _editor_form_data(public_plot, owner_type="private"),
    )
    assert response.status_code == 302
    public_plot.refresh_from_db()
    assert public_plot.owner_type == "private" and public_plot.status == Status.PUBLISHED


def test_api_patch_refuses_private_owner_on_a_published_record(client, world, public_plot):
    import json

    client.force_login(world.editor_a)
    url = f"/api/properties/{public_plot.pk}"
    response = client.patch(
        url, json.dumps({"owner_type": "private"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert CONSENT_ERROR in " ".join(response.json()["detail"]["owner_type"])
    assert _still_public_and_municipal(public_plot)
    # the status cannot be written by PATCH at all
    draft = PropertyFactory(
        municipality=world.mun_a, owner_type="private", status=Status.DRAFT, published_at=None
    )
    response = client.patch(
        f"/api/properties/{draft.pk}",
        json.dumps({"status": "published"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(f"/api/properties/{draft.pk}/publish")
    assert response.status_code == 422 and CONSENT_ERROR in " ".join(
        response.json()["detail"]["status"]
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_admin_refuses_private_owner_and_publishing_without_consent(rf, world, public_plot):
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.forms.models import model_to_dict

    request = rf.post("/admin/")
    request.user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    model_admin = admin.site._registry[type(public_plot)]
    form_class = model_admin.get_form(request, public_plot, change=True)

    def admin_form(prop, **overrides):
        data = {k: ("" if v is None else v) for k, v in model_to_dict(prop).items()}
        data["outline"] = "null"
        data.update(overrides)
        return form_class(data, instance=type(prop).objects.get(pk=prop.pk))

    form = admin_form(public_plot, owner_type="private")
    assert not form.is_valid() and CONSENT_ERROR in " ".join(form.errors["owner_type"])
    draft = PropertyFactory(
        municipality=world.mun_a, owner_type="private", status=Status.DRAFT, published_at=None
    )
    form = admin_form(draft, status="published")
    assert not form.is_valid() and "owner_type" in form.errors
    assert admin_form(draft, title="Nur umbenannt").is_valid()  # anything else stays possible
    assert _still_public_and_municipal(public_plot)


def test_import_update_refuses_private_owner_on_a_published_record(world, public_plot):
    from standortlotse.exchange.models import ImportJob
    from tests.exchange.support import csv_bytes, run

    public_plot.external_id = "K-1"
    public_plot.save()
    rows = [
        ["external_id", "title", "municipality_ags", "Eigentümer"],
        ["K-1", public_plot.title, world.mun_a.ags, "privat"],
    ]
    job = run(world.editor_a, "k.csv", csv_bytes(rows), confirm=False)
    assert job.state == ImportJob.State.PREVIEW
    row = job.rows.get()
    assert row.outcome == "error"
    assert any(
        column == "Eigentümer" and CONSENT_ERROR in message for column, message in row.messages
    )
    assert _still_public_and_municipal(public_plot)
    # new private rows with "publish at once" stay drafts
    rows.append(["K-2", "Neuer Privatacker", world.mun_a.ags, "privat"])
    run(world.editor_a, "k.csv", csv_bytes(rows), publish=True, skip_errors=True)
    assert type(public_plot).objects.get(external_id="K-2").status == Status.DRAFT
    assert _still_public_and_municipal(public_plot)


def test_status_change_refuses_publishing_without_consent(client, world, plots):
    with_mail, _by_post, _municipal = plots
    client.force_login(world.editor_a)
    client.post(reverse("properties:editor_action", args=[with_mail.pk, "publish"]))
    with_mail.refresh_from_db()
    assert with_mail.status == Status.DRAFT


@pytest.fixture
def consented_public_plot(world, plots):
    with_mail = plots[0]
    consent.record(world.editor_a, with_mail, "granted", timezone.localdate(), "letter")
    services.change_status(world.editor_a, with_mail, "publish")
    mail.outbox.clear()
    return with_mail


def test_editor_recording_a_refusal_unpublishes_and_tells_the_editors(
    client, world, consented_public_plot
):
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:consent_edit", args=[consented_public_plot.pk]),
        {"form": "record", "state": "refused", "responded_on": "2026-11-01", "how": "phone"},
        follow=True,
    )
    assert "offline" in response.content.decode() or "Entwurf" in response.content.decode()
    consented_public_plot.refresh_from_db()
    assert consented_public_plot.status == Status.DRAFT
    assert consented_public_plot.history.first().history_change_reason == "owner consent refused"
    assert [m.to for m in mail.outbox] == [[world.editor_a.email]]
    assert "Acker Müller" in mail.outbox[0].subject and "/datenpflege/" in mail.outbox[0].body
    assert "Erna" not in mail.outbox[0].body  # the owner's data stay in the back office
    assert (
        client.get(consented_public_plot.get_absolute_url()).status_code == 200
    )  # the editor still sees it
    client.logout()
    assert client.get(consented_public_plot.get_absolute_url()).status_code == 404


def test_owner_refusing_by_link_unpublishes_and_tells_the_editors(client, world, plots):
    with_mail = plots[0]
    [(_consent, url)] = [r for r in consent.request(world.editor_a, [with_mail], "email") if r[1]]
    # published while the question was open (a record from before the rule held on every path)
    type(with_mail).objects.filter(pk=with_mail.pk).update(status=Status.PUBLISHED)
    mail.outbox.clear()
    client.post("/" + url.split("://", 1)[1].split("/", 1)[1], {"answer": "no"})
    with_mail.refresh_from_db()
    assert with_mail.status == Status.DRAFT
    assert [m.to for m in mail.outbox] == [[world.editor_a.email]]
    assert "Acker Müller" in mail.outbox[0].subject


# --- answer links that never go dead (issue 12) ------------------------------------------------

LINK = re.compile(r"https?://\S+?(/zustimmung/[^/\s]+/)")


def _path(url: str) -> str:
    return LINK.search(url).group(1)


def test_a_later_request_or_answer_ends_no_earlier_link(client, world, plots):
    with_mail, _b, _m = plots
    by_letter = _path(consent.request(world.editor_a, [with_mail], "letter")[0][1])
    assert not mail.outbox  # a letter sends nothing
    consent.request(world.editor_a, [with_mail], "email")
    by_mail = _path(mail.outbox[-1].body)
    for path in (by_letter, by_mail):  # the letter's link still works after the email
        page = client.get(path)
        assert page.status_code == 200 and 'name="answer"' in page.content.decode()
    client.post(by_letter, {"answer": "no"})
    assert OwnerConsent.objects.get(property=with_mail).state == "refused"
    for path in (by_letter, by_mail):
        page = client.get(path)
        assert page.status_code == 200 and "Acker Müller" in page.content.decode()
        assert 'name="answer"' not in page.content.decode()
    client.post(by_mail, {"answer": "yes"})
    assert OwnerConsent.objects.get(property=with_mail).state == "refused"


def test_an_answer_recorded_by_the_editor_keeps_the_link_working(client, world, plots):
    with_mail, _b, _m = plots
    consent.request(world.editor_a, [with_mail], "email")
    path = _path(mail.outbox[-1].body)
    consent.record(world.editor_a, with_mail, "granted", timezone.localdate(), "phone")
    page = client.get(path)
    assert page.status_code == 200 and "Acker Müller" in page.content.decode()


def test_expired_link_leads_to_a_fresh_link_for_the_stored_address(client, world, plots):
    with_mail, by_post, _m = plots
    consent.request(world.editor_a, [with_mail, by_post], "email")
    path = _path(mail.outbox[-1].body)
    OwnerConsent.objects.get(property=with_mail).links.update(
        expires_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    stale = client.get(path)
    assert stale.status_code == 404 and "Acker Müller" not in stale.content.decode()
    assert f'action="{reverse("properties:consent_link_request")}"' in stale.content.decode()
    mail.outbox.clear()
    url = reverse("properties:consent_link_request")
    known = client.post(url, {"email": "ERNA@example.org"})
    assert known.status_code == 200 and [m.to for m in mail.outbox] == [["erna@example.org"]]
    fresh = _path(mail.outbox[-1].body)
    assert 'name="answer"' in client.get(fresh).content.decode()
    unknown = client.post(url, {"email": "niemand@example.org"})
    assert unknown.content == known.content and len(mail.outbox) == 1
    consent.record(world.editor_a, with_mail, "refused", timezone.localdate(), "phone")
    client.post(url, {"email": "erna@example.org"})  # no open request: nothing to send
    assert len(mail.outbox) == 1


def test_consent_fresh_link_is_rate_limited_and_has_a_honeypot(client, world, plots, settings):
    settings.FRESH_LINKS_PER_EMAIL_PER_DAY = 1
    with_mail, _b, _m = plots
    consent.request(world.editor_a, [with_mail], "email")
    mail.outbox.clear()
    url = reverse("properties:consent_link_request")
    assert client.post(url, {"email": "erna@example.org", "homepage": "x"}).status_code == 400
    assert client.post(url, {"email": "erna@example.org"}).status_code == 200
    assert client.post(url, {"email": "erna@example.org"}).status_code == 429
    assert len(mail.outbox) == 1
