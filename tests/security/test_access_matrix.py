"""Access-control matrix: every back-office URL and every API endpoint × every role.

Roles: ``anonymous``; ``owner`` (a place owner who holds nothing but the private link
/orte/mein-ort/<token>/ of their place and has opened it); ``editor_a`` (municipal editor of
Stendal); ``editor_b`` (municipal editor of Gardelegen); ``moderator`` (regional moderator of the
Altmark); ``state_admin``.

The URL lists are taken from the running project: every URL pattern under ``datenpflege/`` and
every operation of the OpenAPI schema of /api/ must have a row in BACK_OFFICE or API below, else
``test_every_*_is_in_the_matrix`` fails. A row names the URL, fills its parameters with real
records of municipality A / the Altmark (or, in "outside" variants, of Haldensleben / region
Börde), and gives the expected outcome per role:

* ``ALLOW``: 2xx, or 3xx that stays in the back office (not the login page);
* ``NOOP``: accepted (2xx/3xx) but, for this role, the request must neither change nor show the
  foreign record (e.g. a list filtered to the own municipality, a form that refuses a foreign
  municipality);
* ``LOGIN``: 302 to the login page;
* a status code (401, 403, 404, 422, or 200/201 for the API).

CROSS_REGION (at the end) adds a second region in another state, the Prignitz (Brandenburg),
with ``editor_perleberg`` (municipal editor of Perleberg) and ``moderator_prignitz``: each
region's staff are refused the other's records, both ways.

Every response that is not an allow is checked for leaks (titles, names, e-mail addresses of the
records involved must not appear), and every state-changing row compares the record before and
after: a refused request changes nothing, an allowed one really changes it (so the comparison is
not vacuous). All clients enforce CSRF checks and send a valid token, as a browser would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from standortlotse.accounts.models import Membership
from standortlotse.cases.models import Case, CaseShare, Offer, SearchProfile
from standortlotse.exchange import changes
from standortlotse.exchange.models import ImportJob, ImportRow
from standortlotse.guides.models import Contact, Event, Guide
from standortlotse.inquiries.models import Inquiry
from standortlotse.places.models import (
    FeedRun,
    HeldPhoto,
    ImportConflict,
    PartnerFeed,
    PendingUpdate,
    Place,
    RegionSettings,
)
from standortlotse.places.models import Status as PlaceStatus
from standortlotse.profiles.models import Figure
from standortlotse.profiles.models import Key as FigureKey
from standortlotse.properties import consent
from standortlotse.properties.models import (
    OwnerConsent,
    Property,
    PropertyDocument,
    PropertyPhoto,
    Status,
)
from tests.factories import PlaceFactory, PropertyFactory, RegionFactory, make_world, member
from tests.once import once_per_module
from tests.properties.support import valid_pdf

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "editor_a", "editor_b", "moderator", "state_admin")
ALLOW, NOOP, LOGIN = "allow", "noop", "login"
BACK_OFFICE_PREFIX = "datenpflege/"

# Text that identifies each record: it must never appear where the record is refused.
# (ASCII only: JSON answers escape other characters.)
SECRETS = {
    "prop_a": "Gewerbepark Stendal Nord",
    "draft_a": "Entwurf Hafenkante Stendal",
    "draft_a_mail": "hafenkante-intern@example.org",
    "photo_a": "Luftbild Hafenkante vertraulich",
    "document_a": "B-Plan Hafenkante Vorentwurf",
    "draft_c": "Entwurf Boerdepark Haldensleben",
    "plot_a": "Privatacker Uenglingen",
    "plot_owner": "Erna Vertraulich",
    "plot_owner_mail": "erna.vertraulich@example.org",
    "place_a": "Kulturscheune Uenglingen",
    "place_a_owner": "Olga Eigentuemerin",
    "place_a_mail": "scheune.owner@example.org",
    "place_pub": "Coworking Altmarkhafen",
    "place_pub_mail": "hafen.owner@example.org",
    "place_other": "Geheimprojekt Boerde",
    "inquiry_a": "Ina Anfragerin",
    "inquiry_a_mail": "ina.anfrage@example.org",
    "inquiry_a_text": "Vertrauliche Anfrage zur Hafenkante bitte diskret",
    "case_a": "Geheimfabrik Stendal GmbH",
    "case_a_mail": "cfo@geheimfabrik.example",
    "case_shared": "Tarnkappe Batteriewerk AG",
    "case_shared_mail": "ceo@tarnkappe.example",
    "job_a": "stendal-geheim-import.csv",
    "job_a_row": "Importzeile Geheim",
    "job_places": "altmark-geheim-orte.json",
    "job_places_row": "Ortszeile Geheim",
    "guide_a": "Entwurf Rueckkehrerprogramm",
    "guide_other": "Entwurf Boerde Leitfaden",
    "contact_a": "Konrad Kontaktperson",
    "contact_a_mail": "konrad.kontakt@example.org",
    "event_a": "Internes Netzwerktreffen Stendal",
    "feed_a": "Partnerkarte Altmark intern",
    "feed_other": "Partnerkarte Boerde intern",
    "fig_a": "Quelle Stendal Haushaltsplan intern",
    "fig_b": "Quelle Gardelegen Satzung intern",
    "fig_c": "Quelle Haldensleben Statistik intern",
    "fig_district": "Quelle Landkreis Stendal intern",
    # the second region, in another state (CROSS_REGION below)
    "draft_p": "Entwurf Hafen Perleberg",
    "draft_p_mail": "hafen-perleberg@example.org",
    "draft_w": "Entwurf Elbufer Wittenberge",
    "place_p": "Prignitzer Werkhof intern",
    "place_p_mail": "werkhof.owner@example.org",
    "contact_p": "Paula Prignitzkontakt",
    "inquiry_p": "Vertrauliche Anfrage Perleberg bitte diskret",
}


def _jpeg() -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


PDF = valid_pdf()  # parsed as PDF on upload


def build_objs():
    """Real records of every kind in A's municipality / the Altmark, and a few outside it: built
    once for the module (tests/once.py), each cell starts from them in its own savepoint."""
    w = make_world()
    o = SimpleNamespace(world=w, s=SECRETS)
    o.org_a = w.editor_a.memberships.get().organisation
    o.region = w.region
    o.region_other = RegionFactory(name="Boerde", slug="boerde", districts=[w.district_other])
    o.moderator_other = member(
        Membership.Role.REGIONAL_MODERATOR, region=o.region_other, username="moderator_boerde"
    )

    # properties; prop_a was published two years ago and never confirmed (the freshness list
    # shows it)
    w.prop_a.published_at = timezone.now() - timedelta(days=730)
    w.prop_a.save(update_fields=["published_at"])
    o.prop_a = w.prop_a
    o.draft_a = PropertyFactory(
        title=SECRETS["draft_a"],
        municipality=w.mun_a,
        status=Status.DRAFT,
        published_at=None,
        contact_email=SECRETS["draft_a_mail"],
    )
    o.draft_c = PropertyFactory(  # complete for publishing: the state admin publishes it
        title=SECRETS["draft_c"],
        municipality=w.mun_c,
        status=Status.DRAFT,
        published_at=None,
        complete=True,
    )
    o.photo = PropertyPhoto(property=o.draft_a, alt_text=SECRETS["photo_a"])
    o.photo.image.save("luftbild.jpg", ContentFile(_jpeg()), save=True)
    o.document = PropertyDocument(property=o.draft_a, title=SECRETS["document_a"])
    o.document.file.save("bplan.pdf", ContentFile(PDF), save=True)
    o.plot_a = PropertyFactory(
        title=SECRETS["plot_a"],
        municipality=w.mun_a,
        owner_type="private",
        status=Status.DRAFT,
        published_at=None,
    )
    consent.save_owner(
        w.editor_a,
        o.plot_a,
        SECRETS["plot_owner"],
        SECRETS["plot_owner_mail"],
        "Feldweg 1\n39576 Stendal",
    )

    # places
    def place(name, region, municipality, status, owner_mail, owner_name="Otto Owner"):
        return PlaceFactory(
            name=name,
            pitch="Ein Ort zum Arbeiten",
            region=region,
            municipality=municipality,
            owner_name=owner_name,
            owner_email=owner_mail,
            status=status,
            published_at=timezone.now() if status == PlaceStatus.PUBLISHED else None,
        )

    o.place_a = place(
        SECRETS["place_a"],
        o.region,
        w.mun_a,
        PlaceStatus.SUBMITTED,
        SECRETS["place_a_mail"],
        SECRETS["place_a_owner"],
    )
    o.token = o.place_a.new_owner_token()
    o.place_a.save()
    o.place_pub = place(
        SECRETS["place_pub"], o.region, w.mun_a, PlaceStatus.PUBLISHED, SECRETS["place_pub_mail"]
    )
    o.place_other = place(
        SECRETS["place_other"], o.region_other, w.mun_c, PlaceStatus.SUBMITTED, "boerde@example.org"
    )
    o.update = PendingUpdate.objects.create(
        place=o.place_a, data={"fields": {"pitch": "Neuer Pitch vom Owner"}, "attributes": {}}
    )
    o.held = HeldPhoto(update=o.update, alt_text="Neues Foto vom Owner")
    o.held.image.save("held.jpg", ContentFile(_jpeg()), save=False)
    o.held.save()
    o.update_other = PendingUpdate.objects.create(
        place=o.place_other, data={"fields": {}, "attributes": {}}
    )
    o.held_other = HeldPhoto(update=o.update_other, alt_text="Foto Boerde")
    o.held_other.image.save("held.jpg", ContentFile(_jpeg()), save=False)
    o.held_other.save()
    o.conflict = ImportConflict.objects.create(
        place=o.place_a,
        source="partnernetz",
        data={"name": "Partnerversion", "municipality_ags": w.mun_a.ags},
    )
    # partner feeds (the loopback address is refused by core.fetch: a pull only logs a run)
    o.feed_a = PartnerFeed.objects.create(
        name=SECRETS["feed_a"], url="http://127.0.0.1:9/feed.json", region=o.region
    )
    o.feed_other = PartnerFeed.objects.create(
        name=SECRETS["feed_other"], url="http://127.0.0.1:9/boerde.json", region=o.region_other
    )

    # inquiry to A's organisation, investor case owned by it
    o.inquiry = Inquiry.objects.create(
        name=SECRETS["inquiry_a"],
        email=SECRETS["inquiry_a_mail"],
        message=SECRETS["inquiry_a_text"],
        topic="property",
        property=o.prop_a,
        region=o.region,
        recipient=o.org_a,
    )
    o.case = Case.objects.create(
        company=SECRETS["case_a"],
        contact_email=SECRETS["case_a_mail"],
        sector="Batterien",
        owner=o.org_a,
    )
    # a confidential case of A shared with B's organisation without disclosing the company
    o.org_b = w.editor_b.memberships.get().organisation
    o.case_shared = Case.objects.create(
        company=SECRETS["case_shared"],
        contact_email=SECRETS["case_shared_mail"],
        sector="Zellfertigung",
        owner=o.org_a,
        confidential=True,
    )
    CaseShare.objects.create(case=o.case_shared, organisation=o.org_b, company_disclosed=False)
    # a site offer of that case (its private link is the owner's to copy)
    o.offer = Offer.objects.create(case=o.case_shared, contact=w.editor_a)

    # import job of editor_a, checked and waiting for confirmation (no file is written)
    o.job = ImportJob.objects.create(
        created_by=w.editor_a,
        organisation=o.org_a,
        file="imports/acmatrix-not-written.csv",
        filename=SECRETS["job_a"],
        file_kind="csv",
        headers=["Titel", "Gemeinde"],
        mapping={"Titel": "title", "Gemeinde": "municipality_ags"},
        state=ImportJob.State.PREVIEW,
        counts={"new": 1},
    )
    ImportRow.objects.create(job=o.job, number=1, outcome="new", title=SECRETS["job_a_row"])
    # the moderator's places import of the Altmark, checked (a conflict waits to be kept)
    o.places_job = ImportJob.objects.create(
        target="places",
        created_by=w.moderator,
        file="imports/acmatrix-places-not-written.json",
        filename=SECRETS["job_places"],
        file_kind="kvm",
        options={"region": o.region.pk, "source": "Karte von morgen", "format": "kvm"},
        state=ImportJob.State.PREVIEW,
        counts={"new": 1},
    )
    ImportRow.objects.create(
        job=o.places_job, number=1, outcome="new", title=SECRETS["job_places_row"]
    )

    # guides, contacts, events of the region (drafts: not public)
    o.guide = Guide.objects.create(
        region=o.region,
        slug="entwurf-rueckkehr",
        theme="housing",
        title_de=SECRETS["guide_a"],
        body_de="Interner Text",
        status="draft",
    )
    o.guide_other = Guide.objects.create(
        region=o.region_other,
        slug="entwurf-boerde",
        theme="work",
        title_de=SECRETS["guide_other"],
        body_de="Interner Text",
        status="draft",
    )
    o.contact = Contact.objects.create(
        region=o.region,
        organisation=o.org_a,
        person=SECRETS["contact_a"],
        email=SECRETS["contact_a_mail"],
        topics=["housing"],
        status="draft",
    )
    o.event = Event.objects.create(
        region=o.region,
        title_de=SECRETS["event_a"],
        location="Stendal",
        starts_at=timezone.now() + timedelta(days=10),
        status="draft",
    )

    # official figures of the location profiles: of A, B, C and of A's district
    def figure(source, **subject):
        made = Figure(
            key=FigureKey.TRADE_TAX_RATE,
            value=400,
            as_of=date(2023, 12, 31),
            source=source,
            **subject,
        )
        made.full_clean()
        made.save()
        return made

    o.fig_a = figure(SECRETS["fig_a"], municipality=w.mun_a)
    o.fig_b = figure(SECRETS["fig_b"], municipality=w.mun_b)
    o.fig_c = figure(SECRETS["fig_c"], municipality=w.mun_c)
    o.fig_district = figure(SECRETS["fig_district"], district=w.district_stendal)
    return o


_once_module, objs = once_per_module(build_objs, name="objs")


@pytest.fixture
def world(objs):
    """The module's world is the one in `objs` (the `prignitz` fixture builds beside it)."""
    return objs.world


