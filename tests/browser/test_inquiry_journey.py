"""Journey: a visitor asks about a property through the contact button on its page, gets a
confirmation by email and the thank-you page names the office that received the inquiry; the
municipal editor of Stendal finds it in the inbox, takes it over and answers; the visitor gets
the answer by email. The editor of Gardelegen neither sees nor opens it. A validation error
keeps every entry; a place's contact button reaches the region's moderation, the general form
the state agency; the data access export shows an office what it holds about an address."""

import json

import pytest

from standortlotse.inquiries import services
from standortlotse.inquiries.models import Inquiry, Note, Status
from tests.browser.investors_support import (
    EDITOR_A_EMAIL,
    FULL,
    ORG_A,
    action_form,
    build_investor_world,
    mails_to,
    make_inquiry,
)
from tests.browser.places_support import make_place

pytestmark = pytest.mark.browser


@pytest.fixture
def investor_world(live_world, settings, mailoutbox):
    return build_investor_world(live_world, settings, mailoutbox)


VISITOR = "Jana Beispiel"
VISITOR_EMAIL = "jana.beispiel@example.org"
COMPANY = "Beispiel Logistik GmbH"
PHONE = "0391 555 0101"
MESSAGE = (
    "Wir suchen 2,5 ha für ein Logistikzentrum mit Gleisanschluss.\n"
    "Ist die Fläche teilbar und ab wann ist sie verfügbar?"
)
ANSWER = "Guten Tag Frau Beispiel, die Fläche ist teilbar und sofort verfügbar. Viele Grüße"
THANKS = "/kontakt/danke/"


def _send_button(page):
    return page.locator("form.editor-form .form-actions [type=submit]")


def _fill_contact(page, *, email=VISITOR_EMAIL, consent=True):
    page.fill("#id_name", VISITOR)
    page.fill("#id_organisation_name", COMPANY)
    page.fill("#id_email", email)
    page.fill("#id_phone", PHONE)
    page.fill("#id_message", MESSAGE)
    if consent:
        page.check("#id_consent")


def _assert_honeypot_hidden_and_empty(page):
    """People never see, reach or fill the `homepage` field."""
    honeypot = page.locator("#id_homepage")
    assert honeypot.count() == 1
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, box  # moved off the screen
    assert page.locator(".hp-field").get_attribute("aria-hidden") == "true"
    assert honeypot.get_attribute("tabindex") == "-1"
    assert honeypot.input_value() == ""
    # The keyboard goes from the message straight to the privacy consent.
    page.focus("#id_message")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "id_consent"


def _inbox_row(page, inquiry):
    return page.locator(
        "table tbody tr", has=page.locator(f'a[href="/datenpflege/anfragen/{inquiry.pk}/"]')
    )


