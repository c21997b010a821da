"""Request tests of site offers (cases/offers.py, cases/offer_views.py): staff build and send an
offer from a case's matching results; the investor's private link (expiry, revocation, guessing),
answers and questions in the case log, confidentiality towards sharers, the offer's PDF."""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from standortlotse.accounts.models import Membership
from standortlotse.cases import offers, services
from standortlotse.cases.models import Offer, OfferItem, SearchProfile, Verdict
from tests.factories import UserFactory
from tests.properties.test_pdf_template_syntax import assert_clean

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the rate limit counts in the cache


@pytest.fixture
def staff(world, case):
    """A member of the owning organisation (the contact person), a district office the case is
    shared with (company not disclosed), an unrelated editor."""
    agency_user = UserFactory(
        username="agency_staff", first_name="Greta", last_name="Lotsin", email="greta@lsa.example"
    )
    Membership.objects.create(
        user=agency_user, organisation=case.owner, role=Membership.Role.MUNICIPAL_EDITOR
    )
    case.owner.phone = "0391 1234567"
    case.owner.save()
    district_org = world.editor_a.memberships.get().organisation
    services.share(world.state_admin, case, district_org, disclose=False)
    return {"agency": agency_user, "district": world.editor_a, "other": world.editor_b}


@pytest.fixture
def profiled_case(case, crafted):
    profile = SearchProfile.objects.create(kinds=["plot"], language="en")
    case.profile = profile
    case.contact_name = "Ada Acme"
    case.contact_email = "ada@geheim.example"
    case.save()
    return case


