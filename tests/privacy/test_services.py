"""Data subject rights: the access export covers every kind of record of an address, and the
erasure leaves the address (and the name, phone and postal address that came with it) nowhere in
the database, with a record of the erasure that holds none of it."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from standortlotse.accounts.models import Organisation
from standortlotse.cases.models import Activity, AlertSent, Case, SearchProfile
from standortlotse.guides.models import Contact, Event
from standortlotse.inquiries import services as inquiry_services
from standortlotse.inquiries.forms import InquiryForm
from standortlotse.inquiries.models import Inquiry
from standortlotse.places.models import PendingUpdate, Place, Transition
from standortlotse.privacy import services
from standortlotse.privacy.models import ErasureRecord
from standortlotse.privacy.registry import history_model_of, providers
from standortlotse.properties import consent
from standortlotse.properties.models import OwnerConsent, Property
from tests.factories import OrganisationFactory, PropertyFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "erika.muster@example.org"
STORED = "Erika.Muster@Example.ORG"  # as people type it: the search ignores case
NAME = "Erika Mustermann"
PHONE = "+49 3931 555123"
POSTAL = "Feldweg 7, 39576 Stendal-Uenglingen"
PERSONAL = (ADDRESS, NAME, PHONE, POSTAL)

KINDS = (
    "inquiries",
    "accessibility_feedback",
    "search_profiles",
    "alerts_sent",
    "case_contacts",
    "case_activities",
    "places",
    "place_updates",
    "place_review_log",
    "owner_consents",
    "property_contacts",
    "property_contacts_history",
    "directory_contacts",
    "events",
    "queued_mails",
    "user_accounts",
    "organisations",
    "other_texts",
)


def _inquiry(page_url="", **target):
    form = InquiryForm(
        {
            "name": NAME,
            "email": STORED,
            "phone": PHONE,
            "topic": "property",
            "message": f"Bitte rufen Sie mich an: {PHONE}. Gruß {NAME}",
            "consent": "on",
        }
    )
    assert form.is_valid(), form.errors
    return inquiry_services.receive(form, page_url=page_url, **target)


@pytest.fixture
def everywhere(world, settings):
    """The address in every kind of record the platform keeps, mails queued in the task table."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"}
    }  # queue, don't send
    w = world
    org_a = w.editor_a.memberships.get().organisation
    OrganisationFactory(
        name="Agentur", kind=Organisation.Kind.STATE_AGENCY, email="invest@img.example"
    )
    w.inquiry = _inquiry(property=w.prop_a)
    inquiry_services.answer(w.editor_a, w.inquiry, f"Guten Tag {NAME}, gern.")
    w.feedback = _inquiry(page_url=reverse("accessibility"))
    w.other_inquiry = Inquiry.objects.create(
        name="Otto Anders",
        email="otto@example.org",
        recipient=org_a,
        message=f"Frau Mustermann ist unter {STORED} erreichbar.",
    )

    w.profile = SearchProfile.objects.create(email=STORED, alerts=True, kinds=["plot"])
    AlertSent.objects.create(profile=w.profile, property=w.prop_b)
    w.case = Case.objects.create(
        company="Muster Logistik GmbH",
        contact_name=NAME,
        contact_email=STORED,
        contact_phone=PHONE,
        owner=org_a,
        profile=w.profile,
        description=f"Rückruf über {ADDRESS}",
    )
    Activity.objects.create(
        case=w.case, text=f"Telefonat mit {NAME}, Protokoll an {ADDRESS} geschickt"
    )

    def place(name, status, **people):
        return Place.objects.create(
            name=name,
            pitch="Ein Ort",
            region=w.region,
            municipality=w.mun_a,
            lat=52.6,
            lon=11.86,
            status=status,
            **people,
        )

    w.submitted = place(
        "Scheune Muster", "submitted", owner_name=NAME, owner_email=STORED, owner_phone=PHONE
    )
    w.submitted.new_owner_token()
    w.submitted.save()
    w.owned = place(
        "Hof Muster",
        "published",
        owner_name=NAME,
        owner_email=STORED,
        owner_phone=PHONE,
        story=f"<p>Schreiben Sie an {ADDRESS}</p>",
    )
    w.owned_hash = w.owned.new_owner_token()
    w.owned.save()
    w.contact_place = place(
        "Coworking Nord",
        "published",
        owner_name="Otto Anders",
        owner_email="otto@example.org",
        contact_name=NAME,
        contact_email=STORED,
        contact_phone=PHONE,
    )
    PendingUpdate.objects.create(place=w.owned, data={"fields": {"contact_email": ADDRESS}})
    Transition.objects.create(
        place=w.owned, to_status="published", message=f"Rückfrage an {ADDRESS} beantwortet"
    )
    # The owner's own message in the thread with the editorial team (names no address).
    w.reply = Transition.objects.create(
        place=w.owned,
        to_status="published",
        kind="reply",
        actor_label="owner",
        message="Montags zu.",
    )

    w.plot = PropertyFactory(
        title="Acker Muster",
        municipality=w.mun_a,
        owner_type="private",
        status="draft",
        published_at=None,
    )
    consent.save_owner(w.editor_a, w.plot, NAME, STORED, POSTAL)
    consent.request(w.editor_a, [w.plot], "email")
    w.contact_prop = PropertyFactory(
        title="Halle Kontakt",
        municipality=w.mun_a,
        contact_name=NAME,
        contact_email=STORED,
        contact_phone=PHONE,
    )
    w.contact_prop.title = "Halle Kontakt (neu)"
    w.contact_prop.save()  # a second version in the history

    w.contact = Contact.objects.create(
        region=w.region,
        organisation=org_a,
        person=NAME,
        email=STORED,
        phone=PHONE,
        topics=["housing"],
    )
    w.event = Event.objects.create(
        region=w.region,
        title_de="Hoffest",
        location="Uenglingen",
        organiser=w.contact,
        starts_at=timezone.now() + timedelta(days=5),
    )

    w.account = UserFactory(
        username="emuster", email=STORED, first_name="Erika", last_name="Mustermann"
    )
    w.organisation = OrganisationFactory(name="Büro Muster", email=STORED)
    LogEntry.objects.create(
        user=w.state_admin,
        content_type=ContentType.objects.get_for_model(Inquiry),
        object_id=str(w.inquiry.pk),
        object_repr=f"{NAME} <{ADDRESS}>",
        action_flag=CHANGE,
        change_message="[]",
    )
    return w


