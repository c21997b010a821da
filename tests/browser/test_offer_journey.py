"""Journey (issue 17): the state agency's staff open an investor case, build a site offer from
its matching results (the top matches ticked, a note on one), send it in English; the investor
opens the private link from the mail in English, sees the map, the comparison and the contact
person, marks one property interesting with a comment and asks a question; the staff see both
in the case's log and the answer on the offer, and the staff got a mail with the question."""

import re

import pytest

from standortlotse.cases.models import Offer, Verdict
from tests.browser.investors_support import (
    FULL,
    HALF,
    RANKED,
    action_form,
    build_investor_world,
    mails_to,
    make_case,
    make_profile,
)

pytestmark = pytest.mark.browser

COMPANY = "Acme Batteries GmbH"
EMAIL = "ada@acme.example"
COMMENT = "The siding matters most to us."
QUESTION = "Can we visit the site in March?"
LINK = re.compile(r"https?://[^/\s]+(/en/angebot/[A-Za-z0-9_-]{40,}/)")


@pytest.fixture
def investor_world(live_world, settings, mailoutbox):
    return build_investor_world(live_world, settings, mailoutbox)


def test_staff_build_an_offer_and_see_the_investors_answers(investor_world, new_ui):
    world = investor_world
    world.state_admin.first_name, world.state_admin.last_name = "Greta", "Lotsin"
    world.state_admin.email = "greta@agency.example"
    world.state_admin.save()
    case = make_case(
        world,
        COMPANY,
        profile=make_profile(email=EMAIL, alerts=False, language="en"),
        confidential=True,
        contact_name="Ada Acme",
        contact_email=EMAIL,
    )

    # --- Staff: from the case to the offer form, the matching results ticked.
    staff = new_ui()
    page = staff.page
    staff.login("state_admin")
    staff.visit(case.get_absolute_url())
    staff.submit(page.get_by_role("link", name="Standortangebot erstellen"))
    assert staff.path() == f"/datenpflege/ansiedlung/{case.pk}/angebot/neu/"
    labels = page.locator("li.offer-candidate label[for^=pick-]").all_inner_texts()
    assert [re.sub(r"^#\d+ ", "", t).split(" – ")[0] for t in labels] == [t for t, _s in RANKED]
    assert page.locator("input[name=properties]:checked").count() == 2  # both top matches
    full = world.plots[FULL]
    page.fill(f"#note-{full.pk}", "Siding and 12 MW on site.")
    page.fill("#id_note", "Dear Ms Acme, two sites that fit your plans.")
    assert page.locator("#id_language").input_value() == "en"  # the investor's language
    staff.submit(page.get_by_role("button", name="Angebot an den Investor senden"))
    offer = Offer.objects.get(case=case)
    assert staff.path() == offer.get_absolute_url()
    assert page.locator("#offer-url").input_value().endswith(f"/en/angebot/{offer.token}/")
    staff.assert_accessible()

    # --- The investor: the link from the mail, in English.
    sent = mails_to(world.outbox, EMAIL)
    assert len(sent) == 1 and sent[0].subject.startswith("Your site offer from")
    path = LINK.search(sent[0].body).group(1)
    investor = new_ui(locale="en-GB")
    page = investor.page
    investor.visit(path)
    investor.wait_for_maps()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == f"Site offer for {COMPANY}"
    assert "Greta Lotsin" in page.locator(".contact-card").inner_text()
    assert page.locator("#offer-map .leaflet-marker-icon").count() >= 1
    assert page.locator("table.compare thead th").count() == 2
    titles = page.locator("li.offer-item h3 a").all_inner_texts()
    assert titles == [FULL, HALF]
    item = page.locator(f"li.offer-item:has(h3 a:text-is('{FULL}'))")
    assert "Siding and 12 MW on site." in item.inner_text()
    item.locator("textarea").fill(COMMENT)
    investor.submit(item.get_by_role("button", name=f"interesting – {FULL}", exact=True))
    item = page.locator(f"li.offer-item:has(h3 a:text-is('{FULL}'))")
    assert "Your answer: interesting" in item.inner_text()
    page.fill("#id_text", QUESTION)
    investor.submit(page.get_by_role("button", name="Send question"))
    assert "Thank you for your question" in page.locator("#sent").inner_text()
    investor.assert_accessible()
    answered = offer.items.get(property=full)
    assert answered.verdict == Verdict.INTERESTING and answered.comment == COMMENT
    told = mails_to(world.outbox, world.state_admin.email)
    assert any(QUESTION in m.body for m in told)

    # --- Staff see the opening, the answer and the question in the case.
    staff.visit(case.get_absolute_url())
    log = staff.page.locator("ol.history").inner_text()
    assert "Investor hat das Standortangebot" in log and "geöffnet" in log
    assert f"Investor hat #{full.pk} {FULL} als interessant markiert: „{COMMENT}“" in log
    assert f"Investor fragt: {QUESTION}" in log
    offers_box = staff.page.locator("section[aria-labelledby=offers-heading]").inner_text()
    assert f"{FULL}: interessant" in offers_box and "zuletzt geöffnet" in offers_box
    assert action_form(staff.page, "activity").count() == 1