# --- clients ----------------------------------------------------------------------------------


def client_for(role: str, o) -> Client:
    client = Client(enforce_csrf_checks=True)
    if role == "owner":
        page = client.get(reverse("places:owner", args=[o.token]))
        assert page.status_code == 200 and SECRETS["place_a"] in page.content.decode()
    elif role != "anonymous":
        client.force_login(getattr(o.world, role))
    client.get(reverse("accounts:login"))  # the CSRF cookie, as a browser gets it
    client.csrf = client.cookies["csrftoken"].value
    return client


def send(client: Client, method: str, url: str, data, *, json_body: bool, csrf: bool = True):
    headers = {"HTTP_X_CSRFTOKEN": client.csrf} if csrf else {}
    if method == "GET":
        return client.get(url)
    if json_body:
        return client.generic(
            method, url, json.dumps(data or {}), content_type="application/json", **headers
        )
    if method != "POST":
        raise AssertionError(method)
    return client.post(url, data or {}, **headers)


# --- expectations -----------------------------------------------------------------------------


def roles(
    anonymous=LOGIN, owner=None, editor_a=ALLOW, editor_b=ALLOW, moderator=ALLOW, state_admin=ALLOW
):
    return {
        "anonymous": anonymous,
        "owner": anonymous if owner is None else owner,
        "editor_a": editor_a,
        "editor_b": editor_b,
        "moderator": moderator,
        "state_admin": state_admin,
    }


EVERY_EDITOR = roles()  # any back-office member
SCOPE_A = roles(editor_b=404)  # records of municipality A
SCOPE_C = roles(editor_a=404, editor_b=404, moderator=404)  # records outside the region
MODERATION = roles(editor_a=403, editor_b=403)  # place moderation of the Altmark
MODERATION_OTHER = roles(editor_a=403, editor_b=403, moderator=404)  # ... of another region
REGION_CONTENT = roles(editor_a=404, editor_b=404)  # guides/contacts/events
REGION_CONTENT_OTHER = roles(editor_a=404, editor_b=404, moderator=404)
ORG_A = roles(editor_b=404, moderator=404)  # inquiries/cases of A's organisation
SHARED_WITH_B = roles(moderator=404)  # a case of A shared with B
CREATOR_A = roles(editor_b=404, moderator=404, state_admin=404)  # editor_a's own import job
CREATOR_MODERATOR = roles(editor_a=404, editor_b=404, state_admin=404)  # the moderator's job
STATE_ONLY = roles(editor_a=403, editor_b=403, moderator=403)  # erasure of personal data


def api(default, **per_role):
    expected = dict.fromkeys(ROLES, default)
    expected.update(per_role)
    return expected


PUBLIC = api(200)


def to(role_names, *secret_names):
    """{role: secret names} for hide/show."""
    return dict.fromkeys(role_names, secret_names)


ALL = ROLES
OUTSIDE_A = ("anonymous", "owner", "editor_b")


@dataclass(frozen=True)
class Row:
    key: str  # URL name (back office) or "METHOD /api/path" (API)
    variant: str
    expect: dict
    method: str = "GET"
    args: Callable = lambda o: {}
    query: str = ""
    data: Callable | None = None  # form data / JSON payload
    leaks: tuple = ()  # must not appear in a refused response
    hide: dict = field(default_factory=dict)  # role -> must not appear although allowed
    show: dict = field(default_factory=dict)  # role -> must appear (the page really shows data)
    state: Callable | None = None  # what the request would change
    effective: bool = True  # an allowed request changes ``state``
    multipart: bool = False  # an API row whose body is a form with files, not JSON

    @property
    def is_api(self):
        return self.key.split(" ", 1)[0] in {"GET", "POST", "PATCH", "PUT", "DELETE"}

    def url(self, o) -> str:
        if self.is_api:
            path = self.key.split(" ", 1)[1].format(**self.args(o))
        else:
            path = reverse(self.key, kwargs=self.args(o))
        return path + (f"?{self.query}" if self.query else "")

    def id(self, role=None):
        return f"{self.key}[{self.variant}]" + (f"-{role}" if role else "")


def _fresh(model, pk, *fields):
    """The stored values (None once the record is gone), read past any instance in memory."""
    return model.objects.filter(pk=pk).values_list(*fields).first()


PROPERTY_FORM = {"kind": "plot", "lat": "52.6", "lon": "11.86", "availability": "immediately"}

# --- the back office --------------------------------------------------------------------------

