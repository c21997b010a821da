"""Request tests of the investor service (cases/views.py): profile → case, alerts, case permissions,
pipeline, board and its exports."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from standortlotse.accounts.models import Organisation
from standortlotse.cases import services
from standortlotse.cases.models import RESULTS_VALID_DAYS, AlertSent, Case, SearchProfile, Stage
from standortlotse.properties.models import Status
from tests.factories import CaseFactory, PropertyFactory

pytestmark = pytest.mark.django_db


# --- profile → case, alerts -----------------------------------------------------------------------


@pytest.fixture
def agency(world):
    return Organisation.objects.filter(kind=Organisation.Kind.STATE_AGENCY).order_by("pk").first()


def profile_post(**overrides):
    data = {
        "kinds": ["plot"],
        "area_min_m2": "50000",
        "need_rail_siding": "on",
        "weight_funding_area": "3",
    }
    data.update(overrides)
    return data


def results_of(client, **overrides):
    response = client.post(reverse("cases:profile"), profile_post(**overrides))
    assert response.status_code == 302, response.context["form"].errors
    return SearchProfile.objects.get(), response


def test_profile_shows_ranked_results_without_personal_data(client, world, crafted):
    saved, response = results_of(client)
    assert response["Location"] == saved.get_absolute_url()
    assert saved.weights == {"funding_area": 3} and saved.email == "" and not saved.alerts
    assert saved.language == "de"
    assert not Case.objects.exists() and mail.outbox == []  # nobody is told of an anonymous profile
    page = client.get(saved.get_absolute_url())
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]  # a private link: never kept by a cache
    html = page.content.decode()
    matches = [m.property.title for m in page.context["matches"]]
    almost = {m.property.title: m.shortfalls for m in page.context["almost"]}
    assert matches == ["Mit Gleis"]  # 6 ha, siding: the only one with at least 5 ha and a siding
    # 5 ha, but the siding is possible only; 3.2 ha (64 % of 5 ha) is not "almost" (75 %).
    assert almost == {"Gleis möglich": ["Gleisanschluss möglich, nicht vorhanden"]}
    assert "Gleis klein" not in html
    assert (
        'data-map="search"' in html and reverse("cases:results_geojson", args=[saved.uid]) in html
    )
    assert f'href="{reverse("properties:expose", args=[crafted["rail"].pk])}"' in html
    for personal in ('name="name"', 'name="email"', 'name="company"'):
        assert personal not in client.get(reverse("cases:profile")).content.decode()


def test_profile_has_no_personal_fields_and_errors_keep_input(client, world):
    response = client.post(reverse("cases:profile"), profile_post(area_max_m2="100"))
    assert response.status_code == 200
    assert "area_max_m2" in response.context["form"].errors
    assert set(response.context["form"].fields) >= {"kinds", "area_min_m2", "weight_gas"}
    for personal in ("email", "company", "contact_name", "consent", "alerts"):
        assert personal not in response.context["form"].fields
    assert 'value="50000"' in response.content.decode()
    assert not SearchProfile.objects.exists()


def test_results_link_forged_unknown_and_expired(client, world, crafted):
    saved, _response = results_of(client)
    for token in ("not-a-token", "00000000-0000-4000-8000-000000000000", str(saved.uid)[:-1]):
        response = client.get(reverse("cases:profile_results", args=[token]))
        assert response.status_code == 404, token
        assert "Ergebnisse nicht gefunden" in response.content.decode()
        assert client.get(reverse("cases:results_geojson", args=[token])).status_code == 404
    SearchProfile.objects.filter(pk=saved.pk).update(
        created_at=timezone.now() - timedelta(days=RESULTS_VALID_DAYS + 1)
    )
    response = client.get(saved.get_absolute_url())
    assert response.status_code == 410
    assert (
        "abgelaufen" in response.content.decode()
        and str(RESULTS_VALID_DAYS) in response.content.decode()
    )
    post = client.post(reverse("cases:results_link", args=[saved.uid]), {})
    assert post.status_code == 410
    # While alerts are on (their mails link to the results), the link keeps working.
    SearchProfile.objects.filter(pk=saved.pk).update(alerts=True)
    assert client.get(saved.get_absolute_url()).status_code == 200


def test_results_geojson_lists_matches_and_almost(client, world, crafted):
    saved, _response = results_of(client)
    data = client.get(reverse("cases:results_geojson", args=[saved.uid])).json()
    features = {f["properties"]["title"]: f["properties"]["almost"] for f in data["features"]}
    assert features == {"Mit Gleis": False, "Gleis möglich": True}


def inquiry_post(*props, **overrides):
    data = {
        "properties": [str(p.pk) for p in props],
        "name": "Ada Acme",
        "company": "Acme Batteries GmbH",
        "email": "ada@acme.example",
        "message": "Wir suchen 5 ha für eine Zellfertigung ab 2027.",
        "consent": "on",
        "action": "inquiry",
    }
    data.update(overrides)
    return data


@pytest.fixture
def two_offices(world, crafted):
    """Stendal's office (editor_a, German) gets "Mit Gleis"; "Gleis klein" moves to Gardelegen
    (editor_b, English)."""
    from standortlotse.accounts.models import StaffPreference

    crafted["rail_small"].municipality = world.mun_b
    crafted["rail_small"].save()
    world.editor_a.email, world.editor_b.email = "a@stendal.example", "b@gardelegen.example"
    world.editor_a.save()
    world.editor_b.save()
    StaffPreference.objects.create(user=world.editor_b, language="en")
    for user in (world.editor_a, world.editor_b):
        org = user.memberships.get().organisation
        org.email = ""
        org.save()
    return crafted


def test_one_inquiry_for_several_properties(
    client, world, two_offices, agency, django_capture_on_commit_callbacks
):
    from standortlotse.inquiries.models import Inquiry

    saved, _response = results_of(client, area_min_m2="30000")
    rail, small = two_offices["rail"], two_offices["rail_small"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:results_inquiry", args=[saved.uid]), inquiry_post(rail, small)
        )
    assert response.status_code == 302
    assert response["Location"] == saved.get_absolute_url() + "?sent=inquiry#sent"
    inquiries = {i.property: i for i in Inquiry.objects.select_related("recipient")}
    assert set(inquiries) == {rail, small}
    org_a = world.editor_a.memberships.get().organisation
    org_b = world.editor_b.memberships.get().organisation
    assert inquiries[rail].recipient == org_a and inquiries[small].recipient == org_b
    for inquiry in inquiries.values():
        assert (
            inquiry.email == "ada@acme.example"
            and inquiry.organisation_name == "Acme Batteries GmbH"
        )
        assert inquiry.message.startswith("Wir suchen 5 ha") and inquiry.language == "de"
        assert rail.title in inquiry.message and small.title in inquiry.message
    case = Case.objects.get()  # one case of the investor service
    assert (
        case.profile == saved and case.owner == agency and case.contact_email == "ada@acme.example"
    )
    assert "2 Immobilien" in case.activities.first().text
    # Staff in their own language, the investor in theirs, one confirmation only.
    german = [m for m in mail.outbox if m.to == ["a@stendal.example"]]
    english = [m for m in mail.outbox if m.to == ["b@gardelegen.example"]]
    assert len(german) == 1 and german[0].subject == f"Neue Anfrage: {rail.title}"
    assert "ist eine neue Anfrage eingegangen" in german[0].body
    assert len(english) == 1 and english[0].subject == f"New inquiry: {small.title}"
    assert "A new inquiry" in english[0].body and "/en/datenpflege/anfragen/" in english[0].body
    confirmations = [m for m in mail.outbox if m.to == ["ada@acme.example"]]
    assert len(confirmations) == 1
    # the confirmation of every inquiry about several properties: each with its reference
    assert confirmations[0].subject == (
        f"Ihre Anfrage {min(i.reference for i in inquiries.values())} zu 2 Immobilien"
    ), confirmations[0].subject
    for prop, inquiry in inquiries.items():
        assert prop.title in confirmations[0].body and inquiry.reference in confirmations[0].body
    shown = client.get(response["Location"]).content.decode()
    assert 'id="sent"' in shown and "weitergeleitet" in shown


def test_inquiry_errors_name_the_fields_and_keep_the_selection(client, world, crafted):
    from standortlotse.inquiries.models import Inquiry

    saved, _response = results_of(client, area_min_m2="30000")
    url = reverse("cases:results_inquiry", args=[saved.uid])
    response = client.post(url, inquiry_post(crafted["rail"], email="kein-at", consent=""))
    assert response.status_code == 400
    errors = response.context["inquiry_form"].errors
    assert set(errors) == {"email", "consent"}
    html = response.content.decode()
    assert f'value="{crafted["rail"].pk}" checked' in html and 'value="Ada Acme"' in html
    none = client.post(url, inquiry_post())
    assert "properties" in none.context["inquiry_form"].errors
    assert "mindestens eine Immobilie" in none.content.decode()
    # A property not among the results is refused.
    other = client.post(url, inquiry_post(crafted["hall"]))
    assert other.status_code == 400 and "properties" in other.context["inquiry_form"].errors
    assert not Inquiry.objects.exists() and not Case.objects.exists()


def test_compare_the_selection_without_personal_data(client, world, crafted):
    saved, _response = results_of(client, area_min_m2="30000")
    response = client.post(
        reverse("cases:results_inquiry", args=[saved.uid]),
        inquiry_post(crafted["rail"], crafted["rail_small"], action="compare"),
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("properties:compare") + f"?ids={crafted['rail'].pk}&ids={crafted['rail_small'].pk}"
    )


def test_send_me_the_link_creates_the_case_and_mails_in_each_language(
    client, world, crafted, agency, django_capture_on_commit_callbacks
):
    from standortlotse.accounts.models import Membership, StaffPreference
    from tests.factories import UserFactory

    agency.email = ""
    agency.save()
    for username, language in (("agentur_de", None), ("agency_en", "en")):
        user = UserFactory(username=username, email=f"{username}@agency.example")
        Membership.objects.create(user=user, organisation=agency, role="state_admin")
        if language:
            StaffPreference.objects.create(user=user, language=language)
    response = client.post("/en" + reverse("cases:profile"), profile_post())
    saved = SearchProfile.objects.get()
    assert saved.language == "en"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:results_link", args=[saved.uid]),
            {
                "name": "Ada Acme",
                "company": "Acme Batteries GmbH",
                "email": "ada@acme.example",
                "confidential": "on",
                "alerts": "on",
                "consent": "on",
            },
        )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.company == "Acme Batteries GmbH" and case.owner == agency and case.profile == saved
    assert case.confidential and case.source == "profile" and case.contact_name == "Ada Acme"
    saved.refresh_from_db()
    assert saved.email == "ada@acme.example" and saved.alerts

    def mail_to(address):
        found = [m for m in mail.outbox if address in m.to]
        assert len(found) == 1, (address, [(m.to, m.subject) for m in mail.outbox])
        return found[0]

    german, english = mail_to("agentur_de@agency.example"), mail_to("agency_en@agency.example")
    assert "agency_en@agency.example" not in german.to
    assert german.subject == f"Neues Ansiedlungsprojekt #{case.pk}"
    assert "ein neues Ansiedlungsprojekt" in german.body.lower() or "Suchprofil" in german.body
    assert english.subject == f"New investor case #{case.pk}"
    assert "An investor has submitted a search profile" in english.body
    assert "Acme" not in german.subject + english.subject
    link = mail_to("ada@acme.example")  # in the investor's language: English
    assert link.subject == "Your matching properties"
    assert f"/en/investieren/ergebnis/{saved.uid}/" in link.body
    assert "alerts about new matching properties" in link.body
    # Asking again updates the one case.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cases:results_link", args=[saved.uid]),
            {"name": "Ada", "company": "Acme AG", "email": "ada@acme.example", "consent": "on"},
        )
    assert Case.objects.get().company == "Acme AG"


def test_send_me_the_link_needs_name_company_email_and_consent(client, world, crafted):
    saved, _response = results_of(client)
    response = client.post(reverse("cases:results_link", args=[saved.uid]), {"email": "x"})
    assert response.status_code == 400
    assert set(response.context["link_form"].errors) == {"name", "company", "email", "consent"}
    assert 'id="link-error-summary"' in response.content.decode()
    assert not Case.objects.exists()


def confirm_alerts_by_mail(client, address="ada@acme.example"):
    """Follow the confirmation link of the results mail and press its button."""
    (sent,) = [m for m in mail.outbox if m.to == [address]]
    path = re.search(r"https?://[^/\s]+(/investieren/alarm/\S+/)", sent.body).group(1)
    assert client.post(path).status_code == 200


def test_alert_on_new_matching_property_once_with_unsubscribe(
    client, world, crafted, agency, django_capture_on_commit_callbacks
):
    saved, _response = results_of(client)
    with django_capture_on_commit_callbacks(execute=True):
        _ask_for_alerts(client, saved)
    saved.refresh_from_db()
    confirm_alerts_by_mail(client)
    mail.outbox.clear()
    new = _publish_matching(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        PropertyFactory(
            title="Neu ohne Gleis", municipality=world.mun_a, kind="plot", rail_siding="no"
        )
    alerts = [m for m in mail.outbox if m.to == ["ada@acme.example"]]
    assert len(alerts) == 1 and "Neu mit Gleis" in alerts[0].subject
    token = saved.unsubscribe_token
    assert f"/investieren/abmelden/{token}/" in alerts[0].body
    with django_capture_on_commit_callbacks(execute=True):
        new.title = "Neu mit Gleis (geändert)"
        new.save()
    assert len([m for m in mail.outbox if m.to == ["ada@acme.example"]]) == 1  # not twice
    client.post(reverse("cases:unsubscribe", args=[token]))
    saved.refresh_from_db()
    assert not saved.alerts
    assert AlertSent.objects.count() == 1


# --- cases: permissions, pipeline, board -----------------------------------------------------------


@pytest.fixture
def staff(world, case):
    """An agency employee (owner side, not admin) and a district office employee."""
    from standortlotse.accounts.models import Membership
    from tests.factories import UserFactory

    owner_org = case.owner
    agency_user = UserFactory(username="agency_staff")
    Membership.objects.create(
        user=agency_user, organisation=owner_org, role=Membership.Role.MUNICIPAL_EDITOR
    )
    return {"agency": agency_user, "district": world.editor_a, "other": world.editor_b}


def test_unshared_case_invisible_to_others(client, world, case, staff):
    url = reverse("cases:detail", args=[case.pk])
    client.force_login(staff["district"])
    assert client.get(url).status_code == 404
    assert b"Geheim AG" not in client.get(reverse("cases:board")).content
    assert client.get("/api/cases").json() == []
    assert client.get(f"/api/cases/{case.pk}").status_code == 404
    assert client.post(url, {"action": "stage", "stage": "settled"}).status_code == 404
    case.refresh_from_db()
    assert case.stage == Stage.LEAD


def test_sharing_hides_confidential_company_until_disclosed(client, world, case, staff):
    district_org = staff["district"].memberships.get().organisation
    services.share(world.state_admin, case, district_org, disclose=False)
    client.force_login(staff["district"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Geheim AG" not in page and f"#{case.pk}" in page
    assert (
        client.get("/api/cases").json()[0]["company"].startswith("vertraulich")
        or "Geheim AG" not in client.get("/api/cases").json()[0]["company"]
    )
    board = client.get(reverse("cases:board")).content.decode()
    assert "Geheim AG" not in board
    csv_text = client.get(reverse("cases:board"), {"format": "csv"}).content.decode()
    assert "Geheim AG" not in csv_text
    # sharers may add notes but not move the case
    client.post(
        reverse("cases:detail", args=[case.pk]), {"action": "activity", "text": "Fläche angeboten?"}
    )
    assert case.activities.filter(text="Fläche angeboten?").exists()
    assert (
        client.post(
            reverse("cases:detail", args=[case.pk]), {"action": "stage", "stage": "settled"}
        ).status_code
        == 403
    )
    services.share(world.state_admin, case, district_org, disclose=True)
    assert "Geheim AG" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    client.force_login(staff["other"])
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_pipeline_with_tasks_offers_and_log(client, world, case, staff, crafted):
    client.force_login(staff["agency"])
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "stage", "stage": "qualified"})
    client.post(url, {"action": "offer", "property": crafted["rail"].pk})
    client.post(url, {"action": "task", "title": "Besichtigung planen", "due_on": "2026-12-15"})
    task_item = case.tasks.get()
    client.post(url, {"action": "task_done", "task": task_item.pk})
    response = client.post(url, {"action": "stage", "stage": "lost", "lost_reason": ""})
    assert response.status_code == 200  # reason required
    client.post(
        url, {"action": "stage", "stage": "lost", "lost_reason": "Standort in Polen gewählt"}
    )
    case.refresh_from_db()
    assert case.stage == Stage.LOST and case.lost_reason == "Standort in Polen gewählt"
    assert list(case.offered_properties.all()) == [crafted["rail"]]
    assert case.tasks.get().done
    log = [a.text for a in case.activities.order_by("created_at", "pk")]
    assert any("Mit Gleis" in t for t in log) and any("Polen" in t for t in log)
    assert client.post(url, {"action": "offer", "property": crafted["draft"].pk}).status_code == 404


def test_board_counts_filters_and_xlsx(client, world, case, staff):
    CaseFactory(company="Zweite GmbH", owner=case.owner, stage=Stage.SETTLED, source="fair")
    client.force_login(staff["agency"])
    response = client.get(reverse("cases:board"))
    counts = {c["stage"]: c["count"] for c in response.context["columns"]}
    assert counts["lead"] == 1 and counts["settled"] == 1
    response = client.get(reverse("cases:board"), {"source": "fair"})
    counts = {c["stage"]: c["count"] for c in response.context["columns"]}
    assert counts["lead"] == 0 and counts["settled"] == 1
    from openpyxl import load_workbook

    xlsx = client.get(reverse("cases:board"), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "company", "sector") and {r[1] for r in rows[1:]} == {
        "Geheim AG",
        "Zweite GmbH",
    }


def test_manual_case_creation_only_for_own_organisations(client, world):
    client.force_login(world.editor_a)
    own = world.editor_a.memberships.get().organisation
    foreign = world.editor_b.memberships.get().organisation
    response = client.post(
        reverse("cases:create"), {"company": "X", "source": "fair", "owner": foreign.pk}
    )
    assert response.status_code == 200 and "owner" in response.context["form"].errors
    response = client.post(
        reverse("cases:create"), {"company": "X", "source": "fair", "owner": own.pk}
    )
    assert response.status_code == 302 and Case.objects.get().owner == own


def _ask_for_alerts(client, saved, email="ada@acme.example"):
    return client.post(
        reverse("cases:results_link", args=[saved.uid]),
        {"name": "Ada Acme", "company": "Acme", "email": email, "alerts": "on", "consent": "on"},
    )


def _publish_matching(world, django_capture_on_commit_callbacks, title="Neu mit Gleis"):
    with django_capture_on_commit_callbacks(execute=True):
        new = PropertyFactory(
            title=title,
            municipality=world.mun_a,
            kind="plot",
            rail_siding="yes",
            area_available_m2=70_000,
            status=Status.DRAFT,
        )
        new.status = Status.PUBLISHED
        new.save()
    return new


def test_alerts_wait_for_the_confirmation_link_double_opt_in(
    client, world, crafted, agency, django_capture_on_commit_callbacks
):
    saved, _response = results_of(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask_for_alerts(client, saved)
    shown = client.get(response["Location"]).content.decode()
    assert "sobald Sie sie mit dem Link in dieser E-Mail bestätigen" in shown
    (sent,) = [m for m in mail.outbox if m.to == ["ada@acme.example"]]
    assert "/investieren/alarm/" in sent.body and "7 Tage" in sent.body
    # Not confirmed: a matching property sends nothing (someone may have typed another's address).
    mail.outbox.clear()
    _publish_matching(world, django_capture_on_commit_callbacks, "Ohne Bestätigung")
    assert [m for m in mail.outbox if m.to == ["ada@acme.example"]] == []
    # The link asks first (a mail scanner's GET changes nothing), the button confirms.
    path = re.search(r"https?://[^/\s]+(/investieren/alarm/\S+/)", sent.body).group(1)
    page = client.get(path)
    assert page.status_code == 200 and "Ja, Benachrichtigungen starten" in page.content.decode()
    saved.refresh_from_db()
    assert saved.alerts_confirmed_at is None
    done = client.post(path)
    assert "Ihre Benachrichtigungen sind aktiv" in done.content.decode()
    saved.refresh_from_db()
    assert saved.alerts_confirmed_at is not None
    _publish_matching(world, django_capture_on_commit_callbacks, "Mit Bestätigung")
    alerts = [m for m in mail.outbox if m.to == ["ada@acme.example"]]
    assert len(alerts) == 1 and "Mit Bestätigung" in alerts[0].subject
    assert client.post(path).status_code == 200  # a second click: still active, no error


def test_stale_forged_and_foreign_confirmation_links(client, world, crafted, agency, monkeypatch):
    import time

    from django.core import signing

    from standortlotse.cases import services

    saved, _response = results_of(client)
    _ask_for_alerts(client, saved)
    saved.refresh_from_db()
    token = services.alerts_token(saved)
    # forged: the signature does not match
    forged = client.post(f"/investieren/alarm/{token[:-2]}xx/")
    assert forged.status_code == 404 and "ungültig" in forged.content.decode()
    # for another address: the profile's address changed since the mail was sent
    _ask_for_alerts(client, saved, email="other@acme.example")
    assert client.post(f"/investieren/alarm/{token}/").status_code == 404
    saved.refresh_from_db()
    assert saved.alerts_confirmed_at is None
    # stale: older than 7 days
    fresh = services.alerts_token(saved)
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 8 * 86400)
    stale = client.post(f"/investieren/alarm/{fresh}/")
    assert stale.status_code == 410 and "abgelaufen" in stale.content.decode()
    saved.refresh_from_db()
    assert saved.alerts_confirmed_at is None
    # stopped alerts cannot be confirmed with an old link
    monkeypatch.setattr(signing.time, "time", lambda: now)
    client.post(reverse("cases:unsubscribe", args=[saved.unsubscribe_token]))
    assert client.post(f"/investieren/alarm/{fresh}/").status_code == 404


def test_english_request_leaves_german_staff_german(
    client, world, crafted, agency, django_capture_on_commit_callbacks
):
    """The investor asks for the link on the English page: the new-case notice still reaches the
    German-preferring staff member in German, the English-preferring one in English."""
    from standortlotse.accounts.models import Membership, StaffPreference
    from tests.factories import UserFactory

    agency.email = ""
    agency.save()
    for username, language in (("agentur_de", "de"), ("agency_en", "en")):
        user = UserFactory(username=username, email=f"{username}@agency.example")
        Membership.objects.create(user=user, organisation=agency, role="state_admin")
        StaffPreference.objects.create(user=user, language=language)
    from django.utils import translation

    with translation.override("en"):
        client.post(reverse("cases:profile"), profile_post())
        saved = SearchProfile.objects.get()
        link_url = reverse("cases:results_link", args=[saved.uid])
    assert link_url.startswith("/en/")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            link_url,
            {"name": "Ada", "company": "Acme", "email": "ada@acme.example", "consent": "on"},
        )
    assert response.status_code == 302
    case = Case.objects.get()
    to = {tuple(m.to): m for m in mail.outbox}
    german = to[("agentur_de@agency.example", "state_admin@example.org")]
    english = to[("agency_en@agency.example",)]
    assert german.subject == f"Neues Ansiedlungsprojekt #{case.pk}"
    assert "An investor" not in german.body and f"/datenpflege/ansiedlung/{case.pk}/" in german.body
    assert english.subject == f"New investor case #{case.pk}"
    assert "An investor has submitted a search profile" in english.body
    assert to[("ada@acme.example",)].subject == "Your matching properties"
