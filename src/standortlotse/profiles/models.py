"""Official figures of a municipality (or of a district where only that level is published):
population, age structure, employment, commuters, tax rates, broadband; each with its source
and the date it refers to. Written by the statistics import (``services.import_table``), the
back office and the demo loader, all through ``Figure.full_clean()``."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from standortlotse.core.fields import WebURLField
from standortlotse.core.validators import TEXT_LINE
from standortlotse.geo.models import District, Municipality

DEMO_SOURCE = "Demo-Wert (keine amtliche Zahl)"


class Key(models.TextChoices):
    POPULATION = "population", _("population")
    POPULATION_CHANGE_5Y = "population_change_5y_pct", _("population change in 5 years")
    AGE_UNDER_18 = "age_under_18_pct", _("aged under 18")
    AGE_18_64 = "age_18_64_pct", _("aged 18 to 64")
    AGE_65_PLUS = "age_65_plus_pct", _("aged 65 and over")
    AREA = "area_km2", _("area")
    EMPLOYEES_WORKPLACE = (
        "employees_workplace",
        _("employees subject to social insurance (place of work)"),
    )
    EMPLOYEES_RESIDENCE = (
        "employees_residence",
        _("employees subject to social insurance (place of residence)"),
    )
    COMMUTERS_IN = "commuters_in", _("commuters in")
    COMMUTERS_OUT = "commuters_out", _("commuters out")
    UNEMPLOYMENT_RATE = "unemployment_rate_pct", _("unemployment rate")
    TRADE_TAX_RATE = "trade_tax_rate_pct", _("trade tax multiplier (Gewerbesteuer-Hebesatz)")
    LAND_TAX_B_RATE = "land_tax_b_rate_pct", _("land tax B multiplier (Grundsteuer B)")
    BROADBAND_1000 = "broadband_1000_pct", _("households with 1 Gbit/s broadband")


# Counts: whole numbers, and the sum over municipalities is the district's (or region's) figure.
COUNTS = {
    Key.POPULATION,
    Key.EMPLOYEES_WORKPLACE,
    Key.EMPLOYEES_RESIDENCE,
    Key.COMMUTERS_IN,
    Key.COMMUTERS_OUT,
}
ADDITIVE = COUNTS | {Key.AREA}
# Shares of something: between 0 and 100.
SHARES = {
    Key.AGE_UNDER_18,
    Key.AGE_18_64,
    Key.AGE_65_PLUS,
    Key.UNEMPLOYMENT_RATE,
    Key.BROADBAND_1000,
}
# Hebesätze: percent of the base amount; the law sets 200 % as the least for the trade tax
# (§ 16 (4) GewStG), and no municipality asks more than 1,000 %.
RATES = {Key.TRADE_TAX_RATE, Key.LAND_TAX_B_RATE}
RATE_MAX = Decimal(1000)
TRADE_TAX_MIN = Decimal(200)
CHANGE_LIMIT = Decimal(100)
MAX_DIGITS, DECIMAL_PLACES = 14, 2


class Figure(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("municipality"),
    )
    # Only for figures published for the district as a whole (the municipality is empty then).
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("district"),
    )
    key = models.CharField(_("figure"), max_length=40, choices=Key.choices)
    value = models.DecimalField(_("value"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=300, validators=TEXT_LINE)
    source_url = WebURLField(_("source address"), blank=True)
    is_demo = models.BooleanField(_("demo value"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["key", "-as_of"]
        verbose_name = _("official figure")
        verbose_name_plural = _("official figures")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "key", "as_of"],
                condition=Q(municipality__isnull=False),
                name="figure_one_per_municipality_key_date",
            ),
            models.UniqueConstraint(
                fields=["district", "key", "as_of"],
                condition=Q(district__isnull=False),
                name="figure_one_per_district_key_date",
            ),
            models.CheckConstraint(
                condition=Q(municipality__isnull=True, district__isnull=False)
                | Q(municipality__isnull=False, district__isnull=True),
                name="figure_of_a_municipality_or_a_district",
            ),
        ]

    def __str__(self):
        return f"{self.subject}: {self.get_key_display()} {self.value} ({self.as_of:%Y-%m-%d})"

    @property
    def subject(self):
        return self.municipality if self.municipality_id else self.district

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if bool(self.municipality_id) == bool(self.district_id):
            errors.setdefault("municipality", []).append(
                _("A figure belongs either to a municipality or to a district.")
            )
        problem = value_problem(self.key, self.value)
        if problem:
            errors.setdefault("value", []).append(problem)
        if not (self.source or "").strip():
            errors.setdefault("source", []).append(_("Name the source of the figure."))
        if self.is_demo != (self.source == DEMO_SOURCE):
            # Demo values stay recognisable wherever the figure is shown or exported.
            errors.setdefault("source", []).append(
                _("A demo value, and only a demo value, has the source “%(source)s”.")
                % {"source": DEMO_SOURCE}
            )
        if errors:
            raise ValidationError(errors)


def value_problem(key: str, value) -> str:
    """What is wrong with ``value`` for the figure ``key`` ("" when nothing): the record rule,
    also the import's per-cell check."""
    if value is None:
        return str(_("Enter a value."))
    value = Decimal(value)
    if not value.is_finite():
        return str(_("Enter a number."))
    if abs(value) >= Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES):
        return str(_("The number is too large."))
    if key in COUNTS and value != value.to_integral_value():
        return str(_("A count is a whole number."))
    if key in COUNTS | {Key.AREA} and value < 0:
        return str(_("The value cannot be negative."))
    if key in SHARES and not 0 <= value <= 100:
        return str(_("A share lies between 0 and 100 %."))
    if key == Key.POPULATION_CHANGE_5Y and abs(value) > CHANGE_LIMIT:
        return str(_("A change of more than 100 % is not plausible."))
    if key in RATES and not 0 <= value <= RATE_MAX:
        return str(_("A multiplier lies between 0 and 1,000 %."))
    if key == Key.TRADE_TAX_RATE and value < TRADE_TAX_MIN:
        return str(_("The trade tax multiplier is at least 200 % by law."))
    return ""