def _occurrences(text: str) -> list[str]:
    """Every table and column of the whole database (read through the connection, not the models)
    whose value contains the text, any case."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quoted} WHERE LOWER(CAST({name} AS TEXT)) LIKE %s",  # noqa: S608
                    [f"%{text.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def _export(client, user, fmt="json"):
    client.force_login(user)
    response = client.post(reverse("privacy:export"), {"email": STORED.upper(), "format": fmt})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    return response


def test_the_database_search_sees_what_the_erasure_must_remove(everywhere):
    # Without this the final check could pass because it searches wrongly.
    for text in PERSONAL:
        assert _occurrences(text), text
    assert "django_tasks_database_dbtaskresult.args_kwargs" in _occurrences(ADDRESS)
    assert any(table.startswith("properties_historicalproperty") for table in _occurrences(NAME))


def test_access_export_covers_every_kind_of_record(client, everywhere):
    w = everywhere
    data = json.loads(_export(client, w.state_admin).content)
    assert data["email"] == ADDRESS and data["complete"] is True
    missing = [kind for kind in KINDS if not data.get(kind)]
    assert not missing, f"kinds of records missing in the export: {missing}"
    assert data["inquiries"][0]["answers"] == [f"Guten Tag {NAME}, gern."]
    assert data["accessibility_feedback"][0]["page"] == reverse("accessibility")
    assert data["search_profiles"][0]["alerts"] is True
    assert {p["name"] for p in data["places"]} == {"Scheune Muster", "Hof Muster", "Coworking Nord"}
    assert (
        "otto" not in json.dumps(data["places"]).lower()
    )  # the owner of the place Erika is contact of
    assert data["owner_consents"][0]["owner_address"] == POSTAL
    assert "Montags zu." in [t["message"] for t in data["place_review_log"]]
    assert data["directory_contacts"][0]["events"] == ["Hoffest"]
    assert len(data["property_contacts_history"]) == 2
    mails = data["queued_mails"]
    assert any(
        ADDRESS in [a.lower() for a in m["to"]] and NAME in m["text"] for m in mails
    )  # confirmation
    assert any(
        ADDRESS not in json.dumps(m).lower() and NAME in m["text"] for m in mails
    )  # inbox notice
    assert [t["kind"] for t in data["other_texts"]] == ["admin.LogEntry"]


def test_export_as_zip_of_json_and_workbook(client, everywhere):
    from openpyxl import load_workbook

    archive = zipfile.ZipFile(io.BytesIO(_export(client, everywhere.state_admin, "zip").content))
    assert sorted(archive.namelist()) == ["auskunft.json", "auskunft.xlsx"]
    data = json.loads(archive.read("auskunft.json"))
    workbook = load_workbook(io.BytesIO(archive.read("auskunft.xlsx")))
    for kind in KINDS:
        sheet = workbook[kind[:31]]
        assert sheet.max_row == len(data[kind]) + 1, kind  # a header and a row per record
    owner_sheet = workbook["owner_consents"]
    header = [cell.value for cell in owner_sheet[1]]
    assert owner_sheet.cell(row=2, column=header.index("owner_address") + 1).value == POSTAL


def test_export_of_an_editor_holds_only_their_records(client, everywhere):
    data = json.loads(_export(client, everywhere.editor_b).content)
    assert data["complete"] is False
    assert data["inquiries"] == [] and data["case_contacts"] == [] and data["owner_consents"] == []
    assert (
        data["queued_mails"] == []
        and data["other_texts"] == []
        and data["property_contacts_history"] == []
    )
    data = json.loads(_export(client, everywhere.editor_a).content)
    assert len(data["owner_consents"]) == 1 and len(data["case_contacts"]) == 1
    own, mention = data["inquiries"]  # the person's inquiry, and Otto's that quotes the address
    assert own["name"] == NAME
    assert mention["mentions"] == {"message": f"Frau Mustermann ist unter {STORED} erreichbar."}
    assert "otto" not in json.dumps(data).lower()  # nothing of the other person


def test_erasure_in_one_step_leaves_nothing_of_the_address(client, everywhere):
    w = everywhere
    client.force_login(w.state_admin)
    page = client.post(reverse("privacy:erase"), {"email": STORED})
    assert page.status_code == 200
    plan = {row["key"]: row for row in page.context["plan"]}
    assert plan["places"]["delete"] == 1 and plan["places"]["anonymise"] == 2
    assert plan["inquiries"]["anonymise"] == 2 and plan["queued_mails"]["delete"] >= 4
    assert plan["property_contacts"]["history"] == 2
    assert Place.objects.filter(pk=w.submitted.pk).exists()  # the confirm page changes nothing

    assert w.owned.owner_links.exists() and OwnerConsent.objects.get(property=w.plot).links.exists()
    done = client.post(reverse("privacy:erase"), {"email": STORED, "confirm": "yes"})
    assert done.status_code == 302 and done["Location"].endswith(reverse("privacy:erasures"))

    for text in PERSONAL:
        assert _occurrences(text) == [], f"{text!r} is still stored"

    # what must stay, stays, without the person
    assert not Place.objects.filter(pk=w.submitted.pk).exists()
    owned = Place.objects.get(pk=w.owned.pk)
    assert (owned.owner_name, owned.owner_email, owned.owner_phone) == ("", "", "")
    assert not owned.owner_links.exists()
    assert owned.status == "published"
    assert not Transition.objects.filter(pk=w.reply.pk).exists()  # her own words go
    assert owned.transitions.count() == 1  # the log entry that quoted her stays, anonymised
    contact_place = Place.objects.get(pk=w.contact_place.pk)
    assert (
        contact_place.contact_name,
        contact_place.contact_email,
        contact_place.contact_phone,
    ) == ("", "", "")
    assert contact_place.owner_email == "otto@example.org"
    inquiry = Inquiry.objects.get(pk=w.inquiry.pk)
    assert inquiry.anonymised_at and inquiry.phone == "" and inquiry.first_answered_at
    other = Inquiry.objects.get(pk=w.other_inquiry.pk)  # someone else's: only the address goes
    assert (other.name, other.email, other.anonymised_at) == (
        "Otto Anders",
        "otto@example.org",
        None,
    )
    # ... and the person's names known from her own records (here the account's last name)
    assert other.message == "Frau [entfernt] ist unter [entfernt] erreichbar."
    assert (
        Activity.objects.get().text == "Telefonat mit [entfernt], Protokoll an [entfernt] geschickt"
    )
    case = Case.objects.get(pk=w.case.pk)
    assert (case.contact_name, case.contact_email, case.contact_phone) == ("", "", "")
    record = OwnerConsent.objects.get(property=w.plot)
    assert (record.owner_name, record.owner_email, record.owner_address) == ("", "", "")
    assert not record.links.exists()
    assert record.state == OwnerConsent.State.REQUESTED  # the proof of what was asked stays
    assert not SearchProfile.objects.exists() and not AlertSent.objects.exists()
    assert (
        Contact.objects.get(pk=w.contact.pk).person == ""
        and Event.objects.filter(pk=w.event.pk).exists()
    )
    account = type(w.account).objects.get(pk=w.account.pk)
    assert (
        not account.is_active
        and not account.has_usable_password()
        and not account.memberships.exists()
    )
    assert Property.history.filter(id=w.contact_prop.pk).count() >= 2  # versions stay, anonymised

    erasure = ErasureRecord.objects.get()
    assert erasure.erased_by == w.state_admin and erasure.remaining == 0
    assert erasure.counts["places"] == {"deleted": 1, "anonymised": 2}
    assert erasure.counts["other_texts"] == {"deleted": 0, "anonymised": 1}
    stored = json.dumps(ErasureRecord.objects.values().get(), default=str).lower()
    assert not [text for text in PERSONAL if text.lower() in stored]
    assert services.was_erased(STORED).get() == erasure
    listing = client.get(reverse("privacy:erasures")).content.decode()
    assert "state_admin" in listing and ADDRESS not in listing.lower()


def test_erasure_of_an_unknown_address_is_recorded_too(client, world):
    client.force_login(world.state_admin)
    page = client.post(reverse("privacy:erase"), {"email": "niemand@example.org"})
    assert page.context["plan"] == []
    client.post(reverse("privacy:erase"), {"email": "niemand@example.org", "confirm": "yes"})
    assert ErasureRecord.objects.get().counts == {}


def test_bad_addresses_are_refused_with_the_field_named(client, world):
    client.force_login(world.state_admin)
    for bad in ("", "erika", "@example.org", "a@b", "a b@example.org", "x" * 250 + "@example.org"):
        for url in (reverse("privacy:erase"), reverse("privacy:export")):
            response = client.post(url, {"email": bad, "confirm": "yes", "format": "json"})
            assert response.status_code == 400, (url, bad)
            assert 'id="id_email_error"' in response.content.decode(), (url, bad)
    assert not ErasureRecord.objects.exists()


def test_nobody_erases_their_own_account(client, world):
    client.force_login(world.state_admin)
    response = client.post(
        reverse("privacy:erase"), {"email": world.state_admin.email, "confirm": "yes"}
    )
    assert response.status_code == 400 and not ErasureRecord.objects.exists()
    world.state_admin.refresh_from_db()
    assert world.state_admin.is_active


def test_commands_export_and_erase(everywhere, tmp_path, capsys):
    target = tmp_path / "auskunft.zip"
    call_command("export_personal_data", STORED, output=str(target))
    data = json.loads(zipfile.ZipFile(target).read("auskunft.json"))
    assert data["complete"] is True and [kind for kind in KINDS if not data[kind]] == []
    call_command("erase_personal_data", STORED)  # a dry run without --yes
    assert (
        Place.objects.filter(pk=everywhere.submitted.pk).exists()
        and not ErasureRecord.objects.exists()
    )
    call_command("erase_personal_data", STORED, "--yes")
    assert ErasureRecord.objects.get().via == ErasureRecord.Via.COMMAND
    assert _occurrences(ADDRESS) == []
    with pytest.raises(CommandError, match="name@example.org"):
        call_command("erase_personal_data", "kein-adresse", "--yes")


def test_every_model_with_an_email_or_a_history_has_a_provider():
    """A new model that stores an address (or copies of one) must say how it is exported and erased."""
    covered = {p.model for p in providers()}
    histories = {history_model_of(model) for model in covered} - {None}
    for model in apps.get_models(include_auto_created=True):
        if model in histories or model._meta.proxy:
            continue
        if any(isinstance(f, models.EmailField) for f in model._meta.concrete_fields):
            assert model in covered, (
                f"{model._meta.label} stores an email address but has no privacy provider"
            )
        if history_model_of(model) is not None:
            assert model in covered, (
                f"{model._meta.label} keeps a history but has no privacy provider"
            )