BACK_OFFICE = [
    # properties
    Row(
        "properties:editor_list",
        "list",
        EVERY_EDITOR,
        hide={
            "editor_b": ("draft_a", "plot_a", "draft_c"),
            "editor_a": ("draft_c",),
            "moderator": ("draft_c",),
        },
        show={
            "editor_a": ("draft_a",),
            "moderator": ("draft_a",),
            "state_admin": ("draft_a", "draft_c"),
        },
    ),
    Row(
        "properties:freshness",
        "dashboard",
        EVERY_EDITOR,
        hide={"editor_b": ("prop_a",)},
        show={"editor_a": ("prop_a",), "moderator": ("prop_a",)},
    ),
    Row(
        "properties:consent_list",
        "list",
        EVERY_EDITOR,
        hide={"editor_b": ("plot_a", "plot_owner")},
        show={"editor_a": ("plot_a",), "state_admin": ("plot_a",)},
    ),
    Row(
        "properties:consent_list",
        "ask owner of A by letter",
        roles(editor_b=NOOP),
        method="POST",
        data=lambda o: {"ids": [o.plot_a.pk], "channel": "letter"},
        hide={"editor_b": ("plot_a", "plot_owner")},
        state=lambda o: (
            _fresh(OwnerConsent, o.plot_a.owner_consent.pk, "state"),
            o.plot_a.owner_consent.links.count(),
        ),
    ),
    Row(
        "properties:consent_edit",
        "private plot of A",
        SCOPE_A,
        args=lambda o: {"pk": o.plot_a.pk},
        leaks=("plot_a", "plot_owner", "plot_owner_mail"),
        show={"editor_a": ("plot_owner_mail",)},
    ),
    Row(
        "properties:consent_edit",
        "record consent of A's owner",
        SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.plot_a.pk},
        data=lambda o: {
            "form": "record",
            "state": "granted",
            "responded_on": timezone.localdate().isoformat(),
            "how": "phone",
            "note": "am Telefon",
        },
        leaks=("plot_a", "plot_owner", "plot_owner_mail"),
        state=lambda o: _fresh(OwnerConsent, o.plot_a.owner_consent.pk, "state", "how"),
    ),
    Row("properties:editor_create", "form", EVERY_EDITOR),
    Row(
        "properties:editor_create",
        "create in A",
        roles(editor_b=NOOP),
        method="POST",
        data=lambda o: dict(
            PROPERTY_FORM, title="Neu angelegt in Stendal", municipality=o.world.mun_a.pk
        ),
        state=lambda o: Property.objects.filter(title="Neu angelegt in Stendal").count(),
    ),
    Row(
        "properties:editor_edit",
        "draft of A",
        SCOPE_A,
        args=lambda o: {"pk": o.draft_a.pk},
        leaks=("draft_a", "draft_a_mail", "photo_a", "document_a"),
        show={"editor_a": ("draft_a_mail", "document_a")},
    ),
    Row(
        "properties:editor_edit",
        "draft outside the region",
        SCOPE_C,
        args=lambda o: {"pk": o.draft_c.pk},
        leaks=("draft_c",),
    ),
    Row(
        "properties:editor_edit",
        "edit draft of A",
        SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk},
        data=lambda o: dict(PROPERTY_FORM, title="Uebernommen", municipality=o.world.mun_a.pk),
        leaks=("draft_a", "draft_a_mail"),
        state=lambda o: _fresh(Property, o.draft_a.pk, "title", "updated_at"),
    ),
    Row(
        "properties:editor_edit",
        "edit draft outside the region",
        SCOPE_C,
        method="POST",
        args=lambda o: {"pk": o.draft_c.pk},
        data=lambda o: dict(PROPERTY_FORM, title="Uebernommen", municipality=o.world.mun_c.pk),
        leaks=("draft_c",),
        state=lambda o: _fresh(Property, o.draft_c.pk, "title", "updated_at"),
    ),
    # the editor form's live location facts: computed, never saved
    Row(
        "properties:editor_location_facts_new",
        "facts for a new record in A",
        roles(editor_a=NOOP, editor_b=422, moderator=NOOP, state_admin=NOOP),
        method="POST",
        data=lambda o: {"lat": "52.6", "lon": "11.86", "municipality": o.world.mun_a.pk},
        state=lambda o: Property.objects.count(),
        effective=False,
    ),
    Row(
        "properties:editor_location_facts",
        "facts for a moved point of A's draft",
        roles(editor_a=NOOP, editor_b=404, moderator=NOOP, state_admin=NOOP),
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk},
        data=lambda o: {"lat": "52.61", "lon": "11.87", "municipality": o.world.mun_a.pk},
        leaks=("draft_a", "draft_a_mail"),
        state=lambda o: _fresh(Property, o.draft_a.pk, "lat", "lon", "updated_at"),
        effective=False,
    ),
    Row(
        "properties:editor_location_facts",
        "facts for a draft outside the region",
        roles(editor_a=404, editor_b=404, moderator=404, state_admin=NOOP),
        method="POST",
        args=lambda o: {"pk": o.draft_c.pk},
        data=lambda o: {"lat": "52.3", "lon": "11.4", "municipality": o.world.mun_c.pk},
        leaks=("draft_c",),
        state=lambda o: _fresh(Property, o.draft_c.pk, "lat", "lon", "updated_at"),
        effective=False,
    ),
    Row(
        "properties:editor_history",
        "draft of A",
        SCOPE_A,
        args=lambda o: {"pk": o.draft_a.pk},
        leaks=("draft_a", "draft_a_mail"),
    ),
    Row(
        "properties:editor_action",
        "archive draft of A",
        SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk, "action": "archive"},
        leaks=("draft_a",),
        state=lambda o: _fresh(Property, o.draft_a.pk, "status"),
    ),
    Row(
        "properties:editor_action",
        "confirm published of A",
        SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.prop_a.pk, "action": "confirm"},
        state=lambda o: _fresh(Property, o.prop_a.pk, "verified_on"),
    ),
    Row(
        "properties:editor_action",
        "publish draft of A below the gate, with a reason",
        roles(editor_a=403, editor_b=404),  # only moderators may override the gate
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk, "action": "publish"},
        data=lambda o: {"override_reason": "Fotos folgen"},
        leaks=("draft_a",),
        state=lambda o: _fresh(Property, o.draft_a.pk, "status"),
    ),
    Row(
        "properties:editor_confirm_many",
        "confirm published of A in bulk",
        roles(editor_b=NOOP),
        method="POST",
        data=lambda o: {"pk": [o.prop_a.pk]},
        hide={"editor_b": ("prop_a",)},
        state=lambda o: _fresh(Property, o.prop_a.pk, "verified_on"),
    ),
    Row(
        "properties:editor_action",
        "archive draft outside the region",
        SCOPE_C,
        method="POST",
        args=lambda o: {"pk": o.draft_c.pk, "action": "archive"},
        leaks=("draft_c",),
        state=lambda o: _fresh(Property, o.draft_c.pk, "status"),
    ),
    Row(
        "properties:editor_photo_add",
        "draft of A",
        SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk},
        data=lambda o: {
            "image": SimpleUploadedFile("neu.jpg", _jpeg(), "image/jpeg"),
            "alt_text": "Neues Foto",
        },
        leaks=("draft_a", "photo_a"),
        state=lambda o: o.draft_a.photos.count(),
    ),
    Row(
        "properties:editor_photo_delete",
        "photo of A",
        SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk, "photo_pk": o.photo.pk},
        leaks=("draft_a", "photo_a"),
        state=lambda o: PropertyPhoto.objects.filter(pk=o.photo.pk).count(),
    ),
    Row(
        "properties:editor_document_add",
        "draft of A",
        SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk},
        data=lambda o: {
            "file": SimpleUploadedFile("neu.pdf", PDF, "application/pdf"),
            "title": "Neues Dokument",
        },
        leaks=("draft_a", "document_a"),
        state=lambda o: o.draft_a.documents.count(),
    ),
    Row(
        "properties:editor_document_delete",
        "document of A",
        SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk, "document_pk": o.document.pk},
        leaks=("draft_a", "document_a"),
        state=lambda o: PropertyDocument.objects.filter(pk=o.document.pk).count(),
    ),
    # places (moderation by the region's moderators)
    Row(
        "places:queue",
        "queue",
        MODERATION,
        leaks=("place_a", "place_other"),
        hide={"moderator": ("place_other",)},
        show={"moderator": ("place_a",), "state_admin": ("place_a", "place_other")},
    ),
    Row("places:import", "to the upload form", MODERATION),
    Row(
        "places:feed_list",
        "partner feeds",
        MODERATION,
        leaks=("feed_a", "feed_other"),
        hide={"moderator": ("feed_other",)},
        show={"moderator": ("feed_a",), "state_admin": ("feed_a", "feed_other")},
    ),
    Row("places:feed_create", "new feed form", MODERATION),
    Row(
        "places:feed_create",
        "create a feed",
        MODERATION,
        method="POST",
        data=lambda o: {
            "name": "Neuer Partner",
            "region": o.region.pk,
            "format": "auto",
            "row-TOTAL_FORMS": "0",
            "row-INITIAL_FORMS": "0",
        },
        state=lambda o: PartnerFeed.objects.count(),
    ),
    Row(
        "places:feed_edit",
        "Altmark feed",
        MODERATION,
        args=lambda o: {"pk": o.feed_a.pk},
        leaks=("feed_a",),
        show={"moderator": ("feed_a",)},
    ),
    Row(
        "places:feed_edit",
        "feed of another region",
        MODERATION_OTHER,
        args=lambda o: {"pk": o.feed_other.pk},
        leaks=("feed_other",),
    ),
    Row(
        "places:feed_edit",
        "rename the Altmark feed",
        MODERATION,
        method="POST",
        args=lambda o: {"pk": o.feed_a.pk},
        data=lambda o: {
            "name": "Umbenannt",
            "region": o.region.pk,
            "format": "auto",
            "row-TOTAL_FORMS": "0",
            "row-INITIAL_FORMS": "0",
        },
        leaks=("feed_a",),
        state=lambda o: _fresh(PartnerFeed, o.feed_a.pk, "name"),
    ),
    Row(
        "places:feed_edit",
        "rename a feed of another region",
        MODERATION_OTHER,
        method="POST",
        args=lambda o: {"pk": o.feed_other.pk},
        data=lambda o: {
            "name": "Umbenannt",
            "region": o.region_other.pk,
            "format": "auto",
            "row-TOTAL_FORMS": "0",
            "row-INITIAL_FORMS": "0",
        },
        leaks=("feed_other",),
        state=lambda o: _fresh(PartnerFeed, o.feed_other.pk, "name"),
    ),
    Row(
        "places:feed_pull",
        "pull the Altmark feed",
        MODERATION,
        method="POST",
        args=lambda o: {"pk": o.feed_a.pk},
        state=lambda o: FeedRun.objects.filter(feed=o.feed_a).count(),
    ),
    Row(
        "places:feed_pull",
        "pull a feed of another region",
        MODERATION_OTHER,
        method="POST",
        args=lambda o: {"pk": o.feed_other.pk},
        state=lambda o: FeedRun.objects.filter(feed=o.feed_other).count(),
    ),
    Row("places:feed_history", "Altmark feed", MODERATION, args=lambda o: {"pk": o.feed_a.pk}),
    Row(
        "places:feed_history",
        "feed of another region",
        MODERATION_OTHER,
        args=lambda o: {"pk": o.feed_other.pk},
        leaks=("feed_other",),
    ),
    Row("places:region_settings", "Altmark", MODERATION, args=lambda o: {"slug": "altmark"}),
    Row(
        "places:region_settings",
        "other region",
        MODERATION_OTHER,
        args=lambda o: {"slug": "boerde"},
    ),
    Row(
        "places:region_settings",
        "change Altmark",
        MODERATION,
        method="POST",
        args=lambda o: {"slug": "altmark"},
        data=lambda o: {
            "intro_de": "Uebernommen",
            "confirm_every_days": 365,
            "confirm_grace_days": 30,
        },
        state=lambda o: RegionSettings.for_region(o.region).intro_de,
    ),
    Row(
        "places:review",
        "place in the Altmark",
        MODERATION,
        args=lambda o: {"pk": o.place_a.pk},
        leaks=("place_a", "place_a_owner", "place_a_mail"),
        show={"moderator": ("place_a_mail",)},
    ),
    Row(
        "places:review",
        "place of another region",
        MODERATION_OTHER,
        args=lambda o: {"pk": o.place_other.pk},
        leaks=("place_other",),
    ),
    Row(
        "places:review",
        "start review",
        MODERATION,
        method="POST",
        args=lambda o: {"pk": o.place_a.pk},
        data=lambda o: {"action": "in_review", "message": ""},
        leaks=("place_a", "place_a_mail"),
        state=lambda o: _fresh(Place, o.place_a.pk, "status"),
    ),
    Row(
        "places:review",
        "start review in another region",
        MODERATION_OTHER,
        method="POST",
        args=lambda o: {"pk": o.place_other.pk},
        data=lambda o: {"action": "in_review", "message": ""},
        leaks=("place_other",),
        state=lambda o: _fresh(Place, o.place_other.pk, "status"),
    ),
    Row(
        "places:review_trust",
        "trust owner",
        MODERATION,
        method="POST",
        args=lambda o: {"pk": o.place_a.pk},
        data=lambda o: {"trusted": "1"},
        leaks=("place_a",),
        state=lambda o: _fresh(Place, o.place_a.pk, "owner_trusted"),
    ),
    Row(
        "places:review_rotate",
        "new owner link",
        MODERATION,
        method="POST",
        args=lambda o: {"pk": o.place_a.pk},
        leaks=("place_a",),
        state=lambda o: sorted(o.place_a.owner_links.valid().values_list("token_hash", flat=True)),
    ),
    Row(
        "places:review_update",
        "accept owner's update",
        MODERATION,
        method="POST",
        args=lambda o: {"pk": o.place_a.pk, "update_pk": o.update.pk},
        data=lambda o: {"decision": "accept"},
        leaks=("place_a",),
        state=lambda o: (
            PendingUpdate.objects.filter(pk=o.update.pk).exists(),
            _fresh(Place, o.place_a.pk, "pitch"),
        ),
    ),
    Row(
        "places:review_update",
        "accept some fields of the owner's update",
        MODERATION,
        method="POST",
        args=lambda o: {"pk": o.place_a.pk, "update_pk": o.update.pk},
        data=lambda o: {"decision": "accept", "partial": "1", "changes": ["pitch"]},
        leaks=("place_a",),
        state=lambda o: (
            PendingUpdate.objects.filter(pk=o.update.pk).exists(),
            _fresh(Place, o.place_a.pk, "pitch"),
        ),
    ),
    Row(
        "places:review_update",
        "accept a held photo in another region",
        MODERATION_OTHER,
        method="POST",
        args=lambda o: {"pk": o.place_other.pk, "update_pk": o.update_other.pk},
        data=lambda o: {"decision": "accept", "partial": "1", "photos": [str(o.held_other.pk)]},
        leaks=("place_other",),
        state=lambda o: (
            PendingUpdate.objects.filter(pk=o.update_other.pk).exists(),
            o.place_other.photos.count(),
        ),
    ),
    Row(
        "places:review_message",
        "message to the owner",
        MODERATION,
        method="POST",
        args=lambda o: {"pk": o.place_a.pk},
        data=lambda o: {"message": "Eine Frage der Redaktion"},
        leaks=("place_a", "place_a_mail"),
        state=lambda o: o.place_a.transitions.filter(kind="question").count(),
    ),
    Row(
        "places:review_message",
        "message to the owner in another region",
        MODERATION_OTHER,
        method="POST",
        args=lambda o: {"pk": o.place_other.pk},
        data=lambda o: {"message": "Eine Frage der Redaktion"},
        leaks=("place_other",),
        state=lambda o: o.place_other.transitions.filter(kind="question").count(),
    ),
    Row(
        "places:review_held_photo",
        "held photo of an owner's update",
        MODERATION,
        args=lambda o: {"pk": o.place_a.pk, "photo_pk": o.held.pk},
    ),
    Row(
        "places:review_held_photo",
        "held photo in another region",
        MODERATION_OTHER,
        args=lambda o: {"pk": o.place_other.pk, "photo_pk": o.held_other.pk},
    ),
    Row(
        "places:review_held_photo",
        "held photo through another place",
        roles(editor_a=403, editor_b=403, moderator=404, state_admin=404),
        args=lambda o: {"pk": o.place_a.pk, "photo_pk": o.held_other.pk},
    ),
    Row(
        "places:review_conflict",
        "keep local version",
        MODERATION,
        method="POST",
        args=lambda o: {"pk": o.place_a.pk, "conflict_pk": o.conflict.pk},
        data=lambda o: {"decision": "local"},
        leaks=("place_a",),
        state=lambda o: _fresh(ImportConflict, o.conflict.pk, "resolved", "place__import_hash"),
    ),
    # inquiries (the receiving organisation; state admins)
    Row(
        "inquiries:inbox",
        "inbox",
        EVERY_EDITOR,
        hide=to(("editor_b", "moderator"), "inquiry_a", "inquiry_a_mail"),
        show={"editor_a": ("inquiry_a",), "state_admin": ("inquiry_a",)},
    ),
    # data subject rights: the export for every editor (what they may see), erasure for state admins
    Row("privacy:export", "form", EVERY_EDITOR),
    Row(
        "privacy:export",
        "export about an inquirer of A",
        EVERY_EDITOR,
        method="POST",
        data=lambda o: {"email": SECRETS["inquiry_a_mail"], "format": "json"},
        hide=to(("editor_b", "moderator"), "inquiry_a", "inquiry_a_text"),
        show={"editor_a": ("inquiry_a", "inquiry_a_text"), "state_admin": ("inquiry_a",)},
    ),
    Row(
        "privacy:export",
        "export about a case contact of A",
        EVERY_EDITOR,
        method="POST",
        data=lambda o: {"email": SECRETS["case_a_mail"], "format": "json"},
        hide=to(("editor_b", "moderator"), "case_a"),
        show={"editor_a": ("case_a",), "state_admin": ("case_a",)},
    ),
    Row("privacy:erase", "form", STATE_ONLY),
    Row(
        "privacy:erase",
        "what erasing an inquirer of A would do (changes nothing)",
        roles(editor_a=403, editor_b=403, moderator=403, state_admin=NOOP),
        method="POST",
        data=lambda o: {"email": SECRETS["inquiry_a_mail"]},
        leaks=("inquiry_a", "inquiry_a_text"),
        state=lambda o: _fresh(Inquiry, o.inquiry.pk, "name", "email"),
        effective=False,
    ),
    Row(
        "privacy:erase",
        "erase an inquirer of A",
        STATE_ONLY,
        method="POST",
        data=lambda o: {"email": SECRETS["inquiry_a_mail"], "confirm": "yes"},
        leaks=("inquiry_a", "inquiry_a_text"),
        state=lambda o: _fresh(Inquiry, o.inquiry.pk, "name", "email"),
    ),
    Row("privacy:erasures", "erasure records", STATE_ONLY),
    Row("agency_overview", "regions and states", STATE_ONLY),
    Row(
        "inquiries:detail",
        "inquiry to A",
        ORG_A,
        args=lambda o: {"pk": o.inquiry.pk},
        leaks=("inquiry_a", "inquiry_a_mail", "inquiry_a_text"),
        show={"editor_a": ("inquiry_a_text",)},
    ),
    Row(
        "inquiries:detail",
        "close inquiry to A",
        ORG_A,
        method="POST",
        args=lambda o: {"pk": o.inquiry.pk},
        data=lambda o: {"action": "status", "status": "closed"},
        leaks=("inquiry_a", "inquiry_a_mail"),
        state=lambda o: _fresh(Inquiry, o.inquiry.pk, "status", "closed_at"),
    ),
    Row(
        "inquiries:detail",
        "answer inquiry to A",
        ORG_A,
        method="POST",
        args=lambda o: {"pk": o.inquiry.pk},
        data=lambda o: {"action": "answer", "text": "Antwort"},
        leaks=("inquiry_a", "inquiry_a_mail"),
        state=lambda o: (_fresh(Inquiry, o.inquiry.pk, "status"), o.inquiry.notes.count()),
    ),
    # investor cases (owning organisation; state admins)
    Row(
        "cases:board",
        "board",
        EVERY_EDITOR,
        hide={"editor_b": ("case_a", "case_shared"), "moderator": ("case_a", "case_shared")},
        show={"editor_a": ("case_a", "case_shared"), "state_admin": ("case_a",)},
    ),
    Row(
        "cases:board",
        "csv export",
        EVERY_EDITOR,
        query="format=csv",
        hide={"editor_b": ("case_a", "case_shared"), "moderator": ("case_a", "case_shared")},
        show={"editor_a": ("case_a", "case_shared")},
    ),
    Row("cases:create", "form", EVERY_EDITOR),
    Row(
        "cases:create",
        "case for A's organisation",
        roles(editor_b=NOOP, moderator=NOOP),
        method="POST",
        data=lambda o: {"company": "Neuansiedlung Test AG", "source": "fair", "owner": o.org_a.pk},
        state=lambda o: Case.objects.filter(company="Neuansiedlung Test AG").count(),
    ),
    Row(
        "cases:detail",
        "case of A",
        ORG_A,
        args=lambda o: {"pk": o.case.pk},
        leaks=("case_a", "case_a_mail"),
        show={"editor_a": ("case_a_mail",)},
    ),
    Row(
        "cases:detail",
        "confidential case shared with B",
        SHARED_WITH_B,
        args=lambda o: {"pk": o.case_shared.pk},
        leaks=("case_shared", "case_shared_mail"),
        hide={"editor_b": ("case_shared", "case_shared_mail")},
        show={"editor_a": ("case_shared", "case_shared_mail"), "state_admin": ("case_shared",)},
    ),
    Row(
        "cases:detail",
        "sharer changes stage of confidential case",
        roles(editor_b=403, moderator=404),
        method="POST",
        args=lambda o: {"pk": o.case_shared.pk},
        data=lambda o: {"action": "stage", "stage": "lost", "lost_reason": "x"},
        leaks=("case_shared", "case_shared_mail"),
        state=lambda o: _fresh(Case, o.case_shared.pk, "stage"),
    ),
    # the owner may edit, but not hand the case to an organisation it does not belong to
    Row(
        "cases:detail",
        "edit and give case to B",
        roles(editor_a=NOOP, editor_b=403, moderator=404),
        method="POST",
        args=lambda o: {"pk": o.case_shared.pk},
        data=lambda o: {
            "action": "edit",
            "company": "Uebernommen",
            "source": "fair",
            "owner": o.org_b.pk,
        },
        leaks=("case_shared", "case_shared_mail"),
        state=lambda o: _fresh(Case, o.case_shared.pk, "company", "owner", "confidential"),
    ),
    Row(
        "cases:detail",
        "change stage",
        ORG_A,
        method="POST",
        args=lambda o: {"pk": o.case.pk},
        data=lambda o: {"action": "stage", "stage": "qualified", "lost_reason": ""},
        leaks=("case_a", "case_a_mail"),
        state=lambda o: _fresh(Case, o.case.pk, "stage"),
    ),
    Row(
        "cases:detail",
        "add task",
        ORG_A,
        method="POST",
        args=lambda o: {"pk": o.case.pk},
        data=lambda o: {"action": "task", "title": "Rueckruf"},
        leaks=("case_a",),
        state=lambda o: o.case.tasks.count(),
    ),
    # site offers of a case: made and managed by the owning organisation only
    Row(
        "cases:offer_create",
        "form for an offer of the shared case",
        roles(editor_b=403, moderator=404),
        args=lambda o: {"pk": o.case_shared.pk},
        leaks=("case_shared", "case_shared_mail"),
        show={"editor_a": ("case_shared", "case_shared_mail")},
    ),
    Row(
        "cases:offer_create",
        "send an offer for A's case",
        ORG_A,
        method="POST",
        args=lambda o: {"pk": o.case.pk},
        data=lambda o: {
            "action": "send",
            "properties": [str(o.prop_a.pk)],
            "language": "en",
            "contact": str(o.offer.contact_id),
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
        leaks=("case_a", "case_a_mail"),
        state=lambda o: Offer.objects.filter(case=o.case).count(),
    ),
    Row(
        "cases:offer_manage",
        "offer of the shared case",
        roles(editor_b=403, moderator=404),
        args=lambda o: {"pk": o.case_shared.pk, "offer_pk": o.offer.pk},
        leaks=("case_shared", "case_shared_mail"),
        show={"editor_a": ("case_shared",)},
    ),
    Row(
        "cases:offer_manage",
        "revoke the offer of the shared case",
        roles(editor_b=403, moderator=404),
        method="POST",
        args=lambda o: {"pk": o.case_shared.pk, "offer_pk": o.offer.pk},
        data=lambda o: {"action": "revoke"},
        leaks=("case_shared", "case_shared_mail"),
        state=lambda o: _fresh(Offer, o.offer.pk, "revoked_at"),
    ),
    # bulk import (the user's own jobs)
    Row(
        "exchange:start",
        "upload form and own jobs",
        EVERY_EDITOR,
        hide=to(("editor_b", "moderator", "state_admin"), "job_a"),
        show={"editor_a": ("job_a",)},
    ),
    Row(
        "exchange:start_target",
        "places upload form and own jobs",
        MODERATION,
        args=lambda o: {"target": "places"},
        hide=to(("state_admin",), "job_places"),
        show={"moderator": ("job_places",)},
    ),
    Row(
        "exchange:job",
        "places job of the moderator",
        CREATOR_MODERATOR,
        args=lambda o: {"job_id": o.places_job.pk},
        leaks=("job_places", "job_places_row"),
        show={"moderator": ("job_places", "job_places_row")},
    ),
    Row(
        "exchange:report",
        "places job of the moderator",
        CREATOR_MODERATOR,
        args=lambda o: {"job_id": o.places_job.pk},
        leaks=("job_places_row",),
        show={"moderator": ("job_places_row",)},
    ),
    Row(
        "exchange:discard",
        "places job of the moderator",
        CREATOR_MODERATOR,
        method="POST",
        args=lambda o: {"job_id": o.places_job.pk},
        leaks=("job_places",),
        state=lambda o: _fresh(ImportJob, o.places_job.pk, "state"),
    ),
    Row("exchange:template", "csv", EVERY_EDITOR, args=lambda o: {"fmt": "csv"}),
    Row("exchange:columns", "columns", EVERY_EDITOR),
    Row(
        "exchange:job",
        "job of editor_a",
        CREATOR_A,
        args=lambda o: {"job_id": o.job.pk},
        leaks=("job_a", "job_a_row"),
        show={"editor_a": ("job_a", "job_a_row")},
    ),
    Row(
        "exchange:progress",
        "job of editor_a",
        CREATOR_A,
        args=lambda o: {"job_id": o.job.pk},
        leaks=("job_a",),
    ),
    Row(
        "exchange:report",
        "job of editor_a",
        CREATOR_A,
        args=lambda o: {"job_id": o.job.pk},
        leaks=("job_a_row",),
        show={"editor_a": ("job_a_row",)},
    ),
    Row(
        "exchange:mapping",
        "job of editor_a",
        CREATOR_A,
        method="POST",
        args=lambda o: {"job_id": o.job.pk},
        data=lambda o: {"col_0": "title", "col_1": "municipality_ags"},
        leaks=("job_a",),
        state=lambda o: _fresh(ImportJob, o.job.pk, "state", "counts"),
    ),
    Row(
        "exchange:mapping_checks",
        "job of editor_a (a read: nothing is saved)",
        roles(editor_a=NOOP, editor_b=404, moderator=404, state_admin=404),
        method="POST",
        args=lambda o: {"job_id": o.job.pk},
        data=lambda o: {"col_0": "title", "col_1": "title"},
        leaks=("job_a",),
        state=lambda o: _fresh(ImportJob, o.job.pk, "mapping", "crs", "state"),
        effective=False,
    ),
    Row(
        "exchange:confirm",
        "job of editor_a",
        CREATOR_A,
        method="POST",
        args=lambda o: {"job_id": o.job.pk},
        leaks=("job_a",),
        state=lambda o: _fresh(ImportJob, o.job.pk, "state"),
    ),
    Row(
        "exchange:discard",
        "job of editor_a",
        CREATOR_A,
        method="POST",
        args=lambda o: {"job_id": o.job.pk},
        leaks=("job_a",),
        state=lambda o: _fresh(ImportJob, o.job.pk, "state"),
    ),
    # guides, contacts, events (regional moderators; state admins)
    Row(
        "guides:editor_list",
        "list",
        EVERY_EDITOR,
        hide={
            **to(("editor_a", "editor_b"), "guide_a", "contact_a", "event_a", "guide_other"),
            "moderator": ("guide_other",),
        },
        show={
            "moderator": ("guide_a", "contact_a", "event_a"),
            "state_admin": ("guide_a", "guide_other"),
        },
    ),
    Row("guides:editor_create", "guide", REGION_CONTENT, args=lambda o: {"kind": "seiten"}),
    Row("guides:editor_create", "contact", REGION_CONTENT, args=lambda o: {"kind": "kontakte"}),
    Row(
        "guides:editor_create",
        "event",
        REGION_CONTENT,
        args=lambda o: {"kind": "termine"},
        hide={"moderator": ("place_other",)},
    ),
    Row(
        "guides:editor_create",
        "create guide",
        REGION_CONTENT,
        method="POST",
        args=lambda o: {"kind": "seiten"},
        data=lambda o: {
            "region": o.region.pk,
            "slug": "neu-angelegt",
            "theme": "work",
            "title_de": "Neu angelegt",
            "body_de": "Text",
            "status": "draft",
        },
        state=lambda o: Guide.objects.filter(slug="neu-angelegt").count(),
    ),
    Row(
        "guides:editor_edit",
        "guide of the Altmark",
        REGION_CONTENT,
        args=lambda o: {"kind": "seiten", "pk": o.guide.pk},
        leaks=("guide_a",),
        show={"moderator": ("guide_a",)},
    ),
    Row(
        "guides:editor_edit",
        "guide of another region",
        REGION_CONTENT_OTHER,
        args=lambda o: {"kind": "seiten", "pk": o.guide_other.pk},
        leaks=("guide_other",),
    ),
    Row(
        "guides:editor_edit",
        "contact of the Altmark",
        REGION_CONTENT,
        args=lambda o: {"kind": "kontakte", "pk": o.contact.pk},
        leaks=("contact_a", "contact_a_mail"),
    ),
    Row(
        "guides:editor_edit",
        "event of the Altmark",
        REGION_CONTENT,
        args=lambda o: {"kind": "termine", "pk": o.event.pk},
        leaks=("event_a",),
        hide={"moderator": ("place_other",)},
    ),
    Row(
        "guides:editor_edit",
        "edit guide of the Altmark",
        REGION_CONTENT,
        method="POST",
        args=lambda o: {"kind": "seiten", "pk": o.guide.pk},
        data=lambda o: {
            "region": o.region.pk,
            "slug": o.guide.slug,
            "theme": "housing",
            "title_de": "Uebernommen",
            "body_de": "Text",
            "status": "published",
        },
        leaks=("guide_a",),
        state=lambda o: _fresh(Guide, o.guide.pk, "title_de", "status"),
    ),
    Row(
        "guides:editor_edit",
        "edit guide of another region",
        REGION_CONTENT_OTHER,
        method="POST",
        args=lambda o: {"kind": "seiten", "pk": o.guide_other.pk},
        data=lambda o: {
            "region": o.region.pk,
            "slug": o.guide_other.slug,
            "theme": "work",
            "title_de": "Uebernommen",
            "body_de": "Text",
            "status": "published",
        },
        leaks=("guide_other",),
        state=lambda o: _fresh(Guide, o.guide_other.pk, "title_de", "status", "region"),
    ),
    Row(
        "guides:editor_edit",
        "edit event of the Altmark",
        REGION_CONTENT,
        method="POST",
        args=lambda o: {"kind": "termine", "pk": o.event.pk},
        data=lambda o: {
            "region": o.region.pk,
            "title_de": "Uebernommen",
            "location": "Stendal",
            "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "status": "published",
        },
        leaks=("event_a",),
        state=lambda o: _fresh(Event, o.event.pk, "title_de", "status"),
    ),
    # reach
    Row(
        "reach:dashboard",
        "dashboard",
        EVERY_EDITOR,
        hide={"editor_b": ("prop_a",)},
        show={"editor_a": ("prop_a",)},
    ),
    Row("reach:qr", "form", EVERY_EDITOR),
    # location data (profiles): a municipality's figures as its records; a district's for the
    # moderators of its region and state admins
    Row(
        "profiles:editor_list",
        "list",
        EVERY_EDITOR,
        hide={
            "editor_a": ("fig_b", "fig_c", "fig_district"),
            "editor_b": ("fig_a", "fig_c", "fig_district"),
            "moderator": ("fig_c",),
        },
        show={
            "editor_a": ("fig_a",),
            "editor_b": ("fig_b",),
            "moderator": ("fig_a", "fig_b", "fig_district"),
            "state_admin": ("fig_c",),
        },
    ),
    Row(
        "profiles:editor_edit",
        "figure of A",
        SCOPE_A,
        args=lambda o: {"pk": o.fig_a.pk},
        leaks=("fig_a",),
        show={"editor_a": ("fig_a",)},
    ),
    Row(
        "profiles:editor_edit",
        "change figure of A",
        SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.fig_a.pk},
        data=lambda o: {
            "municipality": o.world.mun_a.pk,
            "key": "trade_tax_rate_pct",
            "value": "395",
            "as_of": "2023-12-31",
            "source": "Haushaltssatzung 2024",
        },
        leaks=("fig_a",),
        state=lambda o: _fresh(Figure, o.fig_a.pk, "value", "source"),
    ),
    Row(
        "profiles:editor_edit",
        "figure outside the region",
        SCOPE_C,
        args=lambda o: {"pk": o.fig_c.pk},
        leaks=("fig_c",),
    ),
    Row(
        "profiles:editor_edit",
        "figure of A's district",
        roles(editor_a=404, editor_b=404),
        args=lambda o: {"pk": o.fig_district.pk},
        leaks=("fig_district",),
    ),
    Row("profiles:editor_new", "form", EVERY_EDITOR),
    Row(
        "profiles:editor_new",
        "create in A",
        roles(editor_b=NOOP),
        method="POST",
        data=lambda o: {
            "municipality": o.world.mun_a.pk,
            "key": "area_km2",
            "value": "268,0",
            "as_of": "2023-12-31",
            "source": "Neu angelegt Stendal Flaeche",
        },
        state=lambda o: Figure.objects.filter(source="Neu angelegt Stendal Flaeche").count(),
    ),
    Row("profiles:editor_import", "form", EVERY_EDITOR),
    Row(
        "profiles:editor_import",
        "preview of a table",
        EVERY_EDITOR,
        method="POST",
        data=lambda o: {
            "file": SimpleUploadedFile(
                "bevoelkerung.csv",
                b";;Bev\xf6lkerung\n31.12.2023;;\n15090535;Stendal;39.127\n15081135;Gardelegen;22.095\n",
                content_type="text/csv",
            ),
            "key": "population",
            "source": "Statistisches Landesamt",
        },
        state=lambda o: Figure.objects.count(),
        effective=False,  # a preview writes nothing
    ),
    Row(
        "profiles:editor_import_confirm",
        "confirm without a checked file",
        roles(editor_a=NOOP, editor_b=NOOP, moderator=NOOP, state_admin=NOOP),
        method="POST",
        state=lambda o: Figure.objects.count(),
        effective=False,  # nothing was checked in this session: back to the upload
    ),
]

