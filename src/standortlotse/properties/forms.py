"""Forms of the property register: the editor's form in sections, search, photos, documents."""

import json
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts import policy
from standortlotse.core.collation import CollatedModelChoiceField
from standortlotse.core.fields import EmailAddressFormField
from standortlotse.core.forms import checkboxes
from standortlotse.core.validators import (
    POINT_OUTSIDE_GERMANY,
    TEXT,
    TEXT_LINE,
    point_in_germany,
    validate_photo,
)
from standortlotse.geo.models import (
    District,
    InfrastructureFeature,
    Municipality,
    Region,
)
from standortlotse.properties import facts, readiness
from standortlotse.properties.facts import postcode_warning
from standortlotse.properties.models import (
    COMMERCIAL_KINDS,
    COMMERCIAL_ZONINGS,
    Availability,
    OwnerConsent,
    Property,
    PropertyDocument,
    RailSiding,
)
from standortlotse.properties.query import parse_area
from standortlotse.properties.selectors import SORTS, SearchCriteria

SECTIONS = [
    (
        _("Basics"),
        ["title", "kind", "municipality", "street", "postcode", "locality", "external_id"],
    ),
    (_("Location on the map"), ["lat", "lon", "outline"]),
    (_("Area"), ["area_total_m2", "area_available_m2", "divisible", "smallest_plot_m2"]),
    (
        _("Planning law"),
        [
            "zonings",
            "planning_status",
            "grz",
            "gfz",
            "bmz",
            "max_building_height_m",
            "operation_24_7",
            "noise_limits",
        ],
    ),
    (
        _("Marketing"),
        [
            "marketing_type",
            "price_per_m2",
            "price_on_request",
            "availability",
            "available_from",
            "owner_type",
            "funding_area",
            "funding_rate",
        ],
    ),
    (
        _("Transport access"),
        [
            "motorway_junction",
            "motorway_km",
            "federal_road_km",
            "rail_siding",
            "station_km",
            "long_distance_station_km",
            "rail_network_km",
            "inland_port_km",
            "airport_km",
        ],
    ),
    (
        _("Utilities"),
        [
            "electricity_kv",
            "electricity_mw",
            "gas",
            "hydrogen",
            "water",
            "waste_water",
            "broadband_mbits",
            "mobile_coverage",
        ],
    ),
    # The readiness checklist (readiness.ITEMS): the section "Baureife"; the edit page shows
    # above it which items are not clear yet (PropertyForm.readiness_summary).
    (_("Site readiness"), list(readiness.FIELDS)),
    (
        _("Housing: houses and building plots"),
        ["living_area_m2", "purchase_price", "monthly_rent", "kita_km", "school_km"],
    ),
    (_("Description"), ["description_de", "description_en"]),
    (
        _("Contact and source"),
        [
            "contact_name",
            "contact_organisation",
            "contact_email",
            "contact_phone",
            "data_source",
            "verified_on",
        ],
    ),
]

YES_NO_UNKNOWN = [("unknown", _("unknown")), ("true", _("yes")), ("false", _("no"))]