def _send(client, case, props, **overrides):
    data = {
        "action": "send",
        "properties": [str(p.pk) for p in props],
        "note": "Zwei Flächen, die zu Ihrem Vorhaben passen.",
        "language": "en",
        "contact": str(offers.contact_choices(case).get(username="agency_staff").pk),
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    for i, prop in enumerate(props):
        data[f"position_{prop.pk}"] = str(len(props) - i)  # reversed order
        data[f"note_{prop.pk}"] = f"Hinweis zu {prop.title}"
    data.update(overrides)
    return client.post(reverse("cases:offer_create", args=[case.pk]), data)


@pytest.fixture
def sent_offer(client, staff, profiled_case, crafted, django_capture_on_commit_callbacks):
    client.force_login(staff["agency"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, profiled_case, [crafted["rail"], crafted["no_rail"]])
    assert response.status_code == 302, response.context["form"].errors
    client.logout()
    return Offer.objects.get()


def test_form_preselects_the_top_matches_and_finds_properties_by_id(
    client, staff, profiled_case, crafted
):
    client.force_login(staff["agency"])
    url = reverse("cases:offer_create", args=[profiled_case.pk])
    page = client.get(url)
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r["checked"] for r in rows][:4] == [True, True, True, False]
    assert {r["property"].title for r in rows} == {
        "Mit Gleis",
        "Gleis klein",
        "Ohne Gleis",
        "Gleis möglich",
    }
    # by hand: the hall (no match: another kind) by its ID, entries kept
    found = client.post(
        url, {"action": "search", "q": f"#{crafted['hall'].pk}", "note": "Hallo", "language": "en"}
    )
    assert [r["property"].title for r in found.context["rows"] if r["extra"]] == ["Halle"]
    assert "Hallo" in found.content.decode()
    # drafts are never offered
    assert (
        client.post(url, {"action": "search", "q": "Entwurf"}).context["rows"][-1]["property"].title
        != "Entwurf"
    )


def test_sending_mails_the_link_in_the_investors_language_and_logs_it(
    sent_offer, profiled_case, crafted
):
    offer = sent_offer
    assert [i.property.title for i in offer.items.all()] == ["Ohne Gleis", "Mit Gleis"]
    assert offer.items.get(property=crafted["rail"]).note == "Hinweis zu Mit Gleis"
    assert offer.token_hash == offers.hash_offer_token(offer.token) and len(offer.token) >= 40
    message = next(m for m in mail.outbox if m.to == ["ada@geheim.example"])
    assert f"/en/angebot/{offer.token}/" in message.body
    assert "properties for you" in message.body and message.reply_to == ["greta@lsa.example"]
    log = profiled_case.activities.first().text
    assert "Standortangebot" in log and "Englisch" in log and "Geheim AG" not in log
    assert set(profiled_case.offered_properties.all()) == {crafted["rail"], crafted["no_rail"]}


def test_investor_page_in_english_records_opening(client, sent_offer, profiled_case):
    url = f"/en/angebot/{sent_offer.token}/"
    page = client.get(url)
    assert page.status_code == 200 and page["Content-Language"] == "en"
    html = page.content.decode()
    assert "Site offer for Geheim AG" in html  # the investor's own page may greet the company
    assert "Greta Lotsin" in html and "0391 1234567" in html and "greta@lsa.example" in html
    assert "Zwei Flächen" in html and "Hinweis zu Mit Gleis" in html
    assert reverse("cases:offer_geojson", args=[sent_offer.token]) in html
    # the municipality concerned, linked to its location profile in the investor's language
    assert '<a href="/en/standort/gemeinde/15090535/">Stendal</a> (Landkreis Stendal)' in html
    assert 'data-row="area_available_m2"' in html  # the comparison
    assert "no-store" in page["Cache-Control"]
    assert "<script>" not in html and " style=" not in html
    sent_offer.refresh_from_db()
    first = sent_offer.first_opened_at
    assert first is not None and sent_offer.last_opened_at == first
    client.get(url)
    sent_offer.refresh_from_db()
    assert sent_offer.first_opened_at == first and sent_offer.last_opened_at > first
    opened = profiled_case.activities.filter(text__startswith="Investor hat das Standortangebot")
    assert opened.count() == 1  # logged once, not on every visit
    features = client.get(reverse("cases:offer_geojson", args=[sent_offer.token])).json()
    assert {f["properties"]["title"] for f in features["features"]} == {"Mit Gleis", "Ohne Gleis"}


def test_answers_questions_and_downloads_land_in_the_case_log(
    client, sent_offer, profiled_case, crafted, django_capture_on_commit_callbacks
):
    token = sent_offer.token
    item = sent_offer.items.get(property=crafted["rail"])
    response = client.post(
        f"/en/angebot/{token}/antwort/{item.pk}/",
        {f"item{item.pk}-verdict": "interesting", f"item{item.pk}-comment": "Gleis ist wichtig"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.verdict == Verdict.INTERESTING and item.comment == "Gleis ist wichtig"
    texts = list(profiled_case.activities.values_list("text", flat=True))
    assert (
        f"Investor hat #{crafted['rail'].pk} Mit Gleis als interessant markiert: „Gleis ist wichtig“"
        in texts
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/angebot/{token}/frage/", {"text": "Is the grid 2 MVA?"})
    assert response.status_code == 302
    assert sent_offer.questions.get().text == "Is the grid 2 MVA?"
    assert "Investor fragt: Is the grid 2 MVA?" in profiled_case.activities.values_list(
        "text", flat=True
    )
    staff_mail = [m for m in mail.outbox if "greta@lsa.example" in m.to]
    assert staff_mail and "Is the grid 2 MVA?" in staff_mail[0].body
    assert not [m for m in mail.outbox if "editor_a" in " ".join(m.to)]  # not to the sharer
    pdf = client.get(f"/en/angebot/{token}/expose/{item.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert f"Investor hat das Exposé von #{crafted['rail'].pk} Mit Gleis heruntergeladen." in (
        profiled_case.activities.values_list("text", flat=True)
    )
    # an item of another offer is not reachable through this link
    other = OfferItem.objects.exclude(offer=sent_offer).first()
    assert other is None
    assert client.get(f"/en/angebot/{token}/expose/999999.pdf").status_code == 404
    assert client.post(f"/en/angebot/{token}/antwort/999999/", {}).status_code == 404


def test_investor_posts_are_rate_limited(client, sent_offer, settings):
    item = sent_offer.items.first()
    url = f"/angebot/{sent_offer.token}/antwort/{item.pk}/"
    data = {f"item{item.pk}-verdict": "not_interesting"}
    statuses = [client.post(url, data).status_code for _ in range(offers.OFFER_POSTS_PER_HOUR + 1)]
    assert statuses[:-1] == [302] * offers.OFFER_POSTS_PER_HOUR and statuses[-1] == 429


def test_investor_forms_need_csrf(sent_offer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/angebot/{sent_offer.token}/frage/", {"text": "Hallo?"})
    assert response.status_code == 403 and not sent_offer.questions.exists()


def test_expired_link_is_gone_in_the_offers_language_without_data(client, sent_offer):
    Offer.objects.filter(pk=sent_offer.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    for url in (
        f"/angebot/{sent_offer.token}/",
        f"/angebot/{sent_offer.token}/angebot.pdf",
        f"/angebot/{sent_offer.token}/expose/{sent_offer.items.first().pk}.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 410, url
        html = response.content.decode()
        assert "This offer is no longer available" in html and "has expired" in html
        assert "Greta Lotsin" in html  # whom to contact
        for secret in ("Geheim AG", "Mit Gleis", "Zwei Flächen"):
            assert secret not in html
    answer = client.post(f"/angebot/{sent_offer.token}/frage/", {"text": "Noch da?"})
    assert answer.status_code == 410 and not sent_offer.questions.exists()
    assert client.get(reverse("cases:offer_geojson", args=[sent_offer.token])).status_code == 404
    sent_offer.refresh_from_db()
    assert sent_offer.first_opened_at is None


def test_revoked_and_extended(client, staff, sent_offer):
    client.force_login(staff["agency"])
    manage = sent_offer.get_absolute_url()
    page = client.get(manage)
    assert page.status_code == 200 and sent_offer.token in page.content.decode()
    client.post(manage, {"action": "revoke"})
    client.logout()
    response = client.get(f"/angebot/{sent_offer.token}/")
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    sent_offer.refresh_from_db()
    assert sent_offer.revoked_at is not None
    assert "widerrufen" in sent_offer.case.activities.first().text
    # extending: past dates refused
    client.force_login(staff["agency"])
    Offer.objects.filter(pk=sent_offer.pk).update(revoked_at=None)
    past = client.post(manage, {"action": "extend", "expires_on": "2020-01-01"})
    assert past.status_code == 400
    later = (timezone.localdate() + timedelta(days=90)).isoformat()
    client.post(manage, {"action": "extend", "expires_on": later})
    sent_offer.refresh_from_db()
    assert sent_offer.expires_on.isoformat() == later


def test_guessed_tokens_are_not_found(client, sent_offer):
    token = sent_offer.token
    for guess in (token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "0" * 43):
        assert client.get(f"/angebot/{guess}/").status_code == 404, guess
        assert client.post(f"/angebot/{guess}/frage/", {"text": "?"}).status_code == 404
        assert client.get(f"/angebot/{guess}/angebot.pdf").status_code == 404
    assert not sent_offer.questions.exists()


def test_shared_organisation_sees_offer_but_not_the_company(
    client, staff, sent_offer, profiled_case, crafted
):
    # the investor typed the company's name into a comment
    item = sent_offer.items.get(property=crafted["rail"])
    offers.answer(sent_offer, item, Verdict.INTERESTING, "Geheim AG braucht das Gleis")
    client.force_login(staff["district"])
    page = client.get(reverse("cases:detail", args=[profiled_case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Standortangebot {sent_offer}" in html and "Mit Gleis" in html  # the offer is listed
    assert "Geheim AG" not in html and "ada@geheim.example" not in html
    assert sent_offer.token not in html  # the private link stays with the owner
    assert "braucht das Gleis" in html  # the comment, with the name masked
    assert reverse("cases:offer_create", args=[profiled_case.pk]) not in html
    assert client.get(sent_offer.get_absolute_url()).status_code == 403
    assert client.get(reverse("cases:offer_create", args=[profiled_case.pk])).status_code == 403
    assert _send(client, profiled_case, [crafted["rail"]]).status_code == 403
    # the owner sees the name
    client.force_login(staff["agency"])
    assert (
        "Geheim AG braucht"
        in client.get(reverse("cases:detail", args=[profiled_case.pk])).content.decode()
    )


def test_other_organisations_get_404(client, staff, sent_offer, profiled_case, crafted):
    client.force_login(staff["other"])
    assert client.get(sent_offer.get_absolute_url()).status_code == 404
    assert client.post(sent_offer.get_absolute_url(), {"action": "revoke"}).status_code == 404
    assert client.get(reverse("cases:offer_create", args=[profiled_case.pk])).status_code == 404
    assert _send(client, profiled_case, [crafted["rail"]]).status_code == 404
    sent_offer.refresh_from_db()
    assert sent_offer.revoked_at is None and Offer.objects.count() == 1


def test_offer_refuses_drafts_and_a_contact_outside_the_owner(
    client, staff, profiled_case, crafted
):
    client.force_login(staff["agency"])
    response = _send(client, profiled_case, [crafted["draft"]])
    assert response.status_code == 400 and not Offer.objects.exists()
    response = _send(client, profiled_case, [crafted["rail"]], contact=str(staff["district"].pk))
    assert response.status_code == 400 and "contact" in response.context["form"].errors


def test_a_bare_visit_points_to_the_offers_language_and_keeps_the_visitors_choice(
    client, sent_offer
):
    assert sent_offer.language == "en"
    german = client.get(f"/angebot/{sent_offer.token}/").content.decode()
    notice = german[german.index('id="offer-language"') :]
    notice = notice[: notice.index("</p>")]
    assert 'lang="en"' in german and "This offer was written for you in English." in notice
    assert f'href="/en/angebot/{sent_offer.token}/"' in notice  # no redirect: a link
    english = client.get(f"/en/angebot/{sent_offer.token}/").content.decode()
    assert 'id="offer-language"' not in english
    sent_offer.language = "de"
    sent_offer.save()
    english = client.get(f"/en/angebot/{sent_offer.token}/").content.decode()
    assert "Dieses Angebot wurde für Sie auf Deutsch verfasst." in english
    assert f'href="/angebot/{sent_offer.token}/"' in english


def test_offer_pdf_reads_back(client, sent_offer, crafted):
    from pypdf import PdfReader

    response = client.get(f"/en/angebot/{sent_offer.token}/angebot.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 3  # cover + one section per property
    cover = reader.pages[0].extract_text()
    assert "Site offer for Geheim AG" in cover and "Greta Lotsin" in cover
    assert "Zwei Flächen" in cover and "Your contact person" in cover
    # the municipality's location profile, as an address to type in (a PDF is read offline)
    profile = f"{settings.SITE_URL}/en/standort/gemeinde/15090535/"
    assert "Location profile:" in cover and profile in "".join(cover.split())
    text = " ".join(page.extract_text() for page in reader.pages[1:])
    assert "Hinweis zu Mit Gleis" in text and "Hinweis zu Ohne Gleis" in text
    assert re.search(r"Ohne Gleis.*Mit Gleis", text, re.S)  # in the offer's order
    assert "Stendal" in text
    assert "PDF" in sent_offer.case.activities.first().text
    assert_clean(cover + text)  # no template syntax reaches the reader (test_pdf_template_syntax)


def test_erasing_the_investors_data_removes_questions_and_comments(sent_offer, crafted, world):
    from standortlotse.privacy import services as privacy

    item = sent_offer.items.get(property=crafted["rail"])
    offers.answer(sent_offer, item, Verdict.INTERESTING, "Rufen Sie Ada an")
    offers.ask(sent_offer, "Wann können wir kommen?")
    kinds = {row["key"] for row in privacy.plan("ada@geheim.example")}
    assert {"offer_questions", "offer_answers"} <= kinds
    privacy.erase("ada@geheim.example", by=world.state_admin)
    item.refresh_from_db()
    assert item.comment == "" and item.verdict == Verdict.INTERESTING
    assert not sent_offer.questions.exists()