# Real access-control bugs found by this matrix: (row id, role) -> reason. Marked xfail(strict).
KNOWN_BUGS: dict = {}  # all found bugs are fixed; add (row id, role) -> reason to mark new ones


def _with_marks(row, role):
    reason = KNOWN_BUGS.get((row.id(), role))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(row, role, id=row.id(role), marks=marks)


# --- the API ----------------------------------------------------------------------------------

WRITE_A = api(401, editor_a=200, editor_b=404, moderator=200, state_admin=200)  # a draft of A
WRITE_A_PUBLISHED = api(401, editor_a=200, editor_b=403, moderator=200, state_admin=200)
WRITE_C = api(
    401, editor_a=404, editor_b=404, moderator=404, state_admin=200
)  # a draft outside the region
SESSION = api(401, editor_a=200, editor_b=200, moderator=200, state_admin=200)
UNPUBLISHED_PLACES = ("place_a", "place_a_mail", "place_a_owner", "place_other", "place_pub_mail")

API = [
    Row(
        "GET /api/properties",
        "search",
        PUBLIC,
        hide=to(ALL, "draft_a", "plot_a", "draft_c"),
        show=to(ALL, "prop_a"),
    ),
    Row(
        "GET /api/properties.geojson",
        "map",
        PUBLIC,
        hide=to(ALL, "draft_a", "plot_a", "draft_c"),
        show=to(ALL, "prop_a"),
    ),
    Row(
        "GET /api/properties/clusters",
        "map clusters",
        PUBLIC,
        query="zoom=20",
        hide=to(ALL, "draft_a", "plot_a", "draft_c"),
        show=to(ALL, "prop_a"),
    ),
    Row(
        "GET /api/properties/{pk}",
        "published of A",
        PUBLIC,
        args=lambda o: {"pk": o.prop_a.pk},
        show=to(ALL, "prop_a"),
    ),
    Row(
        "GET /api/properties/{pk}",
        "draft of A",
        api(404, editor_a=200, moderator=200, state_admin=200),
        args=lambda o: {"pk": o.draft_a.pk},
        leaks=("draft_a", "draft_a_mail"),
        show={"editor_a": ("draft_a_mail",)},
    ),
    Row(
        "GET /api/properties/{pk}",
        "draft outside the region",
        api(404, state_admin=200),
        args=lambda o: {"pk": o.draft_c.pk},
        leaks=("draft_c",),
    ),
    Row(
        "POST /api/properties",
        "create in A",
        api(401, editor_a=201, editor_b=422, moderator=201, state_admin=201),
        method="POST",
        data=lambda o: {
            "title": "Per API in Stendal",
            "municipality": o.world.mun_a.pk,
            "lat": 52.6,
            "lon": 11.86,
        },
        state=lambda o: Property.objects.filter(title="Per API in Stendal").count(),
    ),
    Row(
        "PATCH /api/properties/{pk}",
        "draft of A",
        WRITE_A,
        method="PATCH",
        args=lambda o: {"pk": o.draft_a.pk},
        data=lambda o: {"title": "Per API geaendert"},
        leaks=("draft_a", "draft_a_mail"),
        state=lambda o: _fresh(Property, o.draft_a.pk, "title"),
    ),
    Row(
        "PATCH /api/properties/{pk}",
        "published of A",
        WRITE_A_PUBLISHED,
        method="PATCH",
        args=lambda o: {"pk": o.prop_a.pk},
        data=lambda o: {"title": "Per API geaendert"},
        state=lambda o: _fresh(Property, o.prop_a.pk, "title"),
    ),
    Row(
        "PATCH /api/properties/{pk}",
        "draft outside the region",
        WRITE_C,
        method="PATCH",
        args=lambda o: {"pk": o.draft_c.pk},
        data=lambda o: {"title": "Per API geaendert"},
        leaks=("draft_c",),
        state=lambda o: _fresh(Property, o.draft_c.pk, "title"),
    ),
    Row(
        "PATCH /api/properties/{pk}",
        "move own draft to B",
        api(401, editor_a=422, editor_b=404, moderator=200, state_admin=200),
        method="PATCH",
        args=lambda o: {"pk": o.draft_a.pk},
        data=lambda o: {"municipality": o.world.mun_b.pk},
        leaks=("draft_a",),
        state=lambda o: _fresh(Property, o.draft_a.pk, "municipality"),
    ),
    Row(
        "POST /api/properties/{pk}/{action}",
        "archive draft of A",
        WRITE_A,
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk, "action": "archive"},
        leaks=("draft_a", "draft_a_mail"),
        state=lambda o: _fresh(Property, o.draft_a.pk, "status"),
    ),
    Row(
        "POST /api/properties/{pk}/{action}",
        "archive published of A",
        WRITE_A_PUBLISHED,
        method="POST",
        args=lambda o: {"pk": o.prop_a.pk, "action": "archive"},
        state=lambda o: _fresh(Property, o.prop_a.pk, "status"),
    ),
    Row(
        "POST /api/properties/{pk}/{action}",
        "publish draft outside the region",
        WRITE_C,
        method="POST",
        args=lambda o: {"pk": o.draft_c.pk, "action": "publish"},
        leaks=("draft_c",),
        state=lambda o: _fresh(Property, o.draft_c.pk, "status"),
    ),
    Row(
        "GET /api/properties/{pk}/photos",
        "published of A",
        PUBLIC,
        args=lambda o: {"pk": o.prop_a.pk},
    ),
    Row(
        "GET /api/properties/{pk}/photos",
        "draft of A",
        api(404, editor_a=200, moderator=200, state_admin=200),
        args=lambda o: {"pk": o.draft_a.pk},
        leaks=("draft_a", "photo_a"),
        show={"editor_a": ("photo_a",)},
    ),
    Row(
        "POST /api/properties/{pk}/photos",
        "draft of A",
        api(401, editor_a=201, editor_b=404, moderator=201, state_admin=201),
        method="POST",
        multipart=True,
        args=lambda o: {"pk": o.draft_a.pk},
        data=lambda o: {
            "image": SimpleUploadedFile("neu.jpg", _jpeg(), "image/jpeg"),
            "alt_text": "Neues Foto",
        },
        leaks=("draft_a", "photo_a"),
        state=lambda o: o.draft_a.photos.count(),
    ),
    Row(
        "POST /api/properties/{pk}/photos",
        "published of A",
        api(401, editor_a=201, editor_b=403, moderator=201, state_admin=201),
        method="POST",
        multipart=True,
        args=lambda o: {"pk": o.prop_a.pk},
        data=lambda o: {
            "image": SimpleUploadedFile("neu.jpg", _jpeg(), "image/jpeg"),
            "alt_text": "Neues Foto",
        },
        state=lambda o: o.prop_a.photos.count(),
    ),
    Row(
        "POST /api/properties/{pk}/photos",
        "draft outside the region",
        api(401, editor_a=404, editor_b=404, moderator=404, state_admin=201),
        method="POST",
        multipart=True,
        args=lambda o: {"pk": o.draft_c.pk},
        data=lambda o: {
            "image": SimpleUploadedFile("neu.jpg", _jpeg(), "image/jpeg"),
            "alt_text": "Neues Foto",
        },
        leaks=("draft_c",),
        state=lambda o: o.draft_c.photos.count(),
    ),
    Row(
        "DELETE /api/properties/{pk}/photos/{photo_pk}",
        "photo of A's draft",
        api(401, editor_a=204, editor_b=404, moderator=204, state_admin=204),
        method="DELETE",
        args=lambda o: {"pk": o.draft_a.pk, "photo_pk": o.photo.pk},
        leaks=("draft_a", "photo_a"),
        state=lambda o: PropertyPhoto.objects.filter(pk=o.photo.pk).count(),
    ),
    Row(
        "GET /api/places",
        "feed",
        PUBLIC,
        hide=to(ALL, *UNPUBLISHED_PLACES),
        show=to(ALL, "place_pub"),
    ),
    Row(
        "GET /api/places.geojson",
        "feed",
        PUBLIC,
        hide=to(ALL, *UNPUBLISHED_PLACES),
        show=to(ALL, "place_pub"),
    ),
    Row(
        "GET /api/places/{uid}",
        "published place",
        PUBLIC,
        args=lambda o: {"uid": o.place_pub.uid},
        hide=to(ALL, "place_pub_mail"),
        show=to(ALL, "place_pub"),
    ),
    Row(
        "GET /api/places/{uid}",
        "submitted place",
        api(404),
        args=lambda o: {"uid": o.place_a.uid},
        leaks=("place_a", "place_a_mail"),
    ),
    Row("GET /api/geo/regions", "list", PUBLIC),
    Row("GET /api/geo/municipalities", "list", PUBLIC),
    Row("GET /api/geo/districts.geojson", "outlines", PUBLIC),
    Row("GET /api/geo/municipalities.geojson", "outlines", PUBLIC),
    Row(
        "GET /api/cases",
        "list",
        SESSION,
        hide={"editor_b": ("case_a", "case_shared"), "moderator": ("case_a", "case_shared")},
        show={"editor_a": ("case_a", "case_shared"), "state_admin": ("case_a",)},
    ),
    Row(
        "GET /api/cases/{pk}",
        "confidential case shared with B",
        api(401, editor_a=200, editor_b=200, moderator=404, state_admin=200),
        args=lambda o: {"pk": o.case_shared.pk},
        leaks=("case_shared",),
        hide={"editor_b": ("case_shared",)},
        show={"editor_a": ("case_shared",)},
    ),
    Row(
        "GET /api/cases/{pk}",
        "case of A",
        api(401, editor_a=200, editor_b=404, moderator=404, state_admin=200),
        args=lambda o: {"pk": o.case.pk},
        leaks=("case_a", "case_a_mail"),
        show={"editor_a": ("case_a",)},
    ),
    Row("GET /api/ogc/", "landing page", PUBLIC),
    Row("GET /api/ogc/conformance", "conformance", PUBLIC),
    Row("GET /api/ogc/collections", "collections", PUBLIC),
    Row(
        "GET /api/ogc/collections/{name}",
        "properties",
        PUBLIC,
        args=lambda o: {"name": "properties"},
    ),
    Row("GET /api/ogc/collections/{name}", "places", PUBLIC, args=lambda o: {"name": "places"}),
    Row(
        "GET /api/ogc/collections/{name}/items",
        "properties",
        PUBLIC,
        args=lambda o: {"name": "properties"},
        hide=to(ALL, "draft_a", "draft_c", "plot_a"),
        show=to(ALL, "prop_a"),
    ),
    Row(
        "GET /api/ogc/collections/{name}/items",
        "places",
        PUBLIC,
        args=lambda o: {"name": "places"},
        hide=to(ALL, *UNPUBLISHED_PLACES),
        show=to(ALL, "place_pub"),
    ),
    Row(
        "GET /api/ogc/collections/{name}/items/{feature_id}",
        "published property",
        PUBLIC,
        args=lambda o: {"name": "properties", "feature_id": o.prop_a.pk},
        show=to(ALL, "prop_a"),
    ),
    Row(
        "GET /api/ogc/collections/{name}/items/{feature_id}",
        "draft property",
        api(404),
        args=lambda o: {"name": "properties", "feature_id": o.draft_a.pk},
        leaks=("draft_a",),
    ),
    Row(
        "GET /api/ogc/collections/{name}/items/{feature_id}",
        "published place",
        PUBLIC,
        args=lambda o: {"name": "places", "feature_id": o.place_pub.uid},
        hide=to(ALL, "place_pub_mail"),
    ),
    Row(
        "GET /api/ogc/collections/{name}/items/{feature_id}",
        "submitted place",
        api(404),
        args=lambda o: {"name": "places", "feature_id": o.place_a.uid},
        leaks=("place_a", "place_a_mail"),
    ),
    # The change feed needs an API key: a session, even a state admin's, is not enough.
    Row(
        "GET /api/changes/{entity}",
        "properties without key",
        api(401),
        args=lambda o: {"entity": "properties"},
        leaks=("prop_a",),
    ),
    Row(
        "GET /api/changes/{entity}",
        "places without key",
        api(401),
        args=lambda o: {"entity": "places"},
        leaks=("place_pub",),
    ),
]

