"""Journey: an investor, in English, describes a project in the public search profile (a plot of
at least 2 ha, at least 5 MW as must-haves, railway siding and GRW funding area weighed) without
giving any personal data, and gets the matching properties at once, ranked, with why they match,
and apart the one that almost matches with what it misses. They select two properties of two
offices and send one inquiry; each office gets its inquiry (in German, the staff's language), the
investor one confirmation in English. They have the results link emailed (company confidential,
alerts on). The state agency's administrator finds the new case on the board, opens it, offers a
suggested property, moves the case on, adds a task and shares it with the office of Stendal,
whose editor sees the case without the company name. A new matching property sends an alert
whose link stops the alerts."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from standortlotse.cases import services
from standortlotse.cases.models import Case, SearchProfile, Stage
from standortlotse.inquiries.models import Inquiry
from tests.browser.investors_support import (
    ALMOST,
    ALMOST_EN,
    FULL,
    GOOD,
    HALF,
    NO_POWER,
    ORG_A,
    ORG_B,
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
MESSAGE = "We plan a battery cell plant with 120 jobs from 2027. Are both plots available?"
TASK = "Besichtigung in Stendal vorbereiten"
RESULTS = re.compile(r"^(?:/en)?/investieren/ergebnis/([0-9a-f-]{36})/$")
UNSUBSCRIBE = re.compile(r"https?://\S+?(/investieren/abmelden/[^/\s]+/)")


def _submit_button(page):
    return page.locator("form.editor-form .form-actions [type=submit]")


def _fill_profile(page):
    page.check('input[name="kinds"][value="plot"]')
    page.fill("#id_area_min_m2", "20000")
    page.fill("#id_need_electricity_mw", "5")  # the must-have
    page.select_option('select[name="weight_rail_siding"]', "5")
    page.select_option('select[name="weight_funding_area"]', "3")


def _results(page, section):
    """[(title, score, {label: text})] of a result list ("results" or "almost"), as shown."""
    found = []
    items = page.locator(f'section[aria-labelledby="{section}-heading"] li.result')
    for index in range(items.count()):
        item = items.nth(index)
        texts = {}
        for line in item.locator("p:has(strong)").all_inner_texts():
            label, _sep, text = line.partition(": ")
            texts[label] = text
        score = item.locator(".score")
        found.append(
            (
                item.locator("h3 a").inner_text(),
                score_of(score.inner_text()) if score.count() else None,
                texts,
            )
        )
    return found


def _list_after(page, heading):
    """The list that follows the <h2> `heading` on a case page."""
    return page.locator(f'xpath=//main//h2[normalize-space()="{heading}"]/following-sibling::ul[1]')


def _select(page, title):
    page.locator(f'li.result:has(h3 a:text-is("{title}")) input[name="properties"]').check()


def test_profile_results_inquiry_case_board(investor_world, new_ui):
    world = investor_world

    # --- The investor, in English: the profile from the navigation, no login, no personal data.
    investor = new_ui(locale="en-GB")
    page = investor.page
    investor.visit("/en/")
    investor.submit(page.locator(f'header nav a[href="/en{FORM}"]'))
    assert investor.path() == "/en" + FORM
    for personal in ("name", "company", "contact_name", "email", "consent"):
        assert page.locator(f'form.editor-form [name="{personal}"]').count() == 0, personal
    honeypot = page.locator("#id_homepage")
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    _fill_profile(page)
    investor.submit(_submit_button(page))

    match = RESULTS.match(investor.path())
    assert match and investor.path().startswith("/en/"), investor.path()
    saved = SearchProfile.objects.get(uid=match.group(1))
    assert saved.kinds == ["plot"] and saved.area_min_m2 == 20_000 and saved.language == "en"
    assert saved.need_electricity_mw == 5 and saved.email == "" and not saved.alerts
    assert saved.weights == {"rail_siding": 5, "funding_area": 3}
    assert page.locator('meta[name="robots"][content*="noindex"]').count() == 1
    assert not Case.objects.exists() and world.outbox == []  # anonymous: nobody told yet
    assert page.locator("#results-map[data-map=search]").count() == 1

    # Ranked by score, with why they match; the near miss apart, with what it misses.
    results = _results(page, "results")
    assert [(title, score) for title, score, _t in results] == RANKED
    by_title = {title: texts for title, _s, texts in results}
    for texts in by_title.values():
        assert "kind: commercial/industrial plot" in texts["Matches"], texts
        assert "electric power" in texts["Matches"], texts
    assert "area 3.00 ha (at least 2.00 ha wished)" in by_title[FULL]["Matches"]
    assert "railway siding: yes" in by_title[FULL]["Matches"] and "Missing" not in by_title[FULL]
    assert by_title[HALF]["Partly"] == "railway siding: possible, not existing"
    assert by_title[HALF]["Missing"] == "GRW funding area: no"
    almost = _results(page, "almost")
    assert [(title, texts["Misses"]) for title, _s, texts in almost] == ALMOST_EN
    assert [score for _t, score, _x in almost] == [None]  # no "% match" for a near miss
    shown = page.locator("main").inner_text()
    assert TOO_SMALL not in shown and NO_POWER not in shown and world.prop_a.title not in shown
    links = page.locator("li.result h3 a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert links == ["/en" + world.plots[t].get_absolute_url() for t, _s in RANKED + ALMOST]
    exposes = page.locator("li.result a[href$='/expose.pdf']")
    assert exposes.count() == 3

    # Two properties of two offices selected: one inquiry.
    _select(page, FULL)
    _select(page, HALF)
    page.fill("#id_inquiry_name", CONTACT)
    page.fill("#id_inquiry_company", COMPANY)
    page.fill("#id_inquiry_email", EMAIL)
    page.fill("#id_inquiry_message", MESSAGE)
    page.check("#id_inquiry_consent")
    investor.submit(page.locator("#inquiry .form-actions [type=submit]"))
    assert investor.path() == f"/en/investieren/ergebnis/{saved.uid}/?sent=inquiry"
    assert page.locator("#sent[role=status]").is_visible()
    inquiries = {i.property.title: i for i in Inquiry.objects.select_related("property")}
    assert set(inquiries) == {FULL, HALF}
    assert inquiries[FULL].recipient == world.org_a and inquiries[HALF].recipient == world.org_b
    assert all(i.language == "en" and i.email == EMAIL for i in inquiries.values())
    told_a = mails_to(world.outbox, world.editor_a.email)
    assert [m.subject for m in told_a] == [f"Neue Anfrage: {FULL}"]  # the staff's language
    confirmation = mails_to(world.outbox, EMAIL)
    # The same confirmation as the comparison's inquiry: each property with its reference.
    assert len(confirmation) == 1
    assert re.fullmatch(r"Your inquiry ANF-\d{4}-\d{6} about 2 properties", confirmation[0].subject)
    assert ORG_A in confirmation[0].body and ORG_B in confirmation[0].body
    assert all(i.reference in confirmation[0].body for i in inquiries.values())

    # Step 3: the results link by email, the company confidential, alerts on.
    page.fill("#id_link_name", CONTACT)
    page.fill("#id_link_company", COMPANY)
    page.fill("#id_link_email", EMAIL)
    page.check("#id_link_confidential")
    page.check("#id_link_alerts")
    page.check("#id_link_consent")
    investor.submit(page.locator("section[aria-labelledby=link-heading] [type=submit]"))
    assert investor.path() == f"/en/investieren/ergebnis/{saved.uid}/?sent=link"
    link_mails = [
        m for m in mails_to(world.outbox, EMAIL) if m.subject == "Your matching properties"
    ]
    assert len(link_mails) == 1 and f"/en/investieren/ergebnis/{saved.uid}/" in link_mails[0].body
    saved.refresh_from_db()
    assert saved.alerts and saved.email == EMAIL and saved.alerts_confirmed_at is None
    # Double opt-in: the alerts start with the link in that mail, and its button.
    assert "start once you confirm them" in page.locator("#sent").inner_text()
    confirm = re.search(r"https?://[^/\s]+(/en/investieren/alarm/\S+/)", link_mails[0].body)
    assert confirm, link_mails[0].body
    investor.visit(confirm.group(1))
    investor.submit(page.get_by_role("button", name="Yes, start the alerts"))
    assert "Your alerts are active" in page.locator("main [role=status]").inner_text()
    investor.assert_accessible()
    saved.refresh_from_db()
    assert saved.alerts_confirmed_at is not None

    # One case of the state agency, which was told once by email.
    case = Case.objects.get()
    assert case.profile == saved and case.owner == world.agency and case.source == "profile"
    assert case.company == COMPANY and case.confidential
    assert case.contact_name == CONTACT and case.contact_email == EMAIL
    told = mails_to(world.outbox, world.state_admin.email)
    assert len(told) == 1 and f"/datenpflege/ansiedlung/{case.pk}/" in told[0].body
    assert (
        told[0].subject == f"Neues Ansiedlungsprojekt #{case.pk}" and COMPANY not in told[0].subject
    )

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
    assert suggestions.count() == len(RANKED)
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

    from django.utils import timezone

    world = investor_world
    profile = make_profile(alerts_confirmed_at=timezone.now())  # confirmed (double opt-in)
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


def test_profile_and_inquiry_errors_keep_every_entry(investor_world, ui):
    """With 'at most' below 'at least' the profile comes back with the error and every entry, the
    weights included; corrected, it shows the results. An inquiry without a selected property
    and without consent comes back with both errors and the entries kept."""
    page = ui.page
    ui.visit(FORM)
    _fill_profile(page)
    page.fill("#id_area_max_m2", "1000")
    ui.submit(_submit_button(page))

    assert ui.path() == FORM
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.locator('a[href="#id_area_max_m2"]').count() == 1
    assert page.locator("#id_area_max_m2_error").count() == 1
    assert not SearchProfile.objects.exists()
    assert page.locator('input[name="kinds"]:checked').evaluate_all(
        "cs => cs.map(c => c.value)"
    ) == ["plot"]
    assert page.input_value("#id_area_min_m2") == "20000"
    assert page.input_value("#id_area_max_m2") == "1000"
    assert page.input_value("#id_need_electricity_mw") == "5"
    assert page.input_value('select[name="weight_rail_siding"]') == "5"
    assert page.input_value('select[name="weight_funding_area"]') == "3"
    assert page.input_value('select[name="weight_gas"]') == "0"

    page.fill("#id_area_max_m2", "")
    ui.submit(_submit_button(page))
    assert RESULTS.match(ui.path()), ui.path()
    results_path = ui.path()
    assert [(title, score) for title, score, _t in _results(page, "results")] == RANKED
    assert [(t, texts["Nicht erfüllt"]) for t, _s, texts in _results(page, "almost")] == ALMOST

    page.fill("#id_inquiry_name", CONTACT)
    page.fill("#id_inquiry_email", EMAIL)
    page.fill("#id_inquiry_message", MESSAGE)
    ui.watch.tolerate(r"/anfrage/$", "the inquiry with errors comes back as 400", "400")
    with page.expect_navigation():
        # Enter in a field sends the inquiry, not the comparison (the first button of the form).
        page.locator("#id_inquiry_email").press("Enter")
    ui.settle()
    assert ui.path() == results_path + "anfrage/"
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    for href in ("#results-heading", "#id_inquiry_company", "#id_inquiry_consent"):
        assert summary.locator(f'a[href="{href}"]').count() == 1, href
    assert page.input_value("#id_inquiry_message") == MESSAGE
    assert not Inquiry.objects.exists() and not Case.objects.exists()

    _select(page, FULL)
    _select(page, GOOD)  # an "almost" property may be asked about too
    page.fill("#id_inquiry_company", COMPANY)
    page.check("#id_inquiry_consent")
    ui.submit(page.locator("#inquiry .form-actions [type=submit]"))
    assert ui.path() == results_path + "?sent=inquiry"
    assert {i.property.title for i in Inquiry.objects.all()} == {FULL, GOOD}
    assert Case.objects.get().company == COMPANY


def test_compare_the_selected_results(investor_world, ui):
    page = ui.page
    profile = make_profile(email="", alerts=False)
    ui.visit(f"/investieren/ergebnis/{profile.uid}/")
    _select(page, FULL)
    _select(page, GOOD)
    ui.submit(page.locator("button[name=action][value=compare]"))
    world = investor_world
    assert ui.path() == (
        f"/immobilien/vergleich/?ids={world.plots[FULL].pk}&ids={world.plots[GOOD].pk}"
    )


def test_stale_and_forged_results_links(investor_world, ui):
    page = ui.page
    profile = make_profile(email="", alerts=False)
    SearchProfile.objects.filter(pk=profile.pk).update(
        created_at=timezone.now() - timedelta(days=365)
    )
    for path, status, heading in (
        (f"/en/investieren/ergebnis/{profile.uid}/", 410, "This results link has expired"),
        ("/en/investieren/ergebnis/forged-token/", 404, "Results not found"),
    ):
        ui.watch.tolerate(re.escape(path), "the page says why the link does not work", str(status))
        response = page.goto(ui.url(path))
        assert response.status == status
        ui.settle()
        assert page.locator("h1").inner_text() == heading
        assert page.locator(f'main a[href="/en{FORM}"]').count() == 1


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