class YesNoUnknownSelect(forms.NullBooleanSelect):
    """Yes / no / unknown for a nullable yes-no field, in our words. Django's NullBooleanSelect
    shows the stored value (True → "true"); a plain Select compared "True" with "true", showed
    every stored answer as "unknown" and saved it so."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = YES_NO_UNKNOWN


OVERRIDE_PREFIX = "override_"
# The field after which a fact's reason field is shown.
OVERRIDE_AFTER = {spec.fields[-1]: spec.key for spec in facts.FACTS.values()}
NEEDS_REASON = _(
    "This value is computed (%(value)s). To enter another value, give the reason in the field "
    "below; to use the computed value, leave the field as it was or empty."
)
REASON_WITHOUT_VALUE = _(
    "Enter the value that applies, or clear the reason to use the computed value."
)


class PropertyForm(forms.ModelForm):
    outline = forms.CharField(
        label=capfirst(_("outline (GeoJSON polygon)")),  # as Django writes the model's labels
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "geojson"}),
        help_text=_("Drawn on the map, or pasted as GeoJSON (Polygon, WGS84)."),
    )

    class Meta:
        model = Property
        fields = [name for _title, names in SECTIONS for name in names]
        field_classes = {"municipality": CollatedModelChoiceField}
        widgets = {
            "description_de": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "verified_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "readiness_grid_upgrade_date": forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            ),
            "lat": forms.NumberInput(attrs={"step": "0.000001"}),
            "lon": forms.NumberInput(attrs={"step": "0.000001"}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            self.fields["municipality"].queryset = policy.editable_municipalities(user)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.NullBooleanField):
                form_field.widget = YesNoUnknownSelect()
        # A readiness item left out of the form (a form of an older page, a client that knows
        # only the other fields) keeps the record's status, "unknown" for a new one: Django's
        # construct_instance keeps a field's value when its input is omitted from the data. One
        # sent empty is still an error.
        for name in readiness.STATUS_FIELDS:
            if self.is_bound and name in self.fields and name not in self.data:
                self.fields[name].required = False
        if self.instance.outline and not self.is_bound:
            self.initial["outline"] = json.dumps(self.instance.outline)
        self.postcode_warning = ""
        self.kept_overrides: list[str] = []
        self._add_override_fields()

    # --- location facts: computed values, the editor's overrides with their reasons

    def _add_override_fields(self):
        """A reason field per fact that can be computed here (a data set with its kind is loaded, or the
        municipality's regional aid is known), or that has an override; the computed fields say
        what was computed."""
        overrides = self.instance.fact_overrides or {}
        # the kinds some loaded data set has (the Altmark's has no Kitas and schools: entered)
        kinds = set(InfrastructureFeature.objects.values_list("kind", flat=True).distinct())
        funding = Municipality.objects.exclude(funding=None).exists()
        for spec in facts.FACTS.values():
            available = funding if spec.key == "funding" else spec.kind in kinds
            if not (available or spec.key in overrides):
                continue
            self.fields[OVERRIDE_PREFIX + spec.key] = forms.CharField(
                label=_("Reason for another value than the computed one (%(fact)s)")
                % {"fact": spec.label},
                required=False,
                max_length=300,
                validators=TEXT_LINE,
                initial=overrides.get(spec.key, ""),
                help_text=_("Empty: the value computed from the municipality applies.")
                if spec.key == "funding"
                else _("Empty: the computed value applies and follows the point."),
            )
            note = facts.editor_note(spec.key, facts.provenance(self.instance, spec.key))
            if note:
                self.fields[spec.fields[-1]].help_text = note

    def _clean_location_facts(self, data):
        lat, lon, municipality = data.get("lat"), data.get("lon"), data.get("municipality")
        if lat is None or lon is None:
            return
        results = facts.compute(lat, lon, municipality)
        overrides = dict(self.instance.fact_overrides or {})
        for spec in facts.FACTS.values():
            name = OVERRIDE_PREFIX + spec.key
            if name not in self.fields:
                continue
            reason = (data.get(name) or "").strip()
            values = {field: data.get(field) for field in spec.fields}
            result = results.get(spec.key)
            if reason:
                if all(value in (None, "") for value in values.values()):
                    self.add_error(spec.fields[-1], REASON_WITHOUT_VALUE)
                overrides[spec.key] = reason
                continue
            overrides.pop(spec.key, None)
            changed = [field for field in spec.fields if field in self.changed_data]
            if changed and facts.differs(spec.key, values, result):
                self.add_error(
                    changed[0],
                    str(NEEDS_REASON) % {"value": facts.computed_text(spec.key, result)},
                )
        self.instance.fact_overrides = overrides
        if self.instance.pk and {"lat", "lon"} & set(self.changed_data):
            self.kept_overrides = [str(facts.FACTS[key].label) for key in overrides]

    def clean(self):
        data = super().clean()
        self._clean_location_facts(data)
        self.postcode_warning = postcode_warning(data.get("postcode"), data.get("municipality"))
        return data

    def sections(self):
        for title, names in SECTIONS:
            fields = []
            for name in names:
                fields.append(self[name])
                reason = OVERRIDE_PREFIX + OVERRIDE_AFTER.get(name, "")
                if name in OVERRIDE_AFTER and reason in self.fields:
                    fields.append(self[reason])
            yield title, fields

    def readiness_summary(self) -> dict:
        """The checklist as stored: its level and the items not clear yet (the editors see
        what is missing above the section)."""
        prop = self.instance
        return {"level": prop.get_readiness_level_display(), "missing": prop.readiness_missing()}

    def clean_outline(self):
        raw = (self.cleaned_data.get("outline") or "").strip()
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise ValidationError(_("The outline is not valid GeoJSON text.")) from None
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        return value

    # The rules spanning fields (area, price, availability date, point in Germany, owner consent)
    # live in Property.clean(), which the ModelForm runs and maps to the fields.

    def _post_clean(self):
        super()._post_clean()
        # An editor who sets the point replaces the import's municipality centre.
        if {"lat", "lon"} & set(self.changed_data):
            self.instance.location_approximate = False


def _model_label(name):
    return Property._meta.get_field(name).verbose_name


class LocationFactsForm(forms.Form):
    """What the editor form's live location facts are computed from, as the form holds it now
    (posted by htmx when the point or the municipality changes; nothing is saved): the point,
    the municipality (one the user may edit, as in the editor form), the postcode and the
    reasons given for other values than the computed ones."""

    lat = forms.FloatField(label=_model_label("lat"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_model_label("lon"), required=False, min_value=-180, max_value=180)
    municipality = forms.ModelChoiceField(
        label=_model_label("municipality"), queryset=Municipality.objects.none(), required=False
    )
    postcode = forms.CharField(label=_model_label("postcode"), required=False, max_length=10)
    # What the previous preview filled in (field → value as the input showed it): a value still
    # equal to it is the computation's, not the editor's, and goes when it is computable no more.
    facts_shown = forms.JSONField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = policy.editable_municipalities(user)
        for spec in facts.FACTS.values():
            self.fields[OVERRIDE_PREFIX + spec.key] = forms.CharField(
                required=False, max_length=300, validators=TEXT_LINE
            )

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if lat is not None and lon is not None and not point_in_germany(lat, lon):
            self.add_error("lat", POINT_OUTSIDE_GERMANY)
        if not isinstance(data.get("facts_shown"), dict):
            data["facts_shown"] = {}
        return data

    def point(self):
        """(lat, lon), or (None, None) while one of them is missing."""
        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        return (lat, lon) if lat is not None and lon is not None else (None, None)

    def reasons(self) -> dict[str, str]:
        return {
            key: (self.cleaned_data.get(OVERRIDE_PREFIX + key) or "").strip() for key in facts.FACTS
        }

    def error_lines(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for each error: the message names the field."""
        return [
            (f"id_{name}", str(self.fields[name].label or name), str(message))
            for name, messages in self.errors.items()
            if name in self.fields
            for message in messages
        ]


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("photo"), validators=[validate_photo])
    alt_text = forms.CharField(
        label=_("alternative text"),
        max_length=250,
        validators=TEXT_LINE,
        help_text=_("Describe what the photo shows, for people who cannot see it."),
    )
    credit = forms.CharField(
        label=_("photo credit"), max_length=150, required=False, validators=TEXT_LINE
    )