# URLs of the API that are not operations of its schema (the schema itself, its docs, the root).
API_EXTRAS = [
    Row("GET /api/openapi.json", "schema", PUBLIC),
    Row("GET /api/docs", "docs", PUBLIC),
    Row("GET /api/", "root (no content)", api(404)),
]
API_EXTRA_ROUTES = {row.key.split(" ", 1)[1] for row in API_EXTRAS}


# --- running one cell -------------------------------------------------------------------------


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _strip_language(path: str) -> str:
    return re.sub(r"^/en(?=/)", "", path)


def _is_allowed(expected) -> bool:
    return expected in (ALLOW, NOOP) or (isinstance(expected, int) and expected < 400)


def run_cell(row: Row, role: str, o):
    client = client_for(role, o)
    url = row.url(o)
    before = row.state(o) if row.state else None
    response = send(
        client,
        row.method,
        url,
        row.data(o) if row.data else None,
        json_body=row.is_api and not row.multipart,
    )
    body = _body(response)
    expected = row.expect[role]
    where = f"{row.method} {url} as {role}: {response.status_code}"

    if expected in (ALLOW, NOOP):
        assert 200 <= response.status_code < 400, where
        if response.status_code >= 300:
            location = _strip_language(response["Location"])
            assert location.startswith("/" + BACK_OFFICE_PREFIX), f"{where} -> {location}"
    elif expected == LOGIN:
        assert response.status_code == 302, where
        assert _strip_language(response["Location"]).startswith(
            reverse("accounts:login") + "?next="
        ), where
    else:
        assert response.status_code == expected, f"{where}, expected {expected}: {body[:300]}"

    if _is_allowed(expected):
        for name in row.hide.get(role, ()):
            assert SECRETS[name] not in body, f"{where} shows {name!r} ({SECRETS[name]})"
        for name in row.show.get(role, ()):
            assert SECRETS[name] in body, (
                f"{where} does not show {name!r}: the check would prove nothing"
            )
    else:
        for name in row.leaks:
            assert SECRETS[name] not in body, f"{where} leaks {name!r} ({SECRETS[name]})"

    if row.state is not None:
        after = row.state(o)
        if _is_allowed(expected) and expected != NOOP and row.effective:
            assert after != before, f"{where}: the allowed request changed nothing ({before!r})"
        elif not _is_allowed(expected) or expected == NOOP:
            assert after == before, f"{where}: changed {before!r} -> {after!r}"
    return response


