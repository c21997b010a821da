"""XSS payloads in every text field are rendered inert on every page that shows them."""

from datetime import timedelta

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from standortlotse.guides.models import Contact, Event, Guide, Status
from standortlotse.places.models import Place
from standortlotse.places.models import Status as PlaceStatus
from tests.factories import EventFactory, PlaceFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED_PARTS = ("<script>alert", "<img src=x onerror")


def fill_text_fields(instance, skip=()):
    for field in instance._meta.concrete_fields:
        if field.name in skip or not field.editable or field.choices:
            continue
        if isinstance(field, (models.EmailField, models.URLField, models.SlugField)):
            continue
        if isinstance(field, (models.CharField, models.TextField)):
            value = f"{field.name} {PAYLOAD}"
            setattr(instance, field.name, value[: field.max_length] if field.max_length else value)


def assert_inert(html, where):
    for part in ESCAPED_PARTS:
        assert part not in html, f"unescaped payload on {where}"


@pytest.fixture
def hostile(world):
    prop = world.prop_a
    fill_text_fields(prop, skip={"external_id", "postcode", "contact_phone", "search_text"})
    prop.save()
    place = Place(
        region=world.region,
        municipality=world.mun_a,
        lat=52.6,
        lon=11.86,
        owner_name="O",
        owner_email="o@example.org",
        status=PlaceStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    fill_text_fields(place, skip={"search_text", "licence", "source", "external_id", "import_hash"})
    place.save()
    contact = Contact(
        region=world.region,
        organisation=world.editor_a.memberships.get().organisation,
        topics=["work"],
    )
    fill_text_fields(contact, skip={"search_text", "phone"})
    contact.save()
    guide = Guide(
        region=world.region, slug="x", theme="work", status=Status.PUBLISHED, contact=contact
    )
    fill_text_fields(guide, skip={"search_text", "body_html_de", "body_html_en", "slug"})
    guide.save()
    event = Event(
        region=world.region, starts_at=timezone.now() + timedelta(days=1), organiser=contact
    )
    fill_text_fields(event, skip={"search_text"})
    event.save()
    return {"prop": prop, "place": place, "guide": guide, "event": event}


def test_public_pages_render_payloads_inert(client, world, hostile):
    urls = [
        "/",
        reverse("properties:search"),
        reverse("properties:search") + "?q=title",
        hostile["prop"].get_absolute_url(),
        f"/en{hostile['prop'].get_absolute_url()}",
        reverse("properties:compare") + f"?ids={hostile['prop'].pk}",
        reverse("places:search"),
        hostile["place"].get_absolute_url(),
        hostile["guide"].get_absolute_url(),
        reverse("guides:guide_list"),
        reverse("guides:contacts"),
        reverse("guides:events"),
        hostile["event"].get_absolute_url(),
        reverse("search") + "?q=title",
        reverse("search") + "?q=" + PAYLOAD,
        reverse("properties:widget"),
        reverse("places:widget"),
        reverse("guides:entry") + f"?wer=returner&thema=work&gemeinde={world.mun_a.pk}",
        reverse("properties:statistics"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)
    # The API returns the data as it is, as JSON that browsers do not render as a page.
    for url in ("/api/properties", f"/api/properties/{hostile['prop'].pk}", "/api/places"):
        response = client.get(url)
        assert (
            response["Content-Type"].startswith("application/json")
            and response["X-Content-Type-Options"] == "nosniff"
        )


def test_back_office_pages_render_payloads_inert(client, world, hostile):
    client.force_login(world.state_admin)
    urls = [
        reverse("properties:editor_list"),
        reverse("properties:editor_edit", args=[hostile["prop"].pk]),
        reverse("properties:editor_history", args=[hostile["prop"].pk]),
        reverse("properties:freshness"),
        reverse("guides:editor_list"),
        reverse("guides:editor_edit", args=["seiten", hostile["guide"].pk]),
        reverse("guides:editor_edit", args=["kontakte", hostile["guide"].contact.pk]),
        reverse("guides:editor_edit", args=["termine", hostile["event"].pk]),
        reverse("reach:dashboard"),
        reverse("places:queue"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


def test_exports_and_pdfs_carry_payloads_as_text(client, world, hostile):
    csv_text = client.get(reverse("properties:export", args=["csv"])).content.decode()
    assert "\n=" not in csv_text and ";=" not in csv_text
    pdf = client.get(reverse("properties:expose", args=[hostile["prop"].pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


# --- Field rules on every write path (issue 12): links, email addresses, invisible characters ---

from django.core import mail  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402

from standortlotse.core import validators as v  # noqa: E402

RLO_NAME = "Coworking \u202eeloohcS\u202c"  # shows as "Coworking Schoole" mirrored: spoofing
ZERO_WIDTH_NAME = "Coworking\u200b Stendal"
BCC_EMAIL = "x@y.de\r\nBcc: z@w.de"
BAD_LINKS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/",
    "//example.org/",
    "www.example.org",
]


@pytest.mark.parametrize(
    "value", BAD_LINKS + ["https://example.org/\u202e", "https://exa mple.org/"]
)
def test_web_url_validator_accepts_only_full_http_addresses(value):
    with pytest.raises(ValidationError) as error:
        v.validate_web_url(value)
    assert "https://" in error.value.messages[0] or "U+202E" in error.value.messages[0]
    v.validate_web_url("https://www.example.org/kreativorte?x=1")
    v.validate_web_url("http://example.org")


@pytest.mark.parametrize(
    "value",
    [
        "a@b.de\nBcc: x@y.de",
        BCC_EMAIL,
        "a@b.de\n",
        "a@b\u200b.de",
        "a\x00@b.de",
        "a@b.de, c@d.de",
        "kein-at.de",
    ],
)
def test_email_validator_refuses_header_injection_and_invisible_characters(value):
    with pytest.raises(ValidationError):
        v.validate_email_address(value)
    v.validate_email_address("hallo@ort.example")


@pytest.mark.parametrize(
    "char",
    [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
    ],
)
def test_bidi_overrides_and_zero_width_characters_refused_in_every_text(char):
    for validator in (v.validate_text_line, v.validate_text):
        with pytest.raises(ValidationError) as error:
            validator(f"Halle{char} Nord")
        assert (
            f"U+{ord(char):04X}" in error.value.messages[0] and "6" in error.value.messages[0]
        )  # code and position


def test_control_characters_refused_line_breaks_only_in_multi_line_text():
    for char in ("\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"):
        for validator in (v.validate_text_line, v.validate_text):
            with pytest.raises(ValidationError):
                validator(f"a{char}b")
    for char in ("\n", "\r", "\t"):
        with pytest.raises(ValidationError):
            v.validate_text_line(f"Titel{char}Bcc: x")
        v.validate_text(f"Zeile eins{char}Zeile zwei")
    v.validate_text_line("Gewerbepark „Nord“ – Parzelle 4 (ü, ß, é, 中文, عربى)")


# Internal columns that code writes (hashes, states, log labels, import bookkeeping, reach
# counters): not user text. Everything else that is text must carry the rules.
INTERNAL_TEXT_FIELDS = {
    "places.OwnerLink.token_hash",
    "places.Place.import_hash",
    "places.PlaceAttribute.value",
    "places.Transition.from_status",
    "places.Transition.to_status",
    "places.Transition.actor_label",
    "properties.ConsentLink.token_hash",
    "cases.SearchProfile.unsubscribe_token",
    "inquiries.Inquiry.language",
    "inquiries.Inquiry.page_url",
    "geo.State.code",
    "geo.District.key",
    "geo.Municipality.ags",
    "exchange.ApiKey.prefix",
    "exchange.ApiKey.secret_hash",
    # A notification held for the daily summary, as the platform rendered it (nobody types it).
    "accounts.DigestItem.template",
    "accounts.DigestItem.language",
    "accounts.DigestItem.subject",
    "accounts.DigestItem.body",
}
DOMAIN_APPS = {"accounts", "cases", "geo", "guides", "inquiries", "places", "properties"}


def test_every_user_text_field_carries_the_field_rules():
    from django.apps import apps

    from standortlotse.core.fields import EmailAddressField, WebURLField
    from standortlotse.core.textsearch import SearchTextField

    missing = []
    for model in apps.get_models():
        label = model._meta.app_label
        if label not in DOMAIN_APPS and model.__name__ != "ApiKey":
            continue
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            name = f"{label}.{model.__name__}.{field.name}"
            if (
                not field.editable
                or field.choices
                or name in INTERNAL_TEXT_FIELDS
                or isinstance(field, (SearchTextField, models.SlugField))
            ):  # slugs: letters, digits, hyphens only
                continue
            if isinstance(field, models.URLField):
                ok = isinstance(field, WebURLField)
            elif isinstance(field, models.EmailField):
                ok = isinstance(field, EmailAddressField)
            elif isinstance(field, models.TextField):
                ok = v.validate_text in field.validators
            elif isinstance(field, models.CharField):
                ok = v.validate_text_line in field.validators
            else:
                continue
            if not ok:
                missing.append(name)
    assert missing == []


# --- the finding: a partner feed with javascript:/data: links and a Bcc header in the email ---


def hostile_feed(world) -> list[dict]:
    good = {
        "municipality_ags": world.mun_a.ags,
        "lat": 52.6,
        "lon": 11.86,
        "fields": ["work"],
        "types": ["coworking"],
        "pitch": "Schreibtische",
        "contact_email": "hallo@ort.example",
        "website": "https://ort.example/",
    }
    return [
        {
            **good,
            "id": "p-1",
            "name": "Ort mit Skriptlink",
            "website": "javascript:alert(document.cookie)",
        },
        {
            **good,
            "id": "p-2",
            "name": "Ort mit Datenlink",
            "social_links": ["https://ok.example/", "data:text/html,<b>x</b>"],
        },
        {**good, "id": "p-3", "name": "Ort mit Bcc", "contact_email": BCC_EMAIL},
        {**good, "id": "p-4", "name": RLO_NAME},
        {**good, "id": "p-5", "name": "Ort ohne Fehler"},
    ]


def test_partner_feed_with_hostile_links_and_email_refused_field_by_field(
    client, world, monkeypatch
):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from standortlotse.exchange.models import ImportJob
    from tests.places.support import confirm_import, run_tasks_at_once, start_import

    run_tasks_at_once(monkeypatch)
    client.force_login(world.moderator)
    feed = json.dumps({"format": "standortlotse-places/1", "places": hostile_feed(world)}).encode()
    with translation.override("de"):
        response = start_import(
            client,
            {
                "source": "partner",
                "region": world.region.pk,
                "file": SimpleUploadedFile("feed.json", feed, content_type="application/json"),
            },
        )
    assert response.status_code == 302
    job = ImportJob.objects.get(target="places")
    rows = {row.external_id: row for row in job.rows.all()}
    assert [rows[k].outcome for k in ("p-1", "p-2", "p-3", "p-4", "p-5")] == ["error"] * 4 + ["new"]

    def errors(key):
        return [message for _column, message in rows[key].messages]

    assert errors("p-1") == [
        "Website: Geben Sie eine vollständige Webadresse ein, die mit https:// (oder http://) beginnt, z. B. https://www.example.org."
    ]
    assert errors("p-2")[0].startswith(
        "Social-Media-Links: Geben Sie eine vollständige Webadresse ein"
    )
    assert errors("p-3") == [
        (
            "öffentliche E-Mail-Adresse: Geben Sie eine gültige E-Mail-Adresse ein, "
            "z. B. name@example.org (eine Adresse, ohne Zeilenumbruch)."
        )
    ]
    assert errors("p-4")[0].startswith(
        "Name: Der Text enthält ein unsichtbares Steuerzeichen (U+202E RIGHT-TO-LEFT OVERRIDE) an Stelle 11"
    )
    html = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert 'href="javascript:' not in html and "Fehler" in html
    response = confirm_import(client, job, skip_errors="on")
    assert response.status_code == 302
    assert list(Place.objects.values_list("external_id", flat=True)) == [
        "p-5"
    ]  # the refused rows wrote nothing


def test_taking_a_stored_hostile_conflict_is_refused(client, world):
    from standortlotse.places import exchange
    from standortlotse.places.models import ImportConflict

    place = PlaceFactory(
        name="Ort",
        pitch="p",
        region=world.region,
        municipality=world.mun_a,
        status=PlaceStatus.PUBLISHED,
    )
    data = {**exchange.content_of(place), "website": "javascript:alert(1)"}
    conflict = ImportConflict.objects.create(
        place=place, source="partner", data=data
    )  # stored before the rules
    client.force_login(world.moderator)
    response = client.post(
        reverse("places:review_conflict", args=[place.pk, conflict.pk]), {"decision": "incoming"}
    )
    assert response.status_code == 302
    place.refresh_from_db()
    conflict.refresh_from_db()
    assert place.website == "" and not conflict.resolved


def test_partner_id_of_another_regions_place_is_refused_without_naming_it(world):
    from standortlotse.places import exchange
    from tests.factories import DistrictFactory, MunicipalityFactory, RegionFactory

    other_region = RegionFactory(
        name="Harz", slug="harz", districts=[DistrictFactory(name="Landkreis Harz", key="15085")]
    )
    elsewhere = MunicipalityFactory(
        name="Wernigerode", ags="15085370", district=other_region.districts.get()
    )
    PlaceFactory(
        name="Ort im Harz",
        pitch="p",
        region=other_region,
        municipality=elsewhere,
        lat=51.8,
        lon=10.8,
        source="partner",
        external_id="p-9",
    )
    record = {**hostile_feed(world)[4], "id": "p-9", "name": "Übernahme"}
    row = exchange.plan([record], "partner", world.region)[0]
    assert row.action == "error" and row.errors == [
        "Der Ort mit dieser ID ist nicht in Ihren Gemeinden."
    ]
    assert Place.objects.get(external_id="p-9").name == "Ort im Harz"


# --- the same values through the form, the API, the property import and the admin -----------


def test_place_form_refuses_hostile_links_email_and_invisible_characters(world):
    from standortlotse.places.forms import PlaceForm

    data = {
        "name": RLO_NAME,
        "pitch": "p",
        "municipality": world.mun_a.pk,
        "place_fields": ["work"],
        "types": ["coworking"],
        "owner_name": "O",
        "owner_email": "o@example.org",
        "website": "javascript:alert(1)",
        "social_links": "https://ok.example/\ndata:text/html,x",
        "contact_email": BCC_EMAIL,
    }
    form = PlaceForm(data, region=world.region)
    assert not form.is_valid()
    assert set(form.errors) >= {"name", "website", "social_links", "contact_email"}
    assert "U+202E" in form.errors["name"][0]
    for field, value in (
        ("website", "ftp://example.org/"),
        ("social_links", "vbscript:x"),
        ("name", ZERO_WIDTH_NAME),
    ):
        form = PlaceForm(
            {
                **data,
                "name": "Ort",
                "website": "",
                "social_links": "",
                "contact_email": "",
                field: value,
            },
            region=world.region,
        )
        assert list(form.errors) == [field], (field, form.errors)
    form = PlaceForm(
        {
            **data,
            "name": "Ort",
            "website": "www.ort.example",
            "social_links": "",
            "contact_email": "",
        },
        region=world.region,
    )
    assert form.is_valid(), form.errors  # forms still complete a scheme-less address the user typed
    assert form.cleaned_data["website"] == "https://www.ort.example"


def test_public_inquiry_form_refuses_bcc_email_and_rlo_name(client, world):
    from standortlotse.inquiries.models import Inquiry

    url = reverse("inquiries:contact")
    data = {
        "name": RLO_NAME,
        "email": BCC_EMAIL,
        "topic": "other",
        "message": "Hallo",
        "consent": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and set(response.context["form"].errors) >= {"name", "email"}
    assert not Inquiry.objects.exists()


def test_api_refuses_header_injection_and_invisible_characters(client, world):
    import json

    client.force_login(world.editor_a)
    url = f"/api/properties/{world.prop_a.pk}"
    response = client.patch(
        url,
        json.dumps(
            {"title": "Halle\u202e Nord", "contact_email": BCC_EMAIL, "description_de": "Text\x00"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"title", "contact_email", "description_de"}
    assert "U+202E" in response.json()["detail"]["title"][0]
    world.prop_a.refresh_from_db()
    assert world.prop_a.title == "Gewerbepark Stendal Nord" and world.prop_a.contact_email == ""
    payload = {
        "title": ZERO_WIDTH_NAME,
        "kind": "plot",
        "municipality": world.mun_a.pk,
        "lat": 52.59,
        "lon": 11.85,
    }
    response = client.post("/api/properties", json.dumps(payload), content_type="application/json")
    assert response.status_code == 422 and "title" in response.json()["detail"]


def test_property_import_refuses_the_same_values_by_column(world, monkeypatch):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from standortlotse.exchange import services
    from standortlotse.properties.models import Property

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    rows = [
        ["external_id", "title", "municipality_ags", "contact_email", "description_de"],
        ["H-1", "Halle\u202e Nord", "15090535", "a@b.de", ""],
        ["H-2", "Halle Süd", "15090535", BCC_EMAIL, ""],
        ["H-3", "Halle\u200bOst", "15090535", "", "Text\x1b[31m"],
        ["H-4", "Halle West", "15090535", "a@b.de", "Zeile eins\nZeile zwei"],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    job = services.start(world.editor_a, SimpleUploadedFile("h.csv", out.getvalue().encode()))
    services.set_mapping(job, job.mapping)
    job.refresh_from_db()
    messages = {row.external_id: row.messages for row in job.rows.all()}
    outcomes = dict(job.rows.values_list("external_id", "outcome"))
    assert outcomes == {"H-1": "error", "H-2": "error", "H-3": "error", "H-4": "new"}, messages
    assert messages["H-1"][0][0] == "title" and "U+202E" in messages["H-1"][0][1]
    assert messages["H-2"][0][0] == "contact_email" and "E-Mail-Adresse" in messages["H-2"][0][1]
    assert {m[0] for m in messages["H-3"] if m[0]} == {"title", "description_de"}  # "" = warnings
    services.confirm(job, skip_errors=True, publish=False)
    assert list(
        Property.objects.filter(external_id__startswith="H-").values_list("external_id", flat=True)
    ) == ["H-4"]


def test_admin_forms_refuse_the_same_values(rf, world):
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    from standortlotse.accounts.models import Organisation
    from standortlotse.properties.models import Property

    request = rf.get("/")
    request.user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    for model, data, bad in (
        (
            Place,
            {"name": RLO_NAME, "website": "data:text/html,x", "contact_email": BCC_EMAIL},
            {"name", "website", "contact_email"},
        ),
        (
            Organisation,
            {"name": ZERO_WIDTH_NAME, "website": "javascript:alert(1)", "email": BCC_EMAIL},
            {"name", "website", "email"},
        ),
        (
            Property,
            {"title": "Halle\u2066 Nord", "contact_email": BCC_EMAIL, "description_de": "a\x00"},
            {"title", "contact_email", "description_de"},
        ),
    ):
        form_class = admin.site._registry[model].get_form(request)
        form = form_class(data)
        assert not form.is_valid()
        assert bad <= set(form.errors), (model, form.errors)


# --- stored bad data (from before the rules) never becomes a link --------------------------


def test_place_page_never_links_a_stored_non_http_address(client, world):
    place = PlaceFactory(
        name="Alter Datensatz",
        pitch="p",
        region=world.region,
        municipality=world.mun_a,
        status=PlaceStatus.PUBLISHED,
        published_at=timezone.now(),
        website="javascript:alert(document.cookie)",
        social_links="data:text/html,x\nhttps://ok.example/\nvbscript:x",
    )
    html = client.get(place.get_absolute_url()).content.decode()
    assert (
        'href="javascript:' not in html
        and 'href="data:' not in html
        and 'href="vbscript:' not in html
    )
    assert 'href="https://ok.example/"' in html
    assert '"sameAs": ["https://ok.example/"]' in html or '"sameAs":["https://ok.example/"]' in html


def test_event_page_never_links_a_stored_non_http_address(client, world):
    event = EventFactory(
        region=world.region,
        title_de="Termin",
        starts_at=timezone.now() + timedelta(days=2),
        url="javascript:alert(1)",
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html


# --- a mail that can never be sent fails once, permanently, and tells the moderators -------


@pytest.fixture
def finished_mail_tasks():
    from django_tasks.signals import task_finished

    results = []

    def collect(sender, task_result, **kwargs):
        if task_result.task.func.__name__ == "send_email_task":
            results.append(task_result)

    task_finished.connect(collect)
    yield results
    task_finished.disconnect(collect)


def test_inquiry_to_a_place_with_a_stored_bcc_email_fails_once_and_notifies_moderators(
    client, world, django_capture_on_commit_callbacks, finished_mail_tasks, caplog
):
    place = PlaceFactory(
        name="Ort mit kaputter Adresse",
        pitch="p",
        region=world.region,
        municipality=world.mun_a,
        status=PlaceStatus.PUBLISHED,
        published_at=timezone.now(),
        contact_email=BCC_EMAIL,  # stored by the feed before the rules
    )
    data = {
        "name": "Max Investor",
        "email": "max@example.com",
        "topic": "place",
        "message": "Ist der Ort noch frei?",
        "consent": "on",
    }
    for _attempt in range(2):  # every inquiry: one failure each, never a retry
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("inquiries:contact_about", args=["ort", place.pk]), data)
        assert response.status_code == 302, response.context["form"].errors
    failed = [r for r in finished_mail_tasks if r.status == "FAILED"]
    assert len(failed) == 2
    assert all(
        r.args[0] == [BCC_EMAIL] and r.errors[0].exception_class_path.endswith("Undeliverable")
        for r in failed
    )
    assert not [r for r in finished_mail_tasks if r.args[3] > 1]  # attempt 2 never enqueued
    assert not any("z@w.de" in m.to or "z@w.de" in m.bcc for m in mail.outbox)
    notices = [
        m
        for m in mail.outbox
        if m.subject.startswith("E-Mail über den Ort „Ort mit kaputter Adresse“")
    ]
    assert len(notices) == 2 and notices[0].to == ["moderator@example.org"]
    assert f"/datenpflege/orte/{place.pk}/" in notices[0].body
    # The office and the inquirer still get their mails; the log names no address.
    assert any(m.to == ["max@example.com"] for m in mail.outbox)
    assert "z@w.de" not in caplog.text and "x@y.de" not in caplog.text


def test_invalid_co_recipient_does_not_stop_the_valid_ones(world, finished_mail_tasks):
    from standortlotse.core.mail import send_email_task, undeliverable_notice

    notice = undeliverable_notice(["moderator@example.org"], "Organisation X")
    result = send_email_task.enqueue(
        ["gut@example.org", "a@b.de\nBcc: c@d.de"], "Betreff", "Text", 1, None, notice
    )
    assert result.status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [["moderator@example.org"], ["gut@example.org"]]
    assert "Organisation X" in mail.outbox[0].subject


def test_undeliverable_notice_to_a_broken_address_does_not_loop(
    world, finished_mail_tasks, settings
):
    from standortlotse.core.mail import send_email_task, undeliverable_notice

    settings.MANAGERS = [("Admin", "admin@example.org")]
    send_email_task.enqueue(
        ["kaputt\n@x.de"],
        "Betreff",
        "Text",
        1,
        None,
        undeliverable_notice(["auch\nkaputt@x.de"], "X"),
    )
    assert [r.status for r in finished_mail_tasks] == ["FAILED", "FAILED"] and not mail.outbox


def test_undeliverable_mail_without_notice_goes_to_the_state_agency(world, finished_mail_tasks):
    from standortlotse.core.mail import send_email_task

    send_email_task.enqueue(
        ["owner@example.org\nBcc: x@y.de"], "Ihr Ort „Atelier“", "Text", 1, None
    )
    assert [r.status for r in finished_mail_tasks] == [
        "SUCCESSFUL",
        "FAILED",
    ]  # the notice runs inside
    assert mail.outbox[0].to == ["state_admin@example.org"] and "Atelier" in mail.outbox[0].subject


def test_header_injection_in_the_subject_fails_once_with_a_notice(world, finished_mail_tasks):
    from standortlotse.core.mail import send_email_task, undeliverable_notice

    notice = undeliverable_notice(
        ["moderator@example.org"], "Ort „Atelier“", "https://example.org/datenpflege/orte/1/"
    )
    send_email_task.enqueue(["gut@example.org"], "Betreff\nBcc: x@y.de", "Text", 1, None, notice)
    assert [r.status for r in finished_mail_tasks] == ["SUCCESSFUL", "FAILED"]
    assert finished_mail_tasks[1].errors[0].exception_class_path.endswith("Undeliverable")
    assert [m.to for m in mail.outbox] == [["moderator@example.org"]]
    assert "https://example.org/datenpflege/orte/1/" in mail.outbox[0].body
