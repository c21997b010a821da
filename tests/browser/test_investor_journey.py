"""Journey: an investor describes a project in the public search profile (a plot of at least
2 ha, at least 5 MW as a must-have, railway siding and GRW funding area weighed, company name
confidential, alerts on) and gets the matching properties ranked with a score and with what
matches and what is missing. The state agency's administrator finds the new case on the board,
opens it, offers a suggested property, moves the case on, adds a task and shares it with the
office of Stendal, whose editor sees the case without the company name. A new matching
property sends an alert whose link stops the alerts."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from standortlotse.cases import services
from standortlotse.cases.models import Case, SearchProfile, Stage
from tests.browser.investors_support import (
    FULL,
    GOOD,
    HALF,
    NO_POWER,
    ORG_A,
    RANKED,
    TOO_SMALL,
    action_form,
    build_investor_world,
    mails_to,
    make_case,
    make_profile,
    score_of,
)
from tests.factories import PropertyFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def investor_world(live_world, settings, mailoutbox):
    return build_investor_world(live_world, settings, mailoutbox)


FORM = "/investieren/suchprofil/"
COMPANY = "Acme Batteries GmbH"
CONTACT = "Ada Acme"
EMAIL = "ada@acme.example"
SECTOR = "Batteriezellen"
TASK = "Besichtigung in Stendal vorbereiten"
RESULTS = re.compile(r"^/investieren/ergebnis/([0-9a-f-]{36})/$")
UNSUBSCRIBE = re.compile(r"https?://\S+?(/investieren/abmelden/[^/\s]+/)")


def _submit_button(page):
    return page.locator("form.editor-form .form-actions [type=submit]")


def _fill_profile(page, *, consent=True):
    page.check('input[name="kinds"][value="plot"]')
    page.fill("#id_area_min_m2", "20000")
    page.fill("#id_need_electricity_mw", "5")  # the must-have
    page.select_option('select[name="weight_rail_siding"]', "5")
    page.select_option('select[name="weight_funding_area"]', "3")
    page.fill("#id_company", COMPANY)
    page.fill("#id_sector", SECTOR)
    page.fill("#id_jobs_planned", "120")
    page.check("#id_confidential")
    page.fill("#id_contact_name", CONTACT)
    page.fill("#id_email", EMAIL)
    page.check("#id_alerts")
    if consent:
        page.check("#id_consent")


def _results(page):
    """[(title, score, matches, misses)] of the result list, in the order shown."""
    found = []
    items = page.locator("ol.result-list li.result")
    for index in range(items.count()):
        item = items.nth(index)
        title = item.locator("h2 a").inner_text()
        score = score_of(item.locator(".score").inner_text())
        texts = item.locator("p").all_inner_texts()
        matches = [t for t in texts if t.startswith("Übereinstimmungen:")]
        misses = [t for t in texts if t.startswith("Abweichungen:")]
        found.append((title, score, matches, misses))
    return found


def _list_after(page, heading):
    """The list that follows the <h2> `heading` on a case page."""
    return page.locator(f'xpath=//main//h2[normalize-space()="{heading}"]/following-sibling::ul[1]')


def test_profile_results_case_board(investor_world, new_ui):
    world = investor_world

    # --- The investor: profile from the navigation, no login. ------------------------------
    investor = new_ui()
    page = investor.page
    investor.visit("/")
    investor.submit(page.locator(f'header nav a[href="{FORM}"]'))
    assert investor.path() == FORM
    honeypot = page.locator("#id_homepage")
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    _fill_profile(page)
    investor.submit(_submit_button(page))

    match = RESULTS.match(investor.path())
    assert match, investor.path()
    saved = SearchProfile.objects.get(uid=match.group(1))
    assert saved.kinds == ["plot"] and saved.area_min_m2 == 20_000
    assert saved.need_electricity_mw == 5 and saved.alerts and saved.email == EMAIL
    assert saved.weights == {"rail_siding": 5, "funding_area": 3}
    assert page.locator('meta[name="robots"][content*="noindex"]').count() == 1
    assert "E-Mail" in page.locator("main .lead").inner_text()  # alerts are announced

    # Ranked by score, with what matches and what is missing.
    results = _results(page)
    assert [(title, score) for title, score, _m, _x in results] == RANKED
    scores = [score for _t, score, _m, _x in results]
    assert scores == sorted(scores, reverse=True)
    for title, _score, matches, _misses in results:
        assert len(matches) == 1, title
        assert "Art: Gewerbe-/Industriefläche" in matches[0], matches[0]
        assert "elektrische Leistung" in matches[0], matches[0]
    by_title = {title: (matches[0], misses) for title, _s, matches, misses in results}
    assert "Gleisanschluss: ja" in by_title[FULL][0] and "GRW-Fördergebiet: ja" in by_title[FULL][0]
    assert "Fläche 3,0 ha (gewünscht mindestens 2,0 ha)" in by_title[FULL][0]
    assert by_title[FULL][1] == []  # nothing missing
    assert by_title[GOOD][1] == ["Abweichungen: Fläche 1,2 ha von 2,0 ha gewünscht"]
    assert "Gleisanschluss: möglich" in by_title[HALF][0]
    assert by_title[HALF][1] == ["Abweichungen: GRW-Fördergebiet: nein"]
    shown = page.locator("ol.result-list").inner_text()
    assert TOO_SMALL not in shown and NO_POWER not in shown and world.prop_a.title not in shown
    result_links = page.locator("ol.result-list li.result h2 a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert result_links == [world.plots[title].get_absolute_url() for title, _s in RANKED]

    # The profile became a case of the state agency, which was told by email.
    case = Case.objects.get()
    assert case.profile == saved and case.owner == world.agency and case.source == "profile"
    assert case.company == COMPANY and case.confidential and case.jobs_planned == 120
    assert case.contact_name == CONTACT and case.contact_email == EMAIL
    told = mails_to(world.outbox, world.state_admin.email)
    assert len(told) == 1 and f"/datenpflege/ansiedlung/{case.pk}/" in told[0].body
    assert COMPANY not in told[0].subject

    # --- The state administrator: board, case, offer, stage, task, share. ------------------
    admin = new_ui()
    apage = admin.page
    admin.login("state_admin")
    admin.submit(apage.locator('header nav a[href="/datenpflege/ansiedlung/"]'))
    lead = apage.locator('section.board-column[aria-labelledby="col-lead"]')
    assert "(1)" in lead.locator("h2").inner_text()
    card = lead.locator(f'a[href="/datenpflege/ansiedlung/{case.pk}/"]')
    assert card.inner_text() == COMPANY  # the owner sees the name
    admin.submit(card)
    detail = f"/datenpflege/ansiedlung/{case.pk}/"
    assert admin.path() == detail
    assert COMPANY in apage.locator("h1").inner_text()
    assert apage.locator("main h1 + p .badge").count() == 1  # "vertraulich"
    assert CONTACT in apage.locator("dl.facts-list").inner_text()

    suggestions = apage.locator("main li:has(input[name=action][value=offer])")
    assert suggestions.count() == 3
    texts = suggestions.all_inner_texts()
    assert [t.split(" (")[0] for t in texts] == [title for title, _s in RANKED]
    assert [score_of(t) for t in texts] == [score for _t, score in RANKED]
    assert _list_after(apage, "Angebotene Immobilien").locator("a").count() == 0
    admin.submit(suggestions.first.locator("[type=submit]"))
    assert admin.path() == detail
    offered = _list_after(apage, "Angebotene Immobilien").locator("a")
    assert offered.all_inner_texts() == [FULL]
    assert offered.get_attribute("href") == world.plots[FULL].get_absolute_url()
    assert f"Immobilie angeboten: {FULL}." in apage.locator("ol.history").inner_text()

    stage = action_form(apage, "stage")
    assert stage.locator("select[name=stage]").input_value() == "lead"
    stage.locator("select[name=stage]").select_option("offered")
    admin.submit(stage.locator("[type=submit]"))
    assert apage.locator("main h1 + p strong").inner_text() == "Flächen angeboten"
    assert "Phase: Erstkontakt → Flächen angeboten." in apage.locator("ol.history").inner_text()

    due = timezone.localdate() + timedelta(days=14)
    task = action_form(apage, "task")
    task.locator("input[name=title]").fill(TASK)
    task.locator("input[name=due_on]").fill(due.isoformat())
    admin.submit(task.locator("[type=submit]"))
    tasks = _list_after(apage, "Aufgaben")
    assert tasks.inner_text().startswith(f"{TASK} (fällig am {due:%d.%m.%Y})"), tasks.inner_text()

    share = action_form(apage, "share")
    share.locator("select[name=organisation]").select_option(str(world.org_a.pk))
    assert not share.locator("input[name=disclose]").is_checked()
    admin.submit(share.locator("[type=submit]"))
    assert ORG_A in apage.locator("aside").inner_text()

    case.refresh_from_db()
    assert case.stage == Stage.OFFERED
    assert list(case.offered_properties.all()) == [world.plots[FULL]]
    assert [(t.title, t.due_on, t.done) for t in case.tasks.all()] == [(TASK, due, False)]
    assert list(case.shares.values_list("organisation", "company_disclosed")) == [
        (world.org_a.pk, False)
    ]

    admin.visit("/datenpflege/ansiedlung/")
    column = apage.locator('section.board-column[aria-labelledby="col-offered"]')
    assert column.locator(f'a[href="{detail}"]').inner_text() == COMPANY
    assert apage.locator(f'section[aria-labelledby="col-lead"] a[href="{detail}"]').count() == 0

    # --- editor_a (shared with, not disclosed): the case without the company name. -----------
    editor = new_ui()
    epage = editor.page
    editor.login("editor_a")
    editor.visit("/datenpflege/ansiedlung/")
    card = epage.locator(f'section[aria-labelledby="col-offered"] a[href="{detail}"]')
    assert card.inner_text() == f"vertraulich (#{case.pk})"
    assert COMPANY not in epage.content()
    editor.submit(card)
    assert editor.path() == detail
    assert epage.locator("h1").inner_text() == f"#{case.pk} vertraulich (#{case.pk})"
    html = epage.content()
    for secret in (COMPANY, "Acme", CONTACT, EMAIL):
        assert secret not in html, secret
    assert action_form(epage, "stage").count() == 0 and action_form(epage, "share").count() == 0
    assert action_form(epage, "offer").count() == 0  # no suggestions for sharers
    assert TASK in _list_after(epage, "Aufgaben").inner_text()  # the common work is visible
    # A sharer may add notes.
    note = action_form(epage, "activity")
    note.locator("textarea[name=text]").fill("Fläche Stendal-Süd ist ab März erschlossen.")
    editor.submit(note.locator("[type=submit]"))
    assert "ab März erschlossen" in epage.locator("ol.history").inner_text()
    assert COMPANY not in epage.content()

    # editor_b (not shared with): not on the board, 404 on the URL.
    other = new_ui()
    opage = other.page
    other.login("editor_b")
    other.visit("/datenpflege/ansiedlung/")
    assert opage.locator(f'a[href="{detail}"]').count() == 0
    response = opage.goto(other.url(detail))
    assert response.status == 404
    other.settle(check=False)
    other.watch.console_errors = [e for e in other.watch.console_errors if "404" not in e["text"]]
    other.watch.check(opage)
    for ui in (investor, admin, editor, other):
        assert ui.watch.external == []


def test_alert_link_stops_the_alerts(investor_world, ui):
    """A newly published matching property is announced to the investor; the link in the
    email stops the alerts."""

    world = investor_world
    profile = make_profile()
    PropertyFactory(
        title="Neues Industriegebiet Stendal-Ost",
        municipality=world.mun_a,
        kind="plot",
        area_available_m2=50_000,
        rail_siding="yes",
        electricity_mw=20,
    )
    alerts = mails_to(world.outbox, profile.email)
    assert len(alerts) == 1, [(m.to, m.subject) for m in world.outbox]
    assert "Neues Industriegebiet Stendal-Ost" in alerts[0].subject
    match = UNSUBSCRIBE.search(alerts[0].body)
    assert match, alerts[0].body
    page = ui.page
    ui.visit(match.group(1))
    assert page.locator('meta[name="robots"][content*="noindex"]').count() == 1
    ui.submit(page.locator("main form [type=submit]"))
    assert ui.path() == match.group(1)
    assert page.locator("main [role=status]").is_visible()
    assert page.locator("main form").count() == 0
    profile.refresh_from_db()
    assert not profile.alerts


def test_profile_errors_keep_every_entry(investor_world, ui):
    """Without consent and with 'at most' below 'at least' the form comes back with both
    errors and with every entry, the weights included; corrected, it shows the results."""
    page = ui.page
    ui.visit(FORM)
    _fill_profile(page, consent=False)
    page.fill("#id_area_max_m2", "1000")
    ui.submit(_submit_button(page))

    assert ui.path() == FORM
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    for field in ("area_max_m2", "consent"):
        assert summary.locator(f'a[href="#id_{field}"]').count() == 1, field
        assert page.locator(f"#id_{field}_error").count() == 1, field
    assert not SearchProfile.objects.exists() and not Case.objects.exists()
    assert page.locator('input[name="kinds"]:checked').evaluate_all(
        "cs => cs.map(c => c.value)"
    ) == ["plot"]
    assert page.input_value("#id_area_min_m2") == "20000"
    assert page.input_value("#id_area_max_m2") == "1000"
    assert page.input_value("#id_need_electricity_mw") == "5"
    assert page.input_value('select[name="weight_rail_siding"]') == "5"
    assert page.input_value('select[name="weight_funding_area"]') == "3"
    assert page.input_value('select[name="weight_gas"]') == "0"
    for field, value in (
        ("company", COMPANY),
        ("sector", SECTOR),
        ("jobs_planned", "120"),
        ("contact_name", CONTACT),
        ("email", EMAIL),
    ):
        assert page.input_value(f"#id_{field}") == value, field
    assert page.is_checked("#id_confidential") and page.is_checked("#id_alerts")
    assert not page.is_checked("#id_consent")

    page.fill("#id_area_max_m2", "")
    page.check("#id_consent")
    ui.submit(_submit_button(page))
    assert RESULTS.match(ui.path()), ui.path()
    assert [(title, score) for title, score, _m, _x in _results(page)] == RANKED
    assert Case.objects.get().company == COMPANY


def test_sharer_cannot_export_the_contact_of_a_shared_case(investor_world, ui):
    world = investor_world
    case = make_case(
        world,
        COMPANY,
        confidential=True,
        contact_name=CONTACT,
        contact_email=EMAIL,
        contact_phone="0171 555 0199",
    )
    services.share(world.state_admin, case, world.org_a, disclose=False)
    page = ui.page
    ui.login("editor_a")
    ui.visit(f"/datenpflege/ansiedlung/{case.pk}/")
    assert CONTACT not in page.content() and "0171 555 0199" not in page.content()
    ui.visit("/datenpflege/datenschutz/auskunft/")
    page.fill("#id_email", EMAIL)
    with page.expect_download() as info:
        page.locator("main form [type=submit]").click()
    with open(info.value.path(), encoding="utf-8") as handle:
        exported = json.dumps(json.load(handle), ensure_ascii=False)
    assert COMPANY not in exported  # the company name stays hidden ...
    for secret in (CONTACT, "0171 555 0199"):  # ... the contact person should as well
        assert secret not in exported, secret
