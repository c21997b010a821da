"""axe-core (WCAG 2.0/2.1, levels A and AA) on the pages of inquiries and of the investor
service: contact form (empty and with errors), thank-you page, inbox, inquiry, data subject
access, search profile (empty and with errors), ranked results (with the "almost" list, with
inquiry errors, after sending), expired and unknown results links, stopping alerts (before and
after), the board of cases, the new case form (empty and with errors) and a case as its owner
and as an organisation it is shared with. In German; the public forms also in English."""

import pytest

from tests.browser.investors_support import (
    ALMOST,
    FULL,
    RANKED,
    action_form,
    build_investor_world,
    make_case,
    make_inquiry,
    make_profile,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def investor_world(live_world, settings, mailoutbox):
    return build_investor_world(live_world, settings, mailoutbox)


@pytest.fixture
def a11y_world(investor_world):
    """An inquiry with history (taken over, answered, a note) in Stendal's inbox, a search
    profile and three cases of the agency: one from the profile, confidential, shared with
    Stendal, with an offered property, tasks and activity; one qualified, one settled."""
    from standortlotse.cases import services as cases
    from standortlotse.inquiries import services as inquiries

    w = investor_world
    w.inquiry = make_inquiry(w)
    inquiries.assign(w.editor_a, w.inquiry, w.editor_a)
    inquiries.add_note(w.editor_a, w.inquiry, "Rückruf am Donnerstag vereinbart.")
    inquiries.answer(w.editor_a, w.inquiry, "Die Fläche ist teilbar und sofort verfügbar.")
    w.profile = make_profile()
    w.case = make_case(
        w,
        "Acme Batteries GmbH",
        profile=w.profile,
        confidential=True,
        sector="Batteriezellen",
        jobs_planned=120,
        investment_eur=80_000_000,
        contact_name="Ada Acme",
        contact_email="ada@acme.example",
        description="Zellfertigung mit 120 Arbeitsplätzen.",
    )
    cases.offer_property(w.state_admin, w.case, w.plots[FULL])
    cases.change_stage(w.state_admin, w.case, "offered")
    cases.add_task(w.state_admin, w.case, "Besichtigung vorbereiten")
    done = cases.add_task(w.state_admin, w.case, "Exposé senden")
    cases.complete_task(w.state_admin, done)
    cases.share(w.state_admin, w.case, w.org_a, disclose=False)
    cases.add_activity(w.editor_a, w.case, "Erschließung ab März möglich.")
    make_case(w, "Zweite Solar GmbH", stage="qualified", jobs_planned=30)
    make_case(w, "Dritte Logistik AG", stage="settled")
    return w


def _set_no_consent_and_send(ui):
    """Send the form with errors: a contact form empty, the search profile with 'at most'
    below 'at least' (it has no consent: it asks no personal data)."""
    page = ui.page
    profile = page.locator("#id_area_max_m2").count() == 1
    if profile:
        page.fill("#id_area_min_m2", "20000")
        page.fill("#id_area_max_m2", "1000")
    ui.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    assert page.locator("#error-summary").is_visible()
    error = "#id_area_max_m2_error" if profile else "#id_consent_error"
    assert page.locator(error).count() == 1


# --- public pages ---------------------------------------------------------------------------

PUBLIC_FORMS = {
    "contact-property": lambda w: f"/kontakt/immobilie/{w.plots[FULL].pk}/",
    "contact-general": lambda w: "/kontakt/",
    "profile": lambda w: "/investieren/suchprofil/",
    "contact-property-en": lambda w: f"/en/kontakt/immobilie/{w.plots[FULL].pk}/",
    "profile-en": lambda w: "/en/investieren/suchprofil/",
}


@pytest.mark.parametrize("name", PUBLIC_FORMS)
def test_public_form_is_accessible(investor_world, ui, name):
    ui.visit(PUBLIC_FORMS[name](investor_world))
    page = ui.page
    assert page.locator("html").get_attribute("lang") == ("en" if name.endswith("-en") else "de")
    assert page.locator("#error-summary").count() == 0
    if name.startswith("profile"):
        assert page.locator('select[name^="weight_"]').count() == 9
        assert page.locator("#id_consent, #id_email").count() == 0  # no personal data asked
    else:
        assert page.locator("#id_consent").count() == 1
    ui.assert_accessible()


@pytest.mark.parametrize(
    "name", ["contact-property", "profile", "contact-property-en", "profile-en"]
)
def test_public_form_with_errors_is_accessible(investor_world, ui, name):
    """The empty form sent: the error summary and every marked field."""
    ui.visit(PUBLIC_FORMS[name](investor_world))
    _set_no_consent_and_send(ui)
    page = ui.page
    required = ("name", "email", "message") if name.startswith("contact") else ("area_max_m2",)
    for field in required:
        assert page.locator(f"#id_{field}_error").count() == 1, field
    ui.assert_accessible()


def test_thanks_page_is_accessible(investor_world, ui):
    page = ui.page
    ui.visit(f"/kontakt/immobilie/{investor_world.plots[FULL].pk}/")
    page.fill("#id_name", "Max Investor")
    page.fill("#id_email", "max@example.com")
    page.fill("#id_message", "Ist die Fläche teilbar und ab wann verfügbar?")
    page.check("#id_consent")
    ui.submit(page.locator("form.editor-form .form-actions [type=submit]"))
    assert ui.path() == "/kontakt/danke/"
    assert investor_world.org_a.name in page.locator("main .lead").inner_text()
    ui.assert_accessible()


def test_results_page_is_accessible(a11y_world, ui):
    page = ui.page
    ui.visit(f"/investieren/ergebnis/{a11y_world.profile.uid}/")
    items = page.locator("ol.result-list li.result")
    assert items.count() == len(RANKED) + len(ALMOST)
    assert items.locator(".score").count() == len(RANKED)
    assert page.locator("section.almost li.result").count() == len(ALMOST)
    ui.assert_accessible()


@pytest.mark.parametrize("lang", ["", "/en"])
def test_results_page_with_inquiry_errors_and_after_sending_is_accessible(a11y_world, ui, lang):
    page = ui.page
    path = f"{lang}/investieren/ergebnis/{a11y_world.profile.uid}/"
    ui.visit(path)
    ui.watch.tolerate(r"/anfrage/$", "the inquiry with errors comes back as 400", "400")
    ui.submit(page.locator("#inquiry .form-actions [type=submit]"))
    assert page.locator("#error-summary").is_visible()
    assert page.locator("#id_inquiry_properties_error, #id_inquiry_consent_error").count() == 2
    ui.assert_accessible()
    page.locator("li.result input[name=properties]").first.check()
    page.fill("#id_inquiry_name", "Ada Acme")
    page.fill("#id_inquiry_company", "Acme")
    page.fill("#id_inquiry_email", "ada@acme.example")
    page.fill("#id_inquiry_message", "Ist die Fläche ab 2027 verfügbar?")
    page.check("#id_inquiry_consent")
    ui.submit(page.locator("#inquiry .form-actions [type=submit]"))
    assert page.locator("#sent[role=status]").is_visible()
    ui.assert_accessible()


@pytest.mark.parametrize(("expired", "status"), [(True, 410), (False, 404)])
def test_results_link_gone_is_accessible(a11y_world, ui, expired, status):
    from datetime import timedelta

    from django.utils import timezone

    from standortlotse.cases.models import SearchProfile

    profile = make_profile(email="", alerts=False)
    SearchProfile.objects.filter(pk=profile.pk).update(
        created_at=timezone.now() - timedelta(days=365)
    )
    path = f"/investieren/ergebnis/{profile.uid if expired else 'nicht-da'}/"
    ui.watch.tolerate(r"/ergebnis/", "the page says why the link does not work", str(status))
    assert ui.page.goto(ui.url(path)).status == status
    ui.settle()
    ui.assert_accessible()


def test_results_page_without_results_is_accessible(investor_world, ui):
    profile = make_profile(need_electricity_mw=500)
    ui.visit(f"/investieren/ergebnis/{profile.uid}/")
    assert ui.page.locator("ol.result-list li.result").count() == 0
    assert ui.page.locator("ol.result-list li").count() == 1
    ui.assert_accessible()


def test_unsubscribe_page_is_accessible(a11y_world, ui):
    page = ui.page
    ui.visit(f"/investieren/abmelden/{a11y_world.profile.unsubscribe_token}/")
    assert page.locator("main form").count() == 1
    ui.assert_accessible()
    ui.submit(page.locator("main form [type=submit]"))
    assert page.locator("main [role=status]").is_visible()
    ui.assert_accessible()


# --- back office -------------------------------------------------------------------------------

BACK_OFFICE = {
    "inbox": ("editor_a", lambda w: "/datenpflege/anfragen/"),
    "inbox-all": ("state_admin", lambda w: "/datenpflege/anfragen/?status=all"),
    "inquiry": ("editor_a", lambda w: f"/datenpflege/anfragen/{w.inquiry.pk}/"),
    "data-access": ("editor_a", lambda w: "/datenpflege/datenschutz/auskunft/"),
    "board": ("state_admin", lambda w: "/datenpflege/ansiedlung/"),
    "board-filtered": (
        "state_admin",
        lambda w: "/datenpflege/ansiedlung/?stage=offered&source=profile",
    ),
    "board-sharer": ("editor_a", lambda w: "/datenpflege/ansiedlung/"),
    "case-new": ("state_admin", lambda w: "/datenpflege/ansiedlung/neu/"),
    "case-owner": ("state_admin", lambda w: f"/datenpflege/ansiedlung/{w.case.pk}/"),
    "case-sharer": ("editor_a", lambda w: f"/datenpflege/ansiedlung/{w.case.pk}/"),
}


@pytest.mark.parametrize("name", BACK_OFFICE)
def test_back_office_page_is_accessible(a11y_world, ui, name):
    world = a11y_world
    user, path = BACK_OFFICE[name]
    ui.login(user)
    ui.visit(path(world))
    page = ui.page
    if name.startswith("inbox"):
        assert (
            page.locator(f'table a[href="/datenpflege/anfragen/{world.inquiry.pk}/"]').count() == 1
        )
    if name == "inquiry":
        for action in ("answer", "assign", "status", "note"):
            assert action_form(page, action).count() == 1, action
        assert page.locator("ol.history li").count() == 3
    if name == "data-access":
        assert page.locator("#id_email").count() == 1
    if name == "board":
        assert page.locator("section.board-column li").count() == 3
    if name == "board-sharer":
        assert (
            page.locator("section.board-column li")
            .all_inner_texts()[0]
            .startswith(f"vertraulich (#{world.case.pk})")
        )
    if name == "case-owner":
        assert action_form(page, "offer").count() == len(RANKED)
        assert action_form(page, "stage").count() == 1
        page.locator("details summary").click()  # the edit form, open
        assert page.locator("details[open] #id_company").is_visible()
    if name == "case-sharer":
        assert "Acme" not in page.content()
        assert action_form(page, "stage").count() == 0
    ui.assert_accessible()


def test_new_case_form_with_errors_is_accessible(a11y_world, ui):
    ui.login("state_admin")
    ui.visit("/datenpflege/ansiedlung/neu/")
    page = ui.page
    page.fill("#id_company", "   ")  # only spaces: the browser sends it, Django refuses it
    # The owner is left empty; the browser's own check is switched off, as in a browser
    # without constraint validation, to get the server's answer.
    page.locator("form.editor-form").evaluate("form => { form.noValidate = true; }")
    ui.submit(page.locator("form.editor-form > [type=submit]"))
    assert page.locator("#error-summary").is_visible()
    assert page.locator("#id_company_error").count() == 1
    assert page.locator("#id_owner_error").count() == 1
    ui.assert_accessible()


def test_case_with_errors_is_accessible(a11y_world, ui):
    """A loss without a reason, and a task without a title: messages and marked fields."""
    world = a11y_world
    ui.login("state_admin")
    ui.visit(f"/datenpflege/ansiedlung/{world.case.pk}/")
    page = ui.page
    stage = action_form(page, "stage")
    stage.locator("select[name=stage]").select_option("lost")
    ui.submit(stage.locator("[type=submit]"))
    assert page.locator(".messages .message-error").count() == 1
    task = action_form(page, "task")
    task.locator("input[name=title]").fill("   ")  # only spaces: refused by the server
    ui.submit(task.locator("[type=submit]"))
    assert page.locator("#id_title_error").count() == 1
    ui.assert_accessible()


def test_inquiry_with_errors_is_accessible(a11y_world, ui):
    world = a11y_world
    ui.login("editor_a")
    ui.visit(f"/datenpflege/anfragen/{world.inquiry.pk}/")
    page = ui.page
    answer = action_form(page, "answer")
    answer.locator("textarea[name=text]").fill("   ")  # only spaces: refused by the server
    ui.submit(answer.locator("[type=submit]"))
    assert action_form(page, "answer").locator(".error").count() == 1
    ui.assert_accessible()


# --- known bugs ------------------------------------------------------------------------------


def test_inquiry_page_fields_have_unique_ids_and_own_labels(a11y_world, ui):
    ui.login("editor_a")
    ui.visit(f"/datenpflege/anfragen/{a11y_world.inquiry.pk}/")
    page = ui.page
    duplicates = page.evaluate("""() => {
        const seen = {};
        document.querySelectorAll('[id]').forEach(el => { seen[el.id] = (seen[el.id] || 0) + 1; });
        return Object.keys(seen).filter(id => seen[id] > 1);
    }""")
    labels = page.evaluate("""() => [...document.querySelectorAll('aside textarea')].map(t =>
        [t.form.elements.action.value, [...t.labels].map(l => l.textContent.trim())])""")
    note = action_form(page, "note")
    note.locator("label").click()
    focused = page.evaluate("() => document.activeElement.form.elements.action.value")
    assert (duplicates, [(action, len(names)) for action, names in labels], focused) == (
        [],
        [("answer", 1), ("note", 1)],
        "note",
    )


@pytest.mark.parametrize("name", ["contact-property", "profile"])
def test_error_summary_gets_the_focus(investor_world, ui, name):
    ui.visit(PUBLIC_FORMS[name](investor_world))
    _set_no_consent_and_send(ui)
    summary = ui.page.locator("#error-summary")
    assert summary.evaluate("el => el === document.activeElement")