class DocumentForm(forms.ModelForm):
    class Meta:
        model = PropertyDocument
        fields = ["file", "title", "description", "readiness_item"]

    # The file is parsed as PDF by the model field (core.uploads.DocumentField), on every path.

    def __init__(self, *args, **kwargs):
        # Shown below the property's own form on the edit page: ids of its own ("id_title" is the
        # property's title), so each label names its input. The field names stay as they are.
        kwargs.setdefault("auto_id", "id_document_%s")
        super().__init__(*args, **kwargs)


RAIL_CHOICES = [
    ("", _("any")),
    (RailSiding.YES, _("existing")),
    (RailSiding.POSSIBLE, _("existing or possible")),
]
SORT_LABELS = {
    "newest": _("newest first"),
    "area_desc": _("largest area first"),
    "area_asc": _("smallest area first"),
    "price_asc": _("lowest price first"),
    "motorway": _("closest to motorway"),
    "title": _("title A–Z"),
}


class AreaField(forms.CharField):
    """An area in m², or in hectares with "ha": "5000", "50.000 m²", "5 ha", "2,5 ha"."""

    default_error_messages = {
        "invalid": _("Enter an area in m² (e.g. 5000 or 50000 m²) or in hectares (e.g. 5 ha)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("In m², or in hectares with “ha”: 5000, 50000 m², 5 ha."))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = {"inputmode": "decimal", "autocomplete": "off", "maxlength": "30"}
        return {**super().widget_attrs(widget), **attrs}

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > 30:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return parse_area(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


MOTORWAY_NAME = r"^\s*[Aa]\s?\d{1,3}\s*$"


def yes_no_any(label):
    return forms.NullBooleanField(
        label=label,
        required=False,
        widget=forms.Select(choices=[("", _("any")), ("true", _("yes")), ("false", _("no"))]),
    )


class RegionChoiceField(CollatedModelChoiceField):
    """A region by its slug; a number is taken as the region's ID (links made before the search
    named regions by slug)."""

    def to_python(self, value):
        if value not in self.empty_values and str(value).isdigit():
            found = self.queryset.filter(pk=int(value)).first()
            if found is not None:
                return found
        return super().to_python(value)


class SearchForm(forms.Form):
    """Public search filters. All optional; invalid values give a message, never a 500."""

    q = forms.CharField(
        label=_("Search text"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. hall from 5000 m², rail siding, on the A14"),
            }
        ),
    )
    # The commercial search: housing kinds and WA are the Wohnen overview's (models.Segment).
    kind = checkboxes(_("Kind"), [(k.value, k.label) for k in COMMERCIAL_KINDS])
    # ?region=prignitz (the slug, as the places search); the ID of older links and saved
    # searches is still understood.
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("all regions"),
        to_field_name="slug",
    )
    district = CollatedModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("all districts"),
    )
    municipality = CollatedModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("all municipalities"),
    )
    area_min = AreaField(label=_("Area from"), required=False)
    area_max = AreaField(label=_("Area up to"), required=False)
    zoning = checkboxes(_("Zoning"), [(z.value, z.label) for z in COMMERCIAL_ZONINGS])
    zoning.help_text = _("Any of those ticked: a GE/GI plot is found under GE and under GI.")
    availability = checkboxes(_("Availability"), Availability.choices)
    price_max = forms.DecimalField(
        label=_("Price up to (€/m²)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
    )
    rail_siding = forms.ChoiceField(label=_("Railway siding"), choices=RAIL_CHOICES, required=False)
    motorway_km_max = forms.DecimalField(
        label=_("Motorway junction within (km)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=1,
    )
    motorway = forms.RegexField(
        label=_("On the motorway"),
        regex=MOTORWAY_NAME,
        required=False,
        max_length=6,
        help_text=_("A motorway's name, e.g. A14."),
        error_messages={"invalid": _("Enter a motorway's name: A and its number, e.g. A14.")},
    )
    broadband_min = forms.IntegerField(
        label=_("Broadband at least (Mbit/s)"), required=False, min_value=0
    )
    funding_area = yes_no_any(_("GRW funding area"))
    operation_24_7 = yes_no_any(_("24/7 operation allowed"))
    hydrogen = yes_no_any(_("Hydrogen"))
    readiness = forms.ChoiceField(
        label=_("Site readiness"),
        required=False,
        choices=[
            ("", _("any")),
            ("ready", _("ready to build only")),
            ("mostly", _("ready to build or mostly clear")),
            ("clarifying", _("being clarified")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(key, SORT_LABELS[key]) for key in SORTS],
    )
    # Set by the map ("search in this map area", a drawn area): west,south,east,north.
    bbox = forms.CharField(
        label=_("Map area"), required=False, max_length=100, widget=forms.HiddenInput
    )

    def clean_bbox(self):
        value = self.cleaned_data.get("bbox", "").strip()
        if not value:
            return None
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(
                _("Give the map area as four numbers: west,south,east,north (degrees).")
            ) from None
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise forms.ValidationError(
                _(
                    "The map area needs west ≤ east and south ≤ north, within -180…180 and "
                    "-90…90 degrees."
                )
            )
        return (west, south, east, north)

    def clean(self):
        data = super().clean()
        low, high = data.get("area_min"), data.get("area_max")
        if low is not None and high is not None and low > high:
            self.add_error("area_max", _("'Area up to' must not be smaller than 'Area from'."))
        return data

    def api_query(self) -> str:
        """The valid, non-empty filters as API query parameters (for the map's data)."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for name, value in self.cleaned_data.items():
            if value in (None, "", []) or name == "sort":
                continue
            if hasattr(value, "pk"):
                value = value.pk
            if isinstance(value, bool):
                value = "true" if value else "false"
            if name == "bbox":
                value = ",".join(f"{part:g}" for part in value)
            query.setlist(
                name, [str(v) for v in value] if isinstance(value, list) else [str(value)]
            )
        return query.urlencode()

    def criteria(self) -> SearchCriteria:
        data = dict(self.cleaned_data)
        for key in ("municipality", "district", "region"):
            data[key] = data[key].pk if data.get(key) else None
        if data.get("motorway"):
            data["motorway"] = "A" + "".join(ch for ch in data["motorway"] if ch.isdigit())
        return SearchCriteria.from_mapping(data)


class OwnerForm(forms.Form):
    owner_name = forms.CharField(
        label=_("Owner"), max_length=200, required=False, validators=TEXT_LINE
    )
    owner_email = EmailAddressFormField(label=_("Owner's email"), required=False)
    owner_address = forms.CharField(
        label=_("Owner's postal address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=TEXT,
        help_text=_("For letters: name, street, postcode and town, one per line."),
    )
    owner_language = forms.ChoiceField(
        label=_("Language of the mails to the owner"),
        choices=settings.LANGUAGES,
        initial="de",
        required=False,  # not sent: the stored one stays
        help_text=_("An owner who answers on the English pages gets English mails from then on."),
    )


class ConsentRecordForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Answer"),
        widget=forms.RadioSelect,
        choices=[
            ("granted", _("The owner agrees to publication")),
            ("refused", _("The owner refuses")),
        ],
    )
    responded_on = forms.DateField(
        label=_("Answered on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    how = forms.ChoiceField(
        label=_("How"),
        choices=[(value, label) for value, label in OwnerConsent.How.choices if value != "online"],
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), validators=TEXT
    )
