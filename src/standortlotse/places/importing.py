"""The import target for creative places: a partner's file through the same steps as a table of
properties (``exchange/services.py``: upload → detect → check in the background → preview →
confirm → import in the background → report). Registered in ``PlacesConfig.ready()``.

The file is read with ``partners.read_and_map`` (format detected or chosen; the partner feed's
mapping of categories and tags, or the defaults of the format). There is no column step: the
formats name their fields themselves (our CSV template has fixed columns), so the "map" step of a
places import is the choice of partner feed, format and region at upload, and its result, the
categories without a mapping, is shown as a warning of the preview. Every record is planned by
``places.exchange.Planner`` (field and record rules of ``Place``, conflicts with local edits,
a partner version that already waits for review is not raised twice) and written by
``places.exchange.apply``: the same code the scheduled ``partners.pull`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.accounts import policy
from standortlotse.core.fields import concrete_field
from standortlotse.core.tabular import readers
from standortlotse.core.tabular.coordinates import distance_km
from standortlotse.core.textsearch import fold
from standortlotse.places import exchange, partners
from standortlotse.places.forms import ImportForm
from standortlotse.places.models import FeedFormat, PartnerFeed, Place, Status

KEY = "places"
LABEL = gettext_lazy("places")
REQUIRED: tuple[str, ...] = ()
MAPS_COLUMNS = False  # the pipeline checks right after the upload
PUBLISH_CHOICE = False  # places come as the partner published them
RECORD_URL = "places:review"  # a possible duplicate links to its review page
DUPLICATE_UPDATE = False  # a possible duplicate is created anyway or skipped, never merged
START_URL = "places:import"
START_TEMPLATE = "places/import.html"
RECORDS_URL = "places:queue"
MAX_FILE_BYTES = 20 * 1024 * 1024


# --- who may -----------------------------------------------------------------------------------


def may_start(user) -> bool:
    return policy.is_moderator(user)


def may_open(user, job) -> bool:
    """A places job is its region's: only while its creator moderates that region."""
    return policy.moderated_regions(user).filter(pk=job.options.get("region")).exists()


# --- the start page ----------------------------------------------------------------------------


def start_form(user, data=None, files=None) -> ImportForm:
    """Partner feed (its name is the source, its region and mapping are used) or source and
    region, the format (detected unless chosen) and the file."""
    regions = policy.moderated_regions(user)
    form = ImportForm(data, files)
    form.fields["region"] = forms.ModelChoiceField(
        label=_("Region"), queryset=regions, initial=regions.first()
    )
    form.fields["feed"] = forms.ModelChoiceField(
        label=_("Partner feed"),
        queryset=PartnerFeed.objects.filter(region__in=regions),
        required=False,
        empty_label=_("– no partner feed (name the source below) –"),
        help_text=_(
            "Its name is the source, its region and its mapping of categories and tags are used."
        ),
    )
    form.order_fields(["feed", "source", "format", "file", "region"])
    return form


def options_of(form: ImportForm) -> dict:
    """What the job keeps of the start form (``ImportJob.options``)."""
    feed = form.cleaned_data["feed"]
    format = form.cleaned_data[
        "format"
    ]  # "auto" stays: open_table detects, the feed's is a fallback
    return {
        "region": feed.region_id if feed is not None else form.cleaned_data["region"].pk,
        "source": feed.name if feed is not None else form.cleaned_data["source"],
        "feed": feed.pk if feed is not None else None,
        "format": format,
    }


# --- reading -----------------------------------------------------------------------------------


@dataclass
class Record:
    number: int
    record: dict


@dataclass
class Table:
    """The partner's file as read: its format (``kind``), what to check, and its records."""

    kind: str
    note: str
    records: list[dict]
    warnings: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # the partner's categories without mapping

    def rows(self):
        """The records, each numbered by its line in the file (``readers.line_of``: for a table,
        title rows, the header and blank rows counted, as the properties import numbers them;
        for a JSON feed, its position)."""
        for position, record in enumerate(self.records, start=1):
            yield Record(readers.line_of(record, position), record)


