"""Journeys through the guides (Lotse), the contacts directory, events and the one search.

* A returner answers the three questions of the guided entry (who: "coming back", theme,
  municipality Stendal), gets the overview with guides and contacts, writes to a contact of the
  directory (or with "Ask your question" to the municipality) and the inquiry reaches the
  contact's organisation (or the office the routing names).
* The search box in the header finds a place name typed without umlaut and a stemmed word,
  groups the hits by kind, highlights the matching words and leads to the hit.
* "Read aloud" appears only where the browser has speech synthesis and hands the guide's text
  to it (speak is stubbed: nothing is spoken, nothing leaves the machine).
* axe-core finds nothing on every new page type, German and English, public and back office.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from standortlotse.accounts.models import Organisation
from standortlotse.guides.models import Contact, Event, Guide, Status
from standortlotse.inquiries.models import Inquiry
from tests.browser.places_support import mails_to
from tests.factories import MunicipalityFactory, OrganisationFactory, PropertyFactory

pytestmark = pytest.mark.browser

NETWORK = "Rückkehr-Netzwerk Altmark"
OFFICE = "Bauamt Stendal"
RETURNERS_PERSON = "Katrin Wendt"
HOUSING_PERSON = "Maria Vogel"
GUIDE_WORK = "Zurück in die Altmark: Arbeit"
GUIDE_HOUSING = "Wohnen in Tangermünde"
EVENT = "Rückkehrertag Stendal"
VISITOR = "Jana Beispiel"
VISITOR_EMAIL = "jana.beispiel@example.org"
MESSAGE = "Ich komme im Sommer zurück nach Stendal und suche eine Stelle als Ingenieurin."
THANKS = "/kontakt/danke/"
OFFICE_EMAIL = "bauamt@stendal.example"
NETWORK_EMAIL = "hallo@rueckkehr.example"


@pytest.fixture
def lotse(live_world, settings, mailoutbox):
    """The `world` with a returners' network (whole region: work, housing), Stendal's building
    office (housing, only Stendal), a guide per theme for returners, an upcoming event and a
    place called Tangermünde (for the search)."""
    from django.core.cache import cache

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.INQUIRIES_PER_HOUR = 1000
    cache.clear()
    w = live_world
    w.outbox = mailoutbox
    w.network = OrganisationFactory(
        name=NETWORK, kind=Organisation.Kind.NETWORK_PARTNER, region=w.region, email=NETWORK_EMAIL
    )
    w.office = OrganisationFactory(
        name=OFFICE, kind=Organisation.Kind.MUNICIPALITY, municipality=w.mun_a, email=OFFICE_EMAIL
    )
    w.returners = Contact.objects.create(
        region=w.region,
        organisation=w.network,
        person=RETURNERS_PERSON,
        role_de="Beratung für Rückkehrende",
        role_en="Advice for returners",
        email="k.wendt@rueckkehr.example",
        phone="03931 22 33 44",
        topics=["work", "housing"],
        audiences=["returner"],
        description_de="Jobs, Wohnen, Kinderbetreuung: wir helfen beim Zurückkommen.",
    )
    w.housing = Contact.objects.create(
        region=w.region,
        organisation=w.office,
        person=HOUSING_PERSON,
        role_de="Bauberatung",
        topics=["housing"],
    )
    w.housing.municipalities.set([w.mun_a])
    w.guide_work = Guide.objects.create(
        region=w.region,
        slug="zurueck-arbeit",
        theme="work",
        audiences=["returner"],
        title_de=GUIDE_WORK,
        title_en="Back to the Altmark: work",
        summary_de="Jobs, Beratung und Netzwerke für Rückkehrende.",
        summary_en="Jobs, advice and networks for returners.",
        body_de="## Arbeit finden\n\n**Viele** Betriebe in Stendal suchen Fachkräfte.\n\n"
        "- Jobbörse der Agentur\n- Rückkehrertag im Rathaus",
        body_en="## Finding work\n\n**Many** companies in Stendal are hiring.\n\n"
        "- Job board of the agency\n- Returners' day at the town hall",
        contact=w.returners,
        status=Status.PUBLISHED,
    )
    w.guide_housing = Guide.objects.create(
        region=w.region,
        slug="wohnen-tangermuende",
        theme="housing",
        audiences=["returner"],
        title_de=GUIDE_HOUSING,
        summary_de="Bauplätze und Häuser an der Elbe.",
        body_de="Viele **Bauplätze** und leerstehende Höfe.",
        contact=w.housing,
        status=Status.PUBLISHED,
    )
    w.draft = Guide.objects.create(
        region=w.region,
        slug="entwurf",
        theme="work",
        title_de="Entwurf Arbeit",
        body_de="Noch nicht fertig.",
    )
    soon = timezone.now() + timedelta(days=5)
    w.event = Event.objects.create(
        region=w.region,
        title_de=EVENT,
        title_en="Returners' day Stendal",
        starts_at=soon,
        ends_at=soon + timedelta(hours=3),
        location="Stendal, Rathaus",
        municipality=w.mun_a,
        description_de="Betriebe stellen sich vor.\nEintritt frei.",
        organiser=w.returners,
    )
    w.tangermuende = MunicipalityFactory(
        name="Tangermünde", ags="15090520", district=w.district_stendal, lat=52.54, lon=11.97
    )
    w.elbhafen = PropertyFactory(
        title="Gewerbefläche am Elbhafen",
        municipality=w.tangermuende,
        description_de="Direkt an der Elbe bei Tangermünde.",
    )
    return w


def _send_button(page):
    return page.locator("form.editor-form .form-actions [type=submit]")


def _fill_inquiry(page):
    page.fill("#id_name", VISITOR)
    page.fill("#id_email", VISITOR_EMAIL)
    page.fill("#id_message", MESSAGE)
    page.check("#id_consent")


THEMES = {"work": "Arbeit", "housing": "Wohnen"}


def _answer_entry(ui, *, theme, from_home):
    """The three questions of the guided entry: "Ich komme zurück" (chosen on the home page or
    on /lotse/), the theme, Stendal; submitted."""
    page = ui.page
    ui.visit("/")
    if from_home:
        choices = page.locator('section[aria-labelledby="lotse-heading"] a')
        ui.submit(choices.filter(has_text="Ich komme zurück"))
        assert ui.path() == "/lotse/?wer=returner"
        assert page.locator("#error-summary").count() == 0  # a first choice, not an error
    else:
        ui.submit(page.locator('header nav a[href="/lotse/"]'))
        assert ui.path() == "/lotse/"
        page.get_by_label("Ich komme zurück").check()
    assert page.locator('input[name=wer][value="returner"]').is_checked()
    page.get_by_label(THEMES[theme], exact=True).check()
    assert page.locator(f'input[name=thema][value="{theme}"]').is_checked()
    page.locator("form.guided-entry select[name=gemeinde]").select_option(label="Stendal")
    ui.submit(page.locator("form.guided-entry [type=submit]"))


def _assert_overview_url(ui, world, theme):
    parts = urlsplit(ui.page.url)
    assert parts.path == "/lotse/"
    assert parse_qs(parts.query) == {
        "wer": ["returner"],
        "thema": [theme],
        "gemeinde": [str(world.mun_a.pk)],
    }


def test_returner_writes_to_a_contact_from_the_overview(lotse, ui):
    world = lotse
    page = ui.page
    _answer_entry(ui, theme="work", from_home=True)
    _assert_overview_url(ui, world, "work")
    assert page.locator("main .lead").inner_text() == "Ich komme zurück · Arbeit · Stendal"

    guides = page.locator('section[aria-labelledby="ov-guides"]')
    assert guides.locator("h3 a").all_inner_texts() == [GUIDE_WORK]  # not the draft, not housing
    contacts = page.locator('section[aria-labelledby="ov-contacts"] li.contact-card')
    assert contacts.count() == 1  # work: the network; the building office answers housing only
    card = contacts.first
    assert NETWORK in card.inner_text() and RETURNERS_PERSON in card.inner_text()
    assert EVENT in page.locator('section[aria-labelledby="ov-events"]').inner_text()
    # The shareable link is the address of the page itself.
    assert page.locator("main p.small a").first.get_attribute("href") == page.url

    link = card.locator(f'a[href="/kontakt/kontakt/{world.returners.pk}/"]')
    assert link.count() == 1
    ui.submit(link)
    assert ui.path() == f"/kontakt/kontakt/{world.returners.pk}/"
    assert RETURNERS_PERSON in page.locator("h1").inner_text()
    assert page.input_value("#id_topic") == "work"  # the contact's first topic
    _fill_inquiry(page)
    ui.submit(_send_button(page))

    assert ui.path() == THANKS
    assert NETWORK in page.locator("main .lead").inner_text()
    inquiry = Inquiry.objects.get()
    assert inquiry.recipient == world.network and inquiry.region == world.region
    assert (inquiry.name, inquiry.email, inquiry.topic) == (VISITOR, VISITOR_EMAIL, "work")
    assert inquiry.message == MESSAGE
    assert inquiry.property is None and inquiry.place is None
    assert len(mails_to(world.outbox, NETWORK_EMAIL)) == 1
    assert len(mails_to(world.outbox, VISITOR_EMAIL)) == 1


def test_returner_asks_the_municipality_about_housing(lotse, ui):
    """Housing in Stendal: the local building office comes first; "Ask your question" opens the
    form about the municipality with the topic set, and the routing finds that office."""
    world = lotse
    page = ui.page
    _answer_entry(ui, theme="housing", from_home=False)
    _assert_overview_url(ui, world, "housing")
    guides = page.locator('section[aria-labelledby="ov-guides"]')
    assert guides.locator("h3 a").all_inner_texts() == [GUIDE_HOUSING]
    cards = page.locator('section[aria-labelledby="ov-contacts"] li.contact-card')
    names = [text.split("\n")[0] for text in cards.all_inner_texts()]
    assert names == [OFFICE, NETWORK], names  # the municipality's own contact first

    ask = page.locator('section[aria-labelledby="ov-contacts"] a.button')
    assert ask.get_attribute("href") == f"/kontakt/gemeinde/{world.mun_a.pk}/?thema=housing"
    ui.submit(ask)
    assert ui.path() == f"/kontakt/gemeinde/{world.mun_a.pk}/?thema=housing"
    assert "Stendal" in page.locator("h1").inner_text()
    assert page.input_value("#id_topic") == "housing"
    _fill_inquiry(page)
    ui.submit(_send_button(page))

    assert ui.path() == THANKS
    assert OFFICE in page.locator("main .lead").inner_text()
    inquiry = Inquiry.objects.get()
    assert inquiry.recipient == world.office and inquiry.region == world.region
    assert inquiry.topic == "housing" and inquiry.email == VISITOR_EMAIL
    assert len(mails_to(world.outbox, OFFICE_EMAIL)) == 1


def test_guided_entry_questions_name_their_radio_groups(lotse, ui):
    ui.visit("/en/lotse/")
    page = ui.page
    for name, question in (("wer", "Who are you?"), ("thema", "What matters to you?")):
        group = page.get_by_role("group", name=question).or_(
            page.get_by_role("radiogroup", name=question)
        )
        assert group.count() == 1, question
        assert group.locator(f"input[name={name}]").count() >= 3, question


def test_header_search_groups_and_highlights(lotse, ui):
    world = lotse
    page = ui.page
    ui.visit("/kontakte/")
    page.fill("#header-q", "Tangermuende")
    ui.submit(page.locator("form.header-search [type=submit]"))
    assert ui.path() == "/suche/?q=Tangermuende"
    assert page.input_value("#one-search-q") == "Tangermuende"
    # One section per kind that has hits: the property at the Elbe port and the guide.
    groups = page.locator("section.search-group h2")
    assert [groups.nth(i).get_attribute("id") for i in range(groups.count())] == [
        "group-properties",
        "group-guides",
    ]
    assert page.locator("#group-properties + ul.search-hits li").count() == 1
    marks = page.locator("section.search-group mark").all_inner_texts()
    assert "Tangermünde" in marks, marks  # the umlaut was folded, the word is highlighted
    guide_hit = page.locator("#group-guides + ul.search-hits li a")
    assert guide_hit.count() == 1
    assert guide_hit.locator("mark").inner_text() == "Tangermünde"
    ui.submit(guide_hit)
    assert ui.path() == world.guide_housing.get_absolute_url()
    assert page.locator("h1").inner_text() == GUIDE_HOUSING

    # A stemmed word: the plural "Betrieben" finds "Betriebe" (guide body) and the
    # event's description; the hit of each kind is highlighted.
    page.fill("#header-q", "Betrieben")
    ui.submit(page.locator("form.header-search [type=submit]"))
    assert ui.path() == "/suche/?q=Betrieben"
    events = page.locator("#group-events + ul.search-hits li")
    assert events.count() == 1 and EVENT in events.inner_text()
    assert "Betriebe" in events.locator("mark").all_inner_texts()
    guides = page.locator("#group-guides + ul.search-hits li")
    assert guides.count() == 1 and GUIDE_WORK in guides.inner_text()
    ui.submit(events.locator("a").first)
    assert ui.path() == world.event.get_absolute_url()
    assert page.locator("h1").inner_text() == EVENT


READ_ALOUD_STUB = """
window.__spoken = [];
if ("speechSynthesis" in window) {
  window.speechSynthesis.speak = function (utterance) {
    window.__spoken.push({text: utterance.text, lang: utterance.lang});
  };
  window.speechSynthesis.cancel = function () { window.__spoken.push({cancel: true}); };
}
"""


@pytest.mark.parametrize(
    "prefix, lang, heading, label, stop",
    [
        ("", "de-DE", GUIDE_WORK, "Vorlesen", "Vorlesen beenden"),
        ("/en", "en-GB", "Back to the Altmark: work", "Read aloud", "Stop reading"),
    ],
)
def test_read_aloud_hands_the_guide_to_speech_synthesis(
    lotse, ui, prefix, lang, heading, label, stop
):
    page = ui.page
    page.add_init_script(READ_ALOUD_STUB)
    ui.visit(prefix + lotse.guide_work.get_absolute_url())
    button = page.locator("button.read-aloud")
    assert button.count() == 1
    if not page.evaluate("() => 'speechSynthesis' in window"):
        assert button.is_hidden()
        return
    assert button.is_visible()
    assert button.get_attribute("aria-pressed") == "false"
    assert button.inner_text() == label
    button.click()
    spoken = page.evaluate("() => window.__spoken")
    assert len(spoken) == 1, spoken
    assert spoken[0]["lang"] == lang
    text = spoken[0]["text"]
    assert heading in text, text
    assert ("Stendal" in text) and ("Jobbörse" in text or "Job board" in text), text
    assert label not in text  # the button's own label is not read
    assert button.get_attribute("aria-pressed") == "true"
    assert button.inner_text() == stop
    ui.watch.check(page)


NO_SPEECH = "delete Window.prototype.speechSynthesis; delete window.speechSynthesis;"


def test_read_aloud_is_not_switched_on_without_speech_synthesis(lotse, ui):
    page = ui.page
    page.add_init_script(NO_SPEECH)
    ui.visit(lotse.guide_work.get_absolute_url())
    assert not page.evaluate("() => 'speechSynthesis' in window")
    button = page.locator("button.read-aloud")
    assert button.get_attribute("hidden") is not None  # the script left it alone
    assert button.get_attribute("aria-pressed") is None


def test_read_aloud_stays_hidden_without_speech_synthesis(lotse, ui):
    page = ui.page
    page.add_init_script(NO_SPEECH)
    ui.visit(lotse.guide_work.get_absolute_url())
    assert page.locator("button.read-aloud").is_hidden()


# --- axe on every new page type --------------------------------------------------------------


def _public_paths(world):
    overview = f"/lotse/?wer=returner&thema=work&gemeinde={world.mun_a.pk}"
    return {
        "home (entry choices)": "/",
        "entry": "/lotse/",
        "entry preselected": "/lotse/?wer=returner",
        "overview": overview,
        "guide list": "/lotse/themen/",
        "guide": world.guide_work.get_absolute_url(),
        "contacts": "/kontakte/",
        "contacts filtered": f"/kontakte/?thema=housing&gemeinde={world.mun_a.pk}",
        "events": "/veranstaltungen/",
        "event": world.event.get_absolute_url(),
        "search": "/suche/?q=Tangermuende",
        "search corrected": "/suche/?q=Tangermunde",
        "search empty": "/suche/?q=Xylophonwerkstatt",
        "contact form of a contact": f"/kontakt/kontakt/{world.returners.pk}/",
        "contact form of a municipality": f"/kontakt/gemeinde/{world.mun_a.pk}/?thema=housing",
        "entry (en)": "/en/lotse/",
        "overview (en)": "/en" + overview,
        "guide (en)": "/en" + world.guide_work.get_absolute_url(),
        "event (en)": "/en" + world.event.get_absolute_url(),
        "search (en)": "/en/suche/?q=Tangermuende",
    }


PUBLIC = [
    "home (entry choices)",
    "entry",
    "entry preselected",
    "overview",
    "guide list",
    "guide",
    "contacts",
    "contacts filtered",
    "events",
    "event",
    "search",
    "search corrected",
    "search empty",
    "contact form of a contact",
    "contact form of a municipality",
    "entry (en)",
    "overview (en)",
    "guide (en)",
    "event (en)",
    "search (en)",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_new_public_page_is_accessible(lotse, ui, name):
    ui.visit(_public_paths(lotse)[name])
    ui.assert_accessible()
    assert ui.watch.external == []


def test_entry_with_errors_is_accessible(lotse, ui):
    """A broken shared link (unknown target group) comes back with the error summary."""
    response = ui.page.goto(ui.url("/lotse/?wer=alien&thema=work"))
    assert response.status == 400
    ui.settle(check=False)
    ui.watch.console_errors = [e for e in ui.watch.console_errors if "400" not in e["text"]]
    ui.watch.check(ui.page)
    assert ui.page.locator("#error-summary").count() == 1
    ui.assert_accessible()


BACK_OFFICE = [
    "/datenpflege/lotse/",
    "/datenpflege/lotse/seiten/neu/",
    "/datenpflege/lotse/kontakte/neu/",
    "/datenpflege/lotse/termine/neu/",
]


def test_back_office_pages_are_accessible(lotse, ui):
    world = lotse
    ui.login("moderator")
    page = ui.page
    ui.submit(page.locator('header nav a[href="/datenpflege/lotse/"]'))
    assert ui.path() == "/datenpflege/lotse/"
    assert GUIDE_WORK in page.locator("main").inner_text()
    assert "Entwurf Arbeit" in page.locator("main").inner_text()  # drafts are listed here
    for path in BACK_OFFICE:
        ui.visit(path)
        ui.assert_accessible()
    # An existing record and a form sent back with errors.
    for path in (
        f"/datenpflege/lotse/seiten/{world.guide_work.pk}/",
        f"/datenpflege/lotse/kontakte/{world.returners.pk}/",
        f"/datenpflege/lotse/termine/{world.event.pk}/",
    ):
        ui.visit(path)
        ui.assert_accessible()
    ui.visit("/datenpflege/lotse/kontakte/neu/")
    with page.expect_navigation() as nav:
        page.locator("main form [type=submit]").click()
    response = nav.value
    assert response.status == 400
    ui.settle(check=False)
    ui.watch.console_errors = [e for e in ui.watch.console_errors if "400" not in e["text"]]
    ui.watch.check(page)
    assert page.locator("#error-summary").count() == 1
    ui.assert_accessible()


def test_moderator_creates_a_guide_page_in_the_back_office(lotse, ui):
    """The create form works in the browser: the new page is published at its address."""
    world = lotse
    page = ui.page
    ui.login("moderator")
    ui.visit("/datenpflege/lotse/")
    ui.submit(page.locator('main a[href="/datenpflege/lotse/seiten/neu/"]'))
    page.select_option("#id_region", str(world.region.pk))
    page.fill("#id_slug", "kita-plaetze")
    page.select_option("#id_theme", "life")
    page.locator("label", has=page.locator('input[name=audiences][value="returner"]')).click()
    page.fill("#id_title_de", "Kitaplätze in der Altmark")
    page.fill("#id_body_de", "## Anmeldung\n\nBei der **Gemeinde**.")
    page.select_option("#id_contact", str(world.returners.pk))
    page.select_option("#id_status", "published")
    ui.submit(page.locator("main form [type=submit]"))
    guide = Guide.objects.get(slug="kita-plaetze")
    assert ui.path() == f"/datenpflege/lotse/seiten/{guide.pk}/"
    assert page.locator(".messages .message-success").count() == 1
    assert guide.audiences == ["returner"] and guide.body_html_de.startswith("<h2>")
    ui.submit(page.locator(f'main a[href="{guide.get_absolute_url()}"]'))
    assert page.locator("h1").inner_text() == "Kitaplätze in der Altmark"
    assert RETURNERS_PERSON in page.locator("aside").inner_text()