@pytest.mark.parametrize(
    ("row", "role"), [_with_marks(row, role) for row in BACK_OFFICE for role in ROLES]
)
def test_back_office_matrix(objs, row, role):
    run_cell(row, role, objs)


@pytest.mark.parametrize(
    ("row", "role"), [_with_marks(row, role) for row in API + API_EXTRAS for role in ROLES]
)
def test_api_matrix(objs, row, role):
    run_cell(row, role, objs)


# --- every URL must be in the matrix ----------------------------------------------------------


def _routes(patterns=None, prefix="", namespace=""):
    """(route, name) of every URL pattern, with the language prefix left out."""
    from django.urls.resolvers import LocalePrefixPattern

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            here = "" if isinstance(pattern.pattern, LocalePrefixPattern) else str(pattern.pattern)
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, prefix + here, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def test_every_back_office_url_is_in_the_matrix():
    back_office = {name for route, name in _routes() if route.startswith(BACK_OFFICE_PREFIX)}
    assert None not in back_office, "a back-office URL without a name cannot be checked"
    assert len(back_office) > 30
    missing = back_office - {row.key for row in BACK_OFFICE}
    assert not missing, f"back-office URLs without a row in the access matrix: {sorted(missing)}"
    stale = {row.key for row in BACK_OFFICE} - back_office
    assert not stale, f"matrix rows for URLs that no longer exist: {sorted(stale)}"


HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}


def test_every_api_operation_is_in_the_matrix(client):
    schema = client.get("/api/openapi.json").json()
    operations = {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert len(operations) > 15
    rows = {row.key for row in API}
    assert not operations - rows, (
        f"API operations without a row in the access matrix: {sorted(operations - rows)}"
    )
    assert not rows - operations, (
        f"matrix rows for API operations that no longer exist: {sorted(rows - operations)}"
    )
    # ... and no URL under /api/ bypasses the schema.
    paths = set(schema["paths"]) | API_EXTRA_ROUTES
    for route, name in _routes():
        if route.startswith("api/"):
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            assert path in paths, (
                f"{path} ({name}) is neither in the OpenAPI schema nor in the matrix"
            )


def test_every_cell_has_an_expectation():
    for row in BACK_OFFICE + API + API_EXTRAS:
        assert set(row.expect) == set(ROLES), row.id()
        assert set(row.hide) <= set(ROLES) and set(row.show) <= set(ROLES), row.id()
        for names in (row.leaks, *row.hide.values(), *row.show.values()):
            assert set(names) <= set(SECRETS), row.id()
    for row in BACK_OFFICE:
        if row.method == "POST" and row.key not in {"privacy:export"}:  # a read in a POST body
            assert row.state is not None, (
                f"{row.id()}: a state-changing row must compare before/after"
            )
    assert {key for key, _role in KNOWN_BUGS} <= {row.id() for row in BACK_OFFICE + API}


# --- CSRF: a session alone never writes -------------------------------------------------------


def _first_allowed(row):
    return next(
        role for role in ROLES if row.expect[role] == ALLOW or row.expect[role] in (200, 201, 204)
    )


WRITE_ROWS = [
    row
    for row in BACK_OFFICE + API
    if row.method != "GET" and row.state is not None and row.effective
]


@pytest.mark.parametrize(
    "row", [pytest.param(row, id=row.id(_first_allowed(row))) for row in WRITE_ROWS]
)
def test_writes_without_csrf_token_are_refused(objs, row):
    role = _first_allowed(row)
    client = client_for(role, objs)
    before = row.state(objs)
    response = send(
        client,
        row.method,
        row.url(objs),
        row.data(objs) if row.data else None,
        json_body=row.is_api and not row.multipart,
        csrf=False,
    )
    assert response.status_code in (401, 403), f"{row.id(role)}: {response.status_code}"
    assert row.state(objs) == before


# --- the back office in English ----------------------------------------------------------------


@pytest.mark.parametrize(
    "row", [pytest.param(row, id=row.id()) for row in BACK_OFFICE if row.method == "GET"]
)
def test_back_office_in_english_is_guarded_alike(objs, row):
    with translation.override("en"):
        url = row.url(objs)
    assert url.startswith("/en/" + BACK_OFFICE_PREFIX)
    anonymous = client_for("anonymous", objs).get(url)
    assert anonymous.status_code == 302 and "/konto/anmelden/" in anonymous["Location"]
    expected = row.expect["editor_b"]
    response = client_for("editor_b", objs).get(url)
    if isinstance(expected, int):
        assert response.status_code == expected
        body = _body(response)
        assert not [name for name in row.leaks if SECRETS[name] in body]
    else:
        assert response.status_code == 200


def test_django_admin_is_closed_to_every_role(objs):
    for role in ROLES:
        response = client_for(role, objs).get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role


# --- the owner's private link -------------------------------------------------------------------


def test_owner_link_opens_only_its_own_place(objs):
    owner = client_for("owner", objs)
    page = owner.get(reverse("places:owner", args=[objs.token]))
    assert page.status_code == 200 and SECRETS["place_a"] in page.content.decode()
    for token in (objs.token[:-1] + ("A" if objs.token[-1] != "A" else "B"), "x", "a" * 101):
        response = owner.get(reverse("places:owner", args=[token]))
        assert response.status_code == 404
        assert SECRETS["place_a"] not in response.content.decode()
    # the owner's link gives no way into the moderation of the same place
    review = owner.get(reverse("places:review", args=[objs.place_a.pk]))
    assert review.status_code == 302 and "/konto/anmelden/" in review["Location"]


def test_owner_link_stops_working_when_rotated_or_expired(objs):
    owner = client_for("owner", objs)
    url = reverse("places:owner", args=[objs.token])
    moderator = client_for("moderator", objs)
    assert (
        moderator.post(
            reverse("places:review_rotate", args=[objs.place_a.pk]), HTTP_X_CSRFTOKEN=moderator.csrf
        ).status_code
        == 302
    )
    response = owner.get(url)
    assert response.status_code == 404 and SECRETS["place_a"] not in response.content.decode()
    before = _fresh(Place, objs.place_a.pk, "name", "pitch", "status")
    owner.post(
        url, {"action": "update", "name": "Uebernommen", "pitch": "x"}, HTTP_X_CSRFTOKEN=owner.csrf
    )
    assert _fresh(Place, objs.place_a.pk, "name", "pitch", "status") == before

    token = objs.place_a.new_owner_token()
    objs.place_a.owner_links.update(expires_at=timezone.now() - timedelta(minutes=1))
    stale = owner.get(reverse("places:owner", args=[token]))
    assert (
        stale.status_code == 404 and reverse("places:owner_link_request") in stale.content.decode()
    )


# --- "send me a fresh link": public, and it tells nobody anything -----------------------------------

FRESH_LINK_FORMS = [
    ("places:owner_link_request", "place_a_mail"),
    ("properties:consent_link_request", "plot_owner_mail"),
]


@pytest.mark.parametrize(("name", "address"), FRESH_LINK_FORMS)
def test_fresh_link_forms_answer_every_role_alike_and_reveal_nothing(
    objs, name, address, settings, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    from django.core import mail

    settings.FRESH_LINKS_PER_HOUR = settings.FRESH_LINKS_PER_EMAIL_PER_DAY = (
        100  # 12 requests from one address
    )
    if name == "properties:consent_link_request":
        consent.request(objs.world.editor_a, [objs.plot_a], "letter")  # an open request
    url = reverse(name)
    answers = {}
    for role in ROLES:
        client = client_for(role, objs)
        assert client.get(url).status_code == 200, role
        for email in (SECRETS[address], f"{role}-unknown@example.org"):
            mail.outbox.clear()
            with capture(execute=True):
                response = send(client, "POST", url, {"email": email}, json_body=False)
            assert response.status_code == 200, (role, email)
            body = _body(response)
            assert not [key for key, text in SECRETS.items() if text in body], (role, email)
            answers[(role, email == SECRETS[address])] = re.sub(
                r'value="[^"]*" name="csrfmiddlewaretoken"', "", body
            )
            # a link goes to the stored address only, never to whoever asked
            expected = [[SECRETS[address]]] if email == SECRETS[address] else []
            assert [m.to for m in mail.outbox] == expected, role
    anonymous = answers[("anonymous", True)]
    assert answers[("anonymous", False)] == anonymous  # known and unknown addresses look the same


# --- the change feed with keys -----------------------------------------------------------------


def test_change_feed_keys(objs, client):
    _key, plain = changes.create_key(objs.org_a, "Landesportal", ["properties"])
    url = "/api/changes/properties"
    ok = client.get(url, HTTP_X_API_KEY=plain)
    assert ok.status_code == 200
    body = ok.content.decode()
    assert (
        SECRETS["prop_a"] in body
        and SECRETS["draft_a"] not in body
        and SECRETS["plot_owner"] not in body
    )
    assert client.get("/api/changes/places", HTTP_X_API_KEY=plain).status_code == 403  # no scope
    prefix = plain.split(".")[0]
    for wrong in (prefix + ".falsch", plain + "x", "kein-schluessel", ""):
        assert client.get(url, HTTP_X_API_KEY=wrong).status_code == 401, wrong
    _key.revoked_at = timezone.now()
    _key.save()
    assert client.get(url, HTTP_X_API_KEY=plain).status_code == 401


# --- capability links must not surface in the reach dashboard -----------------------------------


def test_english_owner_link_is_not_listed_on_the_reach_dashboard(objs):
    with translation.override("en"):
        url = reverse("places:owner", args=[objs.token])
    assert Client().get(url).status_code == 200
    viewer = Client()
    viewer.force_login(objs.moderator_other)
    page = viewer.get(reverse("reach:dashboard"))
    assert page.status_code == 200
    assert objs.token not in page.content.decode()


def test_english_consent_link_is_not_listed_on_the_reach_dashboard(objs):
    requested = consent.request(objs.world.editor_a, [objs.plot_a], "letter")
    token = requested[0][1].rstrip("/").rsplit("/", 1)[1]
    with translation.override("en"):
        url = reverse("properties:consent_response", args=[token])
    assert Client().get(url).status_code == 200
    viewer = Client()
    viewer.force_login(objs.moderator_other)
    assert token not in viewer.get(reverse("reach:dashboard")).content.decode()


def test_unsubscribe_link_is_not_listed_on_the_reach_dashboard(objs):
    profile = SearchProfile.objects.create(email="investor@example.org", alerts=True)
    url = reverse("cases:unsubscribe", args=[profile.unsubscribe_token])
    assert Client().get(url).status_code == 200
    viewer = Client()
    viewer.force_login(objs.moderator_other)
    assert profile.unsubscribe_token not in viewer.get(reverse("reach:dashboard")).content.decode()


def test_moderator_cannot_attach_a_foreign_unpublished_place_to_an_event(objs):
    moderator = client_for("moderator", objs)
    data = {
        "region": objs.region.pk,
        "title_de": SECRETS["event_a"],
        "location": "Stendal",
        "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "place": objs.place_other.pk,
        "status": "published",
    }
    moderator.post(
        reverse("guides:editor_edit", args=["termine", objs.event.pk]),
        data,
        HTTP_X_CSRFTOKEN=moderator.csrf,
    )
    public = Client().get(reverse("guides:event", args=[objs.event.pk]))
    assert SECRETS["place_other"] not in public.content.decode()
    assert _fresh(Event, objs.event.pk, "place") != (objs.place_other.pk,)


# --- a second region in another state: the Prignitz (Brandenburg) ------------------------------

CROSS_ROLES = ("editor_a", "moderator", "editor_perleberg", "moderator_prignitz", "state_admin")


def cross(default=ALLOW, **per_role):
    expected = dict.fromkeys(CROSS_ROLES, default)
    expected.update(per_role)
    return expected


PRIGNITZ_SCOPE_PERLEBERG = cross(editor_a=404, moderator=404)  # records of Perleberg
PRIGNITZ_SCOPE_REGION = cross(editor_a=404, moderator=404, editor_perleberg=404)  # Wittenberge
ALTMARK_SCOPE_A = cross(editor_perleberg=404, moderator_prignitz=404)  # records of Stendal
PRIGNITZ_MODERATION = cross(editor_a=403, moderator=404, editor_perleberg=403)
ALTMARK_MODERATION = cross(editor_a=403, moderator_prignitz=404, editor_perleberg=403)
PRIGNITZ_CONTENT = cross(editor_a=404, moderator=404, editor_perleberg=404)
ALTMARK_CONTENT = cross(editor_a=404, moderator_prignitz=404, editor_perleberg=404)


@pytest.fixture
def cross_objs(objs, prignitz):
    """``objs`` and the Prignitz: a draft in Perleberg and one in Wittenberge, a submitted place,
    a draft contact and an inquiry to the district office."""
    o = objs
    o.p = prignitz
    o.world.editor_perleberg = prignitz.editor
    o.world.moderator_prignitz = prignitz.moderator
    o.draft_p = PropertyFactory(
        title=SECRETS["draft_p"],
        municipality=prignitz.perleberg,
        status=Status.DRAFT,
        published_at=None,
        contact_email=SECRETS["draft_p_mail"],
    )
    o.draft_w = PropertyFactory(
        title=SECRETS["draft_w"],
        municipality=prignitz.wittenberge,
        status=Status.DRAFT,
        published_at=None,
    )
    o.place_p = PlaceFactory(
        name=SECRETS["place_p"],
        pitch="Ein Ort zum Arbeiten",
        region=prignitz.region,
        municipality=prignitz.perleberg,
        owner_email=SECRETS["place_p_mail"],
        status=PlaceStatus.SUBMITTED,
    )
    o.contact_p = Contact.objects.create(
        region=prignitz.region,
        organisation=prignitz.office,
        person=SECRETS["contact_p"],
        topics=["investment"],
        status="draft",
    )
    o.inquiry_p = Inquiry.objects.create(
        name="Pia Anfragerin",
        email="pia@example.org",
        message=SECRETS["inquiry_p"],
        topic="property",
        property=o.draft_p,
        region=prignitz.region,
        recipient=prignitz.editor.memberships.get().organisation,
    )
    return o


PERLEBERG_FORM = {"kind": "plot", "lat": "53.07", "lon": "11.87", "availability": "immediately"}

CROSS_REGION = [
    Row(
        "properties:editor_list",
        "two regions",
        cross(),
        hide={
            "editor_a": ("draft_p", "draft_w"),
            "moderator": ("draft_p", "draft_w"),
            "editor_perleberg": ("draft_a", "draft_w"),
            "moderator_prignitz": ("draft_a",),
        },
        show={
            "editor_a": ("draft_a",),
            "moderator": ("draft_a",),
            "editor_perleberg": ("draft_p",),
            "moderator_prignitz": ("draft_p", "draft_w"),
            "state_admin": ("draft_a", "draft_p", "draft_w"),
        },
    ),
    Row(
        "properties:editor_edit",
        "draft in Perleberg",
        PRIGNITZ_SCOPE_PERLEBERG,
        args=lambda o: {"pk": o.draft_p.pk},
        leaks=("draft_p", "draft_p_mail"),
        show={"editor_perleberg": ("draft_p_mail",), "moderator_prignitz": ("draft_p",)},
    ),
    Row(
        "properties:editor_edit",
        "draft in Wittenberge",
        PRIGNITZ_SCOPE_REGION,
        args=lambda o: {"pk": o.draft_w.pk},
        leaks=("draft_w",),
        show={"moderator_prignitz": ("draft_w",)},
    ),
    Row(
        "properties:editor_edit",
        "draft of A in the Altmark",
        ALTMARK_SCOPE_A,
        args=lambda o: {"pk": o.draft_a.pk},
        leaks=("draft_a", "draft_a_mail"),
        show={"editor_a": ("draft_a_mail",), "moderator": ("draft_a",)},
    ),
    Row(
        "properties:editor_edit",
        "edit draft in Perleberg",
        PRIGNITZ_SCOPE_PERLEBERG,
        method="POST",
        args=lambda o: {"pk": o.draft_p.pk},
        data=lambda o: dict(PERLEBERG_FORM, title="Uebernommen", municipality=o.p.perleberg.pk),
        leaks=("draft_p", "draft_p_mail"),
        state=lambda o: _fresh(Property, o.draft_p.pk, "title", "updated_at"),
    ),
    Row(
        "properties:editor_edit",
        "edit draft of A in the Altmark",
        ALTMARK_SCOPE_A,
        method="POST",
        args=lambda o: {"pk": o.draft_a.pk},
        data=lambda o: dict(PROPERTY_FORM, title="Uebernommen", municipality=o.world.mun_a.pk),
        leaks=("draft_a", "draft_a_mail"),
        state=lambda o: _fresh(Property, o.draft_a.pk, "title", "updated_at"),
    ),
    Row(
        "properties:editor_create",
        "new record in Wittenberge",
        cross(NOOP, editor_perleberg=NOOP, state_admin=ALLOW, moderator_prignitz=ALLOW),
        method="POST",
        data=lambda o: dict(
            PERLEBERG_FORM, title="Neu in Wittenberge", municipality=o.p.wittenberge.pk
        ),
        state=lambda o: Property.objects.filter(title="Neu in Wittenberge").count(),
    ),
    Row(
        "places:queue",
        "two regions",
        cross(editor_a=403, editor_perleberg=403),
        leaks=("place_a", "place_p"),
        hide={"moderator": ("place_p",), "moderator_prignitz": ("place_a",)},
        show={
            "moderator": ("place_a",),
            "moderator_prignitz": ("place_p",),
            "state_admin": ("place_a", "place_p"),
        },
    ),
    Row(
        "places:review",
        "place of the Prignitz",
        PRIGNITZ_MODERATION,
        args=lambda o: {"pk": o.place_p.pk},
        leaks=("place_p", "place_p_mail"),
        show={"moderator_prignitz": ("place_p_mail",)},
    ),
    Row(
        "places:review",
        "place of the Altmark",
        ALTMARK_MODERATION,
        args=lambda o: {"pk": o.place_a.pk},
        leaks=("place_a", "place_a_mail", "place_a_owner"),
        show={"moderator": ("place_a_mail",)},
    ),
    Row(
        "guides:editor_edit",
        "contact of the Prignitz",
        PRIGNITZ_CONTENT,
        args=lambda o: {"kind": "kontakte", "pk": o.contact_p.pk},
        leaks=("contact_p",),
        show={"moderator_prignitz": ("contact_p",)},
    ),
    Row(
        "guides:editor_edit",
        "contact of the Altmark",
        ALTMARK_CONTENT,
        args=lambda o: {"kind": "kontakte", "pk": o.contact.pk},
        leaks=("contact_a", "contact_a_mail"),
        show={"moderator": ("contact_a",)},
    ),
    Row(
        "inquiries:detail",
        "inquiry to Perleberg",
        cross(404, editor_perleberg=ALLOW, state_admin=ALLOW),
        args=lambda o: {"pk": o.inquiry_p.pk},
        leaks=("inquiry_p",),
        show={"editor_perleberg": ("inquiry_p",)},
    ),
    Row(
        "inquiries:detail",
        "inquiry to A",
        cross(404, editor_a=ALLOW, state_admin=ALLOW),
        args=lambda o: {"pk": o.inquiry.pk},
        leaks=("inquiry_a", "inquiry_a_mail", "inquiry_a_text"),
    ),
    Row("agency_overview", "regions and states", cross(403, state_admin=ALLOW)),
    Row(
        "PATCH /api/properties/{pk}",
        "draft in Perleberg",
        cross(200, editor_a=404, moderator=404),
        method="PATCH",
        args=lambda o: {"pk": o.draft_p.pk},
        data=lambda o: {"title": "Per API geaendert"},
        leaks=("draft_p", "draft_p_mail"),
        state=lambda o: _fresh(Property, o.draft_p.pk, "title"),
    ),
    Row(
        "PATCH /api/properties/{pk}",
        "draft of A in the Altmark",
        cross(200, editor_perleberg=404, moderator_prignitz=404),
        method="PATCH",
        args=lambda o: {"pk": o.draft_a.pk},
        data=lambda o: {"title": "Per API geaendert"},
        leaks=("draft_a", "draft_a_mail"),
        state=lambda o: _fresh(Property, o.draft_a.pk, "title"),
    ),
]


@pytest.mark.parametrize(
    ("row", "role"),
    [pytest.param(row, role, id=row.id(role)) for row in CROSS_REGION for role in CROSS_ROLES],
)
def test_cross_region_matrix(cross_objs, row, role):
    run_cell(row, role, cross_objs)


def test_the_cross_region_policy_both_ways(cross_objs):
    from standortlotse.accounts import policy

    o = cross_objs
    moderator_p, editor_p, moderator_a = o.p.moderator, o.p.editor, o.world.moderator
    assert policy.can_edit(moderator_p, o.draft_w) and not policy.can_edit(moderator_p, o.draft_a)
    assert policy.can_edit(editor_p, o.draft_p) and not policy.can_edit(editor_p, o.draft_w)
    assert not policy.can_edit(moderator_a, o.draft_p)
    assert policy.can_moderate(moderator_p, o.place_p)
    assert not policy.can_moderate(moderator_p, o.place_a)
    assert not policy.can_moderate(moderator_a, o.place_p)
    assert not policy.can_override_gate(moderator_p, o.draft_a)
    assert not policy.can_override_gate(moderator_a, o.draft_p)
    assert policy.can_override_gate(moderator_p, o.draft_w)
    assert list(policy.moderated_regions(moderator_p)) == [o.p.region]
    assert set(policy.editable_municipalities(moderator_p)) == {o.p.perleberg, o.p.wittenberge}