def _feed(options: dict) -> PartnerFeed | None:
    if not options.get("feed"):
        return None
    return PartnerFeed.objects.filter(pk=options["feed"], region_id=options.get("region")).first()


def warnings_link(job) -> dict | None:
    """Where the categories without mapping get one: the partner feed's mapping table (for a
    moderator of its region), else nothing."""
    feed = _feed(job.options)
    if feed is None or not job.options.get("warnings"):
        return None
    if not policy.moderated_regions(job.created_by).filter(pk=feed.region_id).exists():
        return None
    return {
        "url": reverse("places:feed_edit", args=[feed.pk]),
        "text": _("Map these categories in the settings of the partner feed “%(feed)s”")
        % {"feed": feed.name},
    }


def open_table(path: str, filename: str, options: dict) -> Table:
    """Read the stored file; ``readers.Refused`` with the reason when it cannot be read."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise readers.Refused(_("The file is too large (at most 20 MB)."))
    feed = _feed(options)
    format, note = partners.choose_format(
        raw, filename, options.get("format") or FeedFormat.AUTO, feed.format if feed else ""
    )
    try:
        mapped, format = partners.read_and_map(raw, filename, format, feed)
    except ValidationError as error:
        raise readers.Refused(" ".join(error.messages)) from None
    warnings = [note] if note else []
    if mapped.unmapped_categories:
        warnings.append(
            _("These categories of the partner have no mapping and were left out: %(names)s")
            % {"names": ", ".join(mapped.unmapped_categories)}
        )
    return Table(
        kind=format,
        note=str(FeedFormat(format).label),
        records=mapped.records,
        warnings=warnings,
        unmapped=mapped.unmapped_categories,
    )


def known_headers() -> set[str]:
    return set(exchange.CSV_COLUMNS)


LABELS = {
    "external_id": gettext_lazy("ID"),
    "municipality_ags": gettext_lazy("municipality"),
    "lat": gettext_lazy("latitude"),
    "lon": gettext_lazy("longitude"),
    "fields": gettext_lazy("Fields"),
    "types": gettext_lazy("Type of place"),
    "offers": gettext_lazy("Offers"),
}


def column_label(name: str) -> str:
    if name in LABELS:
        return str(LABELS[name])
    try:
        return str(concrete_field(Place, name).verbose_name)
    except Exception:  # noqa: BLE001 - a name that is no field is shown as it is
        return name


# --- checking and writing ----------------------------------------------------------------------


class Context:
    """What planning needs once per check or import: the job's region and source, and what is
    stored for them (``exchange.Planner``)."""

    def __init__(self, user, options: dict):
        self.user = user
        region = policy.moderated_regions(user).filter(pk=options.get("region")).first()
        if region is None:
            raise readers.Refused(_("You no longer moderate the region of this import."))
        self.region, self.source = region, options.get("source") or ""
        self.planner = exchange.Planner(self.source, region, check_ids=False)


def job_context(job) -> Context:
    return Context(job.created_by, job.options)


@dataclass
class Planned:
    """One planned record, in the shape the pipeline stores as an ``ImportRow``."""

    row: exchange.Row
    ctx: Context

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def external_id(self) -> str:
        return self.row.external_id

    @property
    def values(self) -> dict:
        return {"title": self.row.name}

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [("", message) for message in self.row.errors]

    @property
    def warnings(self) -> list[str]:
        return list(self.row.notes)


def convert(row: Record, ctx: Context) -> Record:
    return row  # the readers gave our fields already; plan() normalises and checks them


def _changed(row: exchange.Row) -> list[str]:
    if row.place is None or row.action not in ("update", "conflict"):
        return []
    stored = exchange.content_of(row.place)
    return [column_label(name) for name in stored if stored[name] != row.data.get(name)]


def plan(converted: list[Record], ctx: Context):
    """(outcome, row, place, changed fields) per record: new / update / unchanged / conflict /
    error."""
    result = []
    for record in converted:
        row = ctx.planner.row(record.number, record.record)
        result.append((row.action, Planned(row, ctx), row.place, _changed(row)))
    return result


def write(outcomes, user, publish: bool, reason: str) -> dict[str, int]:
    """Create, update and keep as conflicts the accepted rows of one batch (``exchange.apply``;
    the caller holds the transaction)."""
    if not outcomes:
        return {"new": 0, "update": 0, "conflict": 0}
    ctx = outcomes[0][1].ctx
    rows = [planned.row for _o, planned, *_r in outcomes]
    counts = exchange.apply(rows, ctx.source, ctx.region, user)
    # Per row: what was done and to which place (the result page and the report show it).
    created = dict(
        Place.objects.filter(
            source=ctx.source, external_id__in=[r.external_id for r in rows if r.action == "new"]
        ).values_list("external_id", "pk")
    )
    done = {
        r.number: (r.action, r.place.pk if r.place is not None else created.get(r.external_id), [])
        for r in rows
    }
    return {
        "new": counts["new"],
        "update": counts["update"],
        "conflict": counts["conflict"],
        "rows": done,
    }


def finished(job) -> None:
    """An upload for a partner feed is one of its runs (``FeedRun``)."""
    feed = _feed(job.options)
    if feed is None:
        return
    counts = job.counts
    try:
        unmapped = open_table(job.file.path, job.filename, job.options).unmapped
    except (readers.Refused, OSError):
        unmapped = []
    partners.record_run(
        feed,
        {
            "new": counts.get("written_new", 0),
            "update": counts.get("written_update", 0),
            "unchanged": counts.get("unchanged", 0),
            "conflict": counts.get("written_conflict", 0),
            "error": counts.get("error", 0),
        },
        message=_("Upload: %(file)s") % {"file": job.filename},
        unmapped=unmapped,
    )


# --- possible duplicates -----------------------------------------------------------------------

DUPLICATE_KM = 0.1


@dataclass
class Finding:
    """A new row that may be a place we list already (from another source or entered here)."""

    record: int | None
    reasons: list[str]
    row: int | None = None
    identical: bool = False


class DuplicateCheck:
    """New rows against the region's places of other sources: within 100 m or of the same name
    (folded) is a possible duplicate; the moderator creates it anyway or skips it."""

    def __init__(self, ctx: Context):
        self.places = list(
            Place.objects.filter(region=ctx.region)
            .exclude(source=ctx.source, external_id__gt="")
            .exclude(status=Status.REJECTED)
            .values_list("pk", "name", "lat", "lon")
        )

    def check(self, planned) -> dict[int, Finding]:
        findings = {}
        for outcome, row, _place, _changed in planned:
            if outcome != "new":
                continue
            data = row.row.data
            name = fold(data.get("name") or "")
            best = None
            for pk, other, lat, lon in self.places:
                reasons = []
                if distance_km(data["lat"], data["lon"], lat, lon) <= DUPLICATE_KM:
                    reasons.append("position")
                if name and fold(other) == name:
                    reasons.append("title")
                if reasons and (best is None or len(reasons) > len(best.reasons)):
                    best = Finding(record=pk, reasons=reasons)
            if best is not None:
                findings[row.number] = best
        return findings


def duplicate_check(ctx: Context) -> DuplicateCheck:
    return DuplicateCheck(ctx)


def record_titles(ids) -> dict[int, str]:
    return dict(Place.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def decide(outcomes, decisions: dict[int, tuple[str, int | None]], ctx: Context):
    """The moderator's choice for the possible duplicates of a batch: "skip" leaves the row out,
    "create" keeps it new (there is no merging into the other place)."""
    return [
        outcome
        for outcome in outcomes
        if decisions.get(outcome[1].number, ("", None))[0] not in ("skip", "ask")
    ]