def test_visitor_asks_editor_answers(investor_world, new_ui):
    world = investor_world
    outbox = world.outbox
    prop = world.plots[FULL]

    # --- The visitor: from the property page to the form, no login. -----------------------
    visitor = new_ui()
    page = visitor.page
    visitor.visit(prop.get_absolute_url())
    button = page.locator(".contact-box a.button")
    assert button.count() == 1
    visitor.submit(button)
    form_path = f"/kontakt/immobilie/{prop.pk}/"
    assert visitor.path() == form_path
    assert prop.title in page.locator("h1").inner_text()
    assert page.locator(f'.breadcrumb a[href="{prop.get_absolute_url()}"]').count() == 1
    assert page.input_value("#id_topic") == "property"
    _fill_contact(page)
    _assert_honeypot_hidden_and_empty(page)
    visitor.submit(_send_button(page))

    assert visitor.path() == THANKS
    assert ORG_A in page.locator("main .lead").inner_text()
    inquiry = Inquiry.objects.get()
    assert inquiry.recipient == world.org_a and inquiry.property == prop
    assert inquiry.status == Status.NEW and inquiry.region == world.region
    assert (inquiry.name, inquiry.organisation_name, inquiry.email, inquiry.phone) == (
        VISITOR,
        COMPANY,
        VISITOR_EMAIL,
        PHONE,
    )
    assert inquiry.message.replace("\r\n", "\n") == MESSAGE  # browsers send CRLF

    # The confirmation reaches the visitor, the notice the office (without personal data).
    confirmations = mails_to(outbox, VISITOR_EMAIL)
    assert len(confirmations) == 1, [(m.to, m.subject) for m in outbox]
    assert confirmations[0].subject == f"Ihre Anfrage {inquiry.reference} zu „{prop.title}“"
    assert inquiry.reference in page.locator("main").inner_text()
    assert ORG_A in confirmations[0].body and "Ist die Fläche teilbar" in confirmations[0].body
    notices = mails_to(outbox, EDITOR_A_EMAIL)
    assert len(notices) == 1, [(m.to, m.subject) for m in outbox]
    assert prop.title in notices[0].subject
    assert f"/datenpflege/anfragen/{inquiry.pk}/" in notices[0].body
    assert VISITOR_EMAIL not in notices[0].body and PHONE not in notices[0].body
    assert len(outbox) == 2

    # --- editor_a: inbox, take it over, answer. --------------------------------------------
    editor = new_ui()
    epage = editor.page
    editor.login("editor_a")
    editor.submit(epage.locator('header nav a[href="/datenpflege/anfragen/"]'))
    row = _inbox_row(epage, inquiry)
    assert row.count() == 1
    cells = row.locator("td").all_inner_texts()
    assert VISITOR in cells[1] and COMPANY in cells[1]
    assert cells[2].splitlines()[0] == prop.title and f"Nr. {prop.pk}" in cells[2]
    assert cells[3] == ORG_A and cells[4] == "–"
    assert row.locator(".status-new").count() == 1
    editor.submit(row.locator("a").first)  # the second link is the property's page
    detail = f"/datenpflege/anfragen/{inquiry.pk}/"
    assert editor.path() == detail
    facts = epage.locator("dl.facts-list").inner_text()
    assert VISITOR in facts and VISITOR_EMAIL in facts and PHONE in facts
    assert "Logistikzentrum" in epage.locator(".description").inner_text()
    assert epage.locator(".status-new").count() == 1

    assign = action_form(epage, "assign")
    offered = assign.locator("select[name=assigned_to] option").all_inner_texts()
    assert "editor_b" not in offered and "editor_a" in offered  # members of the office only
    assign.locator("select[name=assigned_to]").select_option(str(world.editor_a.pk))
    editor.submit(assign.locator("[type=submit]"))
    assert editor.path() == detail
    assert epage.locator("aside .status-in_progress").count() == 1
    assert action_form(epage, "assign").locator("select").input_value() == str(world.editor_a.pk)
    assert "editor_a" in epage.locator("ol.history").inner_text()

    answer = action_form(epage, "answer")
    answer.locator("textarea[name=text]").fill(ANSWER)
    editor.submit(answer.locator("[type=submit]"))
    assert editor.path() == detail
    assert epage.locator(".messages .message-success").count() == 1
    assert epage.locator("aside .status-answered").count() == 1
    assert ANSWER in epage.locator("ol.history").inner_text()
    inquiry.refresh_from_db()
    assert inquiry.status == Status.ANSWERED and inquiry.assigned_to == world.editor_a
    assert inquiry.first_answered_at is not None
    assert list(inquiry.notes.values_list("kind", flat=True)) == [Note.Kind.EVENT, Note.Kind.ANSWER]

    # The answer reaches the visitor, signed by the editor and the office.
    answers = mails_to(outbox, VISITOR_EMAIL)[1:]
    assert len(answers) == 1, [(m.to, m.subject) for m in outbox]
    assert answers[0].subject == f"AW: Ihre Anfrage zu {prop.title}"
    assert ANSWER in answers[0].body
    assert "Anna Albrecht" in answers[0].body and ORG_A in answers[0].body

    # The inbox shows the state; "assigned to me" finds it.
    editor.visit("/datenpflege/anfragen/")
    row = _inbox_row(epage, inquiry)
    assert row.locator(".status-answered").count() == 1
    assert row.locator("td").nth(4).inner_text() == "editor_a"
    editor.visit("/datenpflege/anfragen/?mine=1")
    assert _inbox_row(epage, inquiry).count() == 1
    editor.visit("/datenpflege/anfragen/?status=answered")
    assert _inbox_row(epage, inquiry).count() == 1
    editor.visit("/datenpflege/anfragen/?status=new")
    assert _inbox_row(epage, inquiry).count() == 0

    # --- editor_b (another municipality): not in the inbox, 404 on the URL. ------------------
    other = new_ui()
    opage = other.page
    other.login("editor_b")
    for path in ("/datenpflege/anfragen/", "/datenpflege/anfragen/?status=all"):
        other.visit(path)
        assert _inbox_row(opage, inquiry).count() == 0
        assert VISITOR not in opage.locator("main").inner_text()
    response = opage.goto(other.url(detail))
    assert response.status == 404
    other.settle(check=False)
    # The only console error allowed: the expected 404 of the document itself.
    other.watch.console_errors = [e for e in other.watch.console_errors if "404" not in e["text"]]
    other.watch.check(opage)
    assert VISITOR not in opage.content() and ANSWER not in opage.content()
    assert len(outbox) == 3
    for ui in (visitor, editor, other):
        assert ui.watch.external == []


