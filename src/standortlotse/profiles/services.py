"""Writing official figures: the statistics import, editing one figure, the demo figures.
Every write goes through ``Figure.full_clean()`` (the record rules) and, for people, through
the one permission policy (``accounts.policy``): who may edit a municipality's records may edit
its figures; a district's figures the regional moderators of the district's region and state
administrators."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.geo.models import District, Municipality, Region
from standortlotse.profiles import tables
from standortlotse.profiles.models import DEMO_SOURCE, Figure, Key

# --- who may edit what ----------------------------------------------------------------------


def editable_municipalities(user) -> QuerySet:
    return policy.editable_municipalities(user)


def editable_districts(user) -> QuerySet:
    """Districts whose own figures the user may edit: state administrators all, regional
    moderators the districts of their region; municipal editors none."""
    if policy.is_state_admin(user):
        return District.objects.all()
    return District.objects.filter(regions__in=policy.moderated_regions(user)).distinct()


def editable_figures(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Figure.objects.all() if queryset is None else queryset
    if policy.is_state_admin(user):
        return queryset
    if not policy.is_editor(user):
        return queryset.none()
    return queryset.filter(
        Q(municipality__in=editable_municipalities(user).values("pk"))
        | Q(district__in=editable_districts(user).values("pk"))
    )


def can_edit_subject(user, municipality=None, district=None) -> bool:
    if municipality is not None:
        return policy.can_edit_in(user, municipality)
    if district is not None:
        return editable_districts(user).filter(pk=district.pk).exists()
    return False


# --- one figure -----------------------------------------------------------------------------


def save_figure(figure: Figure, user) -> Figure:
    """Write a figure typed in the back office (new or changed): checked, with its editor."""
    if not can_edit_subject(user, figure.municipality, figure.district):
        raise PermissionError("not in the user's scope")
    figure.updated_by = user if getattr(user, "is_authenticated", False) else None
    figure.full_clean()
    figure.save()
    return figure


# --- the statistics import ------------------------------------------------------------------


@dataclass
class RowError:
    line: int
    column: str
    cell: str
    message: str

    def __str__(self):
        where = _("line %(line)s") % {"line": self.line}
        if self.column:
            where += ", " + _("column “%(column)s”") % {"column": self.column}
        cell = f" „{self.cell}“" if self.cell else ""
        return f"{where}:{cell} {self.message}"


@dataclass
class PlannedRow:
    line: int
    key: str  # the area's key as in the file
    name: str  # as in the file
    subject: str  # our name of the municipality or district
    value: Decimal
    outcome: str  # "new", "changed", "unchanged"
    previous: Decimal | None = None


@dataclass
class Report:
    key: str
    as_of: datetime.date | None
    source: str
    column: str = ""
    encoding: str = ""
    title: str = ""
    written: bool = False
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    missing: list[tuple[int, str, str]] = field(default_factory=list)  # line, area, marker
    not_here: int = 0  # areas of other municipalities/levels (the state's other districts)
    outside_scope: list[str] = field(default_factory=list)  # areas the user may not edit
    file_error: str = ""

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {o: self.count(o) for o in ("new", "changed", "unchanged")}

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes):
        return file
    if hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    with open(file, "rb") as handle:
        return handle.read()


def import_table(
    file,
    *,
    key: str,
    as_of: datetime.date | None = None,
    source: str,
    user=None,
    source_url: str = "",
    column: str | int | None = None,
    dry_run: bool = False,
) -> Report:
    """Read a statistics table (``tables.read``) and write one figure ``key`` per municipality
    (8-digit AGS or 12-digit ARS) or district (5 digits) of the register, dated ``as_of`` (or
    the date line of the file). Nothing is written when any row has an error, or with
    ``dry_run`` (the preview). ``user`` None: the management command (every area); a person:
    only the areas they may edit (the others are listed in ``outside_scope``)."""
    report = Report(key=key, as_of=as_of, source=source.strip())
    if key not in Key.values:
        report.file_error = _("Unknown figure “%(key)s”.") % {"key": key}
        return report
    if not report.source:
        report.file_error = _("Name the source of the figures.")
        return report
    try:
        table = tables.read(_read_bytes(file))
        index = tables.choose_column(table, column)
    except tables.TableError as error:
        report.file_error = str(error)
        return report
    report.encoding, report.title = table.encoding, table.title
    report.column = table.columns[index]
    blocks = sorted(set(table.dates))
    if as_of is None:
        if len(blocks) > 1:
            report.file_error = _(
                "The table has figures for several dates (%(dates)s); choose one as “as of”."
            ) % {"dates": ", ".join(d.strftime("%d.%m.%Y") for d in blocks)}
            return report
        as_of = table.as_of
    if as_of is None:
        report.file_error = _("The file names no date: give the date the figures refer to.")
        return report
    report.as_of = as_of
    areas = table.areas
    if len(blocks) > 1:  # a table by year: the block of the chosen date
        areas = [a for a in areas if a.as_of == as_of]
        if not areas:
            report.file_error = _("The table has no figures for %(date)s.") % {
                "date": as_of.strftime("%d.%m.%Y")
            }
            return report

    municipalities = {m.ags: m for m in Municipality.objects.select_related("district")}
    districts = {d.key: d for d in District.objects.all()}
    scope_m = (
        None if user is None else set(editable_municipalities(user).values_list("pk", flat=True))
    )
    scope_d = None if user is None else set(editable_districts(user).values_list("pk", flat=True))
    existing = {
        (f.municipality_id, f.district_id): f for f in Figure.objects.filter(key=key, as_of=as_of)
    }
    planned: list[tuple[PlannedRow, Figure]] = []
    seen: set[tuple] = set()
    for area in areas:
        municipality = district = None
        if area.level == "municipality":
            municipality = municipalities.get(area.ags)
        elif area.level == "district":
            district = districts.get(area.key)
        if municipality is None and district is None:
            report.not_here += 1
            continue
        cell = area.cells[index] if index < len(area.cells) else ""
        try:
            value = tables.number(cell)
        except tables.CellError:
            report.errors.append(RowError(area.line, report.column, cell, _("is not a number.")))
            continue
        if value is None:
            report.missing.append((area.line, area.name or area.key, cell))
            continue
        if (
            municipality is not None and scope_m is not None and municipality.pk not in scope_m
        ) or (district is not None and scope_d is not None and district.pk not in scope_d):
            # a state-wide table in the hands of a municipal editor: their own lines only
            report.outside_scope.append(str(municipality or district))
            continue
        subject_key = (getattr(municipality, "pk", None), getattr(district, "pk", None))
        if subject_key in seen:
            report.errors.append(
                RowError(area.line, "", area.key, _("The area appears twice in the table."))
            )
            continue
        seen.add(subject_key)
        figure = existing.get(subject_key) or Figure(
            municipality=municipality, district=district, key=key, as_of=as_of
        )
        previous = figure.value if figure.pk else None
        unchanged = (
            figure.pk
            and previous == value
            and figure.source == report.source
            and figure.source_url == source_url
            and not figure.is_demo
        )
        figure.value, figure.source, figure.source_url, figure.is_demo = (
            value,
            report.source,
            source_url,
            False,
        )
        try:
            figure.full_clean()
        except ValidationError as error:
            messages = [m for msgs in error.message_dict.values() for m in msgs]
            column = report.column if "value" in error.message_dict else ""
            report.errors.append(RowError(area.line, column, cell, " ".join(messages)))
            continue
        row = PlannedRow(
            line=area.line,
            key=area.key,
            name=area.name,
            subject=str(municipality or district),
            value=value,
            outcome="unchanged" if unchanged else ("changed" if figure.pk else "new"),
            previous=previous,
        )
        report.rows.append(row)
        planned.append((row, figure))
    if not report.rows and not report.errors:
        if report.outside_scope:
            report.file_error = _("The table has no figures for the areas you may edit.")
        elif not report.missing:
            report.file_error = _("The table names none of the municipalities or districts here.")
    if dry_run or not report.ok:
        return report
    with transaction.atomic():
        for row, figure in planned:
            if row.outcome == "unchanged":
                continue
            figure.updated_by = user if getattr(user, "is_authenticated", False) else None
            figure.save()
    report.written = True
    return report


# --- demo figures ---------------------------------------------------------------------------

DEMO_AS_OF = datetime.date(2024, 12, 31)
DEMO_YEARS = 5


def demo_values(municipality: Municipality) -> dict[str, Decimal]:
    """Plausible values for a rural municipality, the same on every run (seeded by the AGS)."""
    rng = random.Random(municipality.ags)
    population = rng.randint(1_500, 40_000)
    under_18 = Decimal(rng.randint(120, 170)) / 10
    over_65 = Decimal(rng.randint(260, 340)) / 10
    employees_workplace = int(population * rng.uniform(0.22, 0.45))
    employees_residence = int(population * rng.uniform(0.33, 0.40))
    commuters_in = int(employees_workplace * rng.uniform(0.3, 0.6))
    return {
        Key.POPULATION: Decimal(population),
        Key.POPULATION_CHANGE_5Y: Decimal(rng.randint(-60, 5)) / 10,
        Key.AGE_UNDER_18: under_18,
        Key.AGE_18_64: Decimal(100) - under_18 - over_65,
        Key.AGE_65_PLUS: over_65,
        Key.AREA: Decimal(rng.randint(600, 30_000)) / 100,
        Key.EMPLOYEES_WORKPLACE: Decimal(employees_workplace),
        Key.EMPLOYEES_RESIDENCE: Decimal(employees_residence),
        Key.COMMUTERS_IN: Decimal(commuters_in),
        Key.COMMUTERS_OUT: Decimal(int(employees_residence * rng.uniform(0.4, 0.7))),
        Key.UNEMPLOYMENT_RATE: Decimal(rng.randint(45, 110)) / 10,
        Key.TRADE_TAX_RATE: Decimal(rng.choice([300, 330, 350, 360, 380, 400])),
        Key.LAND_TAX_B_RATE: Decimal(rng.choice([380, 400, 420, 450, 480, 500])),
        Key.BROADBAND_1000: Decimal(rng.randint(200, 900)) / 10,
    }


def create_demo_figures(municipalities=None) -> int:
    """Demo figures (``is_demo``, source ``DEMO_SOURCE``) for every municipality of the regions
    (Altmark) that has no figure yet, with the population of the last five years as its trend.
    Official figures are never touched. Returns the number of figures written."""
    if municipalities is None:
        municipalities = Municipality.objects.filter(
            district__regions__in=Region.objects.all()
        ).distinct()
    written = 0
    with transaction.atomic():
        for municipality in municipalities:
            if Figure.objects.filter(municipality=municipality, is_demo=False).exists():
                continue
            values = demo_values(municipality)
            rows = [(key, value, DEMO_AS_OF) for key, value in values.items()]
            change = values[Key.POPULATION_CHANGE_5Y] / 100
            start = values[Key.POPULATION] / (1 + change)
            for years_back in range(1, DEMO_YEARS + 1):
                share = Decimal(DEMO_YEARS - years_back) / DEMO_YEARS
                population = (start + (values[Key.POPULATION] - start) * share).quantize(Decimal(1))
                when = DEMO_AS_OF.replace(year=DEMO_AS_OF.year - years_back)
                rows.append((Key.POPULATION, population, when))
            # One query for the municipality's figures and one write each for the new and the
            # changed ones (a query per figure made this most of `load_demo`'s time).
            existing = {
                (figure.key, figure.as_of): figure
                for figure in Figure.objects.filter(municipality=municipality)
            }
            new, changed = [], []
            for key, value, when in rows:
                figure = existing.get((key, when)) or Figure(
                    municipality=municipality, key=key, as_of=when
                )
                figure.value, figure.source, figure.is_demo = value, DEMO_SOURCE, True
                figure.updated_at = timezone.now()
                # The record rules (clean, fields); the uniqueness the constraints would query
                # for is given: each (key, as of) was looked up above and occurs once in rows.
                figure.full_clean(validate_constraints=False)
                (changed if figure.pk else new).append(figure)
            Figure.objects.bulk_create(new)
            Figure.objects.bulk_update(changed, ["value", "source", "is_demo", "updated_at"])
            written += len(new) + len(changed)
    return written
