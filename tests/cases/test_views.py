"""Request tests of the investor service (cases/views.py): profile → case, alerts, case permissions,
pipeline, board and its exports."""

from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse

from standortlotse.accounts.models import Organisation
from standortlotse.cases import services
from standortlotse.cases.models import AlertSent, Case, SearchProfile, Stage
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
        "company": "Acme Batteries GmbH",
        "contact_name": "Ada Acme",
        "email": "ada@acme.example",
        "jobs_planned": "120",
        "alerts": "on",
        "consent": "on",
        "confidential": "on",
    }
    data.update(overrides)
    return data


def test_profile_form_creates_case_and_shows_ranked_results(
    client, world, crafted, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:profile"), profile_post())
    saved = SearchProfile.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    assert saved.weights == {"funding_area": 3} and saved.alerts
    case = Case.objects.get()
    assert case.company == "Acme Batteries GmbH" and case.owner == agency and case.profile == saved
    assert case.confidential and case.jobs_planned == 120 and case.source == "profile"
    page = client.get(saved.get_absolute_url()).content.decode()
    assert page.index("Mit Gleis") < page.index("Gleis klein")
    assert "Ohne Gleis" not in page, page[
        page.index("Ohne Gleis") - 300 : page.index("Ohne Gleis") + 50
    ]
    assert "3,2 ha von 5,0 ha gewünscht" in page


def test_profile_form_errors_keep_input(client, world):
    response = client.post(reverse("cases:profile"), profile_post(consent="", area_max_m2="100"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "consent" in errors and "area_max_m2" in errors
    assert 'value="Acme Batteries GmbH"' in response.content.decode()
    assert not Case.objects.exists()


def test_alert_on_new_matching_property_once_with_unsubscribe(
    client, world, crafted, agency, django_capture_on_commit_callbacks
):
    client.post(reverse("cases:profile"), profile_post())
    saved = SearchProfile.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = PropertyFactory(
            title="Neu mit Gleis",
            municipality=world.mun_a,
            kind="plot",
            rail_siding="yes",
            area_available_m2=70_000,
            status=Status.DRAFT,
        )
        new.status = Status.PUBLISHED
        new.save()
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