def test_validation_error_keeps_every_entry(investor_world, ui):
    """No consent and a mistyped address: the form comes back with both errors (summary
    focused, fields marked) and everything typed; corrected, it is sent once."""
    world = investor_world
    prop = world.plots[FULL]
    page = ui.page
    form_path = f"/kontakt/immobilie/{prop.pk}/"
    ui.visit(form_path)
    _fill_contact(page, email="jana.beispiel(at)example.org", consent=False)
    page.select_option("#id_topic", "investment")
    ui.submit(_send_button(page))

    assert ui.path() == form_path
    summary = page.locator("#error-summary")
    assert summary.is_visible()  # (focused? see test_error_summary_is_focused)
    for field in ("email", "consent"):
        assert summary.locator(f'a[href="#id_{field}"]').count() == 1, field
        assert page.locator(f"#id_{field}_error").count() == 1, field
    assert summary.locator("li").count() == 2
    assert page.locator("#id_homepage").input_value() == ""
    assert not Inquiry.objects.exists() and world.outbox == []

    assert page.input_value("#id_name") == VISITOR
    assert page.input_value("#id_organisation_name") == COMPANY
    assert page.input_value("#id_email") == "jana.beispiel(at)example.org"
    assert page.input_value("#id_phone") == PHONE
    assert page.input_value("#id_topic") == "investment"
    assert page.input_value("#id_message") == MESSAGE
    assert not page.is_checked("#id_consent")

    page.fill("#id_email", VISITOR_EMAIL)
    page.check("#id_consent")
    ui.submit(_send_button(page))
    assert ui.path() == THANKS
    inquiry = Inquiry.objects.get()
    assert inquiry.topic == "investment" and inquiry.message.replace("\r\n", "\n") == MESSAGE
    assert inquiry.email == VISITOR_EMAIL and inquiry.recipient == world.org_a
    assert len(mails_to(world.outbox, VISITOR_EMAIL)) == 1
    assert len(mails_to(world.outbox, EDITOR_A_EMAIL)) == 1


def test_contact_button_of_a_place_reaches_the_region(investor_world, ui):
    """A creative place's contact button opens the form about the place; the inquiry goes to
    the region's moderation (and the place's own address gets the notice)."""
    world = investor_world
    place = make_place(world, "Coworking Alte Schule", contact_email="kontakt@alte-schule.example")
    moderators = world.moderator.memberships.get().organisation
    page = ui.page
    ui.visit(f"/orte/{place.pk}/")
    ui.submit(page.locator(".contact-box a.button"))
    assert ui.path() == f"/kontakt/ort/{place.pk}/"
    assert place.name in page.locator("h1").inner_text()
    assert page.input_value("#id_topic") == "place"
    _fill_contact(page)
    ui.submit(_send_button(page))
    assert ui.path() == THANKS
    assert moderators.name in page.locator("main .lead").inner_text()
    inquiry = Inquiry.objects.get()
    assert inquiry.place == place and inquiry.recipient == moderators
    assert len(mails_to(world.outbox, "kontakt@alte-schule.example")) == 1
    assert len(mails_to(world.outbox, VISITOR_EMAIL)) == 1


def test_general_contact_form_from_the_navigation(investor_world, ui):
    """The "Kontakt" link opens the general form; without a target the state agency answers."""
    world = investor_world
    page = ui.page
    ui.visit("/")
    ui.submit(page.locator('header nav a[href="/kontakt/"]'))
    assert ui.path() == "/kontakt/"
    assert page.locator(".breadcrumb").count() == 0
    _fill_contact(page)
    page.select_option("#id_topic", "founding")
    ui.submit(_send_button(page))
    assert ui.path() == THANKS
    assert world.agency.name in page.locator("main .lead").inner_text()
    inquiry = Inquiry.objects.get()
    assert inquiry.recipient == world.agency and inquiry.property is None
    assert inquiry.topic == "founding"


def test_data_access_export(investor_world, new_ui):
    """The office exports everything about an address (art. 15 GDPR) as JSON: its inquiry
    with the answer; another municipality's export of the same address is empty."""
    world = investor_world
    inquiry = _inquiry_from(world, VISITOR_EMAIL)
    services.answer(world.editor_a, inquiry, ANSWER)

    def export(username):
        ui = new_ui()
        ui.login(username)
        ui.visit("/datenpflege/anfragen/")
        ui.submit(ui.page.locator('main a[href="/datenpflege/datenschutz/auskunft/"]'))
        ui.page.fill("#id_email", VISITOR_EMAIL.upper())
        with ui.page.expect_download() as info:
            ui.page.locator("main form [type=submit]").click()
        download = info.value
        assert download.suggested_filename == "auskunft.json"
        with open(download.path(), encoding="utf-8") as handle:
            return json.load(handle)

    data = export("editor_a")
    assert data["email"] == VISITOR_EMAIL
    assert [(i["name"], i["recipient"], i["answers"]) for i in data["inquiries"]] == [
        (VISITOR, ORG_A, [ANSWER])
    ]
    assert export("editor_b")["inquiries"] == []


def _inquiry_from(world, email, **extra):
    return make_inquiry(world, name=VISITOR, email=email, organisation_name=COMPANY, **extra)


def test_answer_email_is_in_the_language_of_the_inquiry(investor_world, new_ui):
    world = investor_world
    prop = world.plots[FULL]
    visitor = new_ui(locale="en-GB")
    page = visitor.page
    visitor.visit(f"/en/kontakt/immobilie/{prop.pk}/")
    _fill_contact(page)
    visitor.submit(_send_button(page))
    assert visitor.path() == "/en" + THANKS
    inquiry = Inquiry.objects.get()
    assert inquiry.language == "en"
    subject = mails_to(world.outbox, VISITOR_EMAIL)[0].subject
    assert subject == f"Your inquiry {inquiry.reference} about “{prop.title}”"

    editor = new_ui()
    editor.login("editor_a")
    editor.visit(f"/datenpflege/anfragen/{inquiry.pk}/")
    answer = action_form(editor.page, "answer")
    answer.locator("textarea[name=text]").fill("Dear Ms Beispiel, the plot can be divided.")
    editor.submit(answer.locator("[type=submit]"))
    reply = mails_to(world.outbox, VISITOR_EMAIL)[-1]
    assert reply.subject == f"Re: your inquiry about {prop.title}"
