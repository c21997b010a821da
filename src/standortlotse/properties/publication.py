"""The publication gate: what a property needs before it goes public.

Each region chooses its requirements (``geo.Region.publish_requirements``, edited with the
region in the admin; default ``geo.models.DEFAULT_PUBLISH_REQUIREMENTS``: photo, description,
available area, availability, contact). A record whose municipality lies in no region meets the
default. This module says what each requirement means; ``Property.publication_gaps()`` applies
them to a record and ``Property.gate_errors()`` is the record rule every write path meets:

* going public (``services.change_status`` for the editor's button, the API and nothing else;
  the admin's status field through ``clean()``) needs every requirement — a regional moderator
  (``policy.can_override_gate``) may publish anyway with a reason, kept in the history;
* an edit of a published record (editor form, API, admin) must not take away what the record
  has: it keeps gaps it had when it went public before the gate existed, but gets no new ones;
* the import creates a row below the gate as a draft even with "publish", with a note.

Housing (building plots and houses, ``models.HOUSING_KINDS``) meets the same requirements of its
region, read for what a family asks: "available area" is a commercial notion (the part of an
estate still free, of which an investor buys some); a house is offered whole and a building plot
is one plot. So for a building plot the region's "available area" asks the plot size (the total
area) and for a house its living area (``for_kind``); "price or on request" is met by the price
per m², the purchase price or the monthly rent. Everything else (photo, description, contact,
availability, the zoning if the region asks it: WA or "none") is asked as for any record.

Removing the last photo of a public record is never refused (a photo may have to go at once,
for its rights or a person in it); the record then lists the gap like any other.

"Contact" is met when the contact rule (``inquiries.routing.property_contact``: the one rule
for who is shown and who gets the inquiry) yields an email address: the record's own contact,
else the office the inquiry reaches. The inquiries app sits above this one and registers the
rule in its ``AppConfig.ready()`` (``set_contact_rule``); without it only the record's own
address counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from standortlotse.core.validators import valid_email
from standortlotse.geo.models import DEFAULT_PUBLISH_REQUIREMENTS, PublishRequirement


@dataclass(frozen=True)
class Requirement:
    key: str
    label: Promise
    field: str  # the editor form's field the requirement is filled in ("" for the photos)
    anchor: str  # where the editor page shows it: the input's id, or the photos section


def _requirement(key: str, field: str, anchor: str = "") -> Requirement:
    return Requirement(key, PublishRequirement(key).label, field, anchor or f"id_{field}")


REQUIREMENTS: dict[str, Requirement] = {
    r.key: r
    for r in (
        _requirement("photo", "", "photos"),
        _requirement("description", "description_de"),
        _requirement("area_available", "area_available_m2"),
        _requirement("availability", "availability"),
        _requirement("contact", "contact_email"),
        _requirement("price_or_request", "price_per_m2"),
        _requirement("zoning", "zonings", "id_zonings_0"),
        _requirement("planning_status", "planning_status"),
        _requirement("marketing_type", "marketing_type"),
        _requirement("exact_location", "lat"),
        _requirement("description_en", "description_en"),
        # housing's reading of "available area" (for_kind)
        Requirement("plot_size", _("plot size"), "area_total_m2", "id_area_total_m2"),
        Requirement("living_area", _("living area"), "living_area_m2", "id_living_area_m2"),
    )
}
ORDER = list(PublishRequirement.values)
# What a requirement of the region means for a housing kind (the others mean the same).
HOUSING_REQUIREMENTS = {
    "building_plot": {"area_available": "plot_size"},
    "house": {"area_available": "living_area"},
}


def for_kind(required: list[str], kind: str) -> list[str]:
    """The region's requirements as they apply to a record of ``kind`` (same order)."""
    meaning = HOUSING_REQUIREMENTS.get(kind)
    if not meaning:
        return list(required)
    return [meaning.get(key, key) for key in required]


PUBLISH_REFUSED = _("Not published: %(missing)s missing.")
OVERRIDE_HINT = _("A regional moderator may publish it anyway, giving a reason.")
NEEDED_TO_PUBLISH = _("Needed for publishing: %(requirement)s.")
NEEDED_WHILE_PUBLIC = _(
    "Needed while the record is published: fill it in, or take the record back to draft first."
)
CONTACT_HINT = _(
    "The contact is there when the record gives a contact email or the office the inquiries "
    "reach has an address."
)
OVERRIDE_REASON_MAX = 500


def labels(keys: Iterable[str]) -> list[str]:
    return [str(REQUIREMENTS[key].label) for key in keys if key in REQUIREMENTS]


def missing_text(keys: Iterable[str]) -> str:
    """ "photo, description" in the active language."""
    return ", ".join(labels(keys))


def needed(key: str, public: bool = False) -> str:
    """The message for the field of a missing requirement: before publishing, or (``public``)
    when an edit would take it from a published record."""
    text = str(
        NEEDED_WHILE_PUBLIC
        if public
        else NEEDED_TO_PUBLISH % {"requirement": REQUIREMENTS[key].label}
    )
    return f"{text} {CONTACT_HINT}" if key == "contact" else text


def refusal(keys: list[str]) -> str:
    return str(PUBLISH_REFUSED % {"missing": missing_text(keys)})


class BelowGate(ValidationError):
    """Publishing refused: the record lacks ``gaps`` (requirement keys). Per field for the API
    (the photos under "photos"), one sentence for the pages (``summary``)."""

    def __init__(self, gaps: list[str], hint: bool = False):
        self.gaps = list(gaps)
        self.summary = refusal(self.gaps) + (f" {OVERRIDE_HINT}" if hint else "")
        super().__init__(
            {(REQUIREMENTS[key].field or "photos"): [needed(key)] for key in self.gaps}
        )


# --- the contact rule, registered by the inquiries app ----------------------------------------

_contact_rule: Callable | None = None


def set_contact_rule(rule: Callable) -> None:
    """``rule(prop) -> str``: the email address an inquiry about ``prop`` reaches ("" if none)."""
    global _contact_rule
    _contact_rule = rule


def contact_email(prop) -> str:
    own = valid_email(prop.contact_email or "")
    if own or _contact_rule is None or prop.municipality_id is None:
        return own
    return _contact_rule(prop) or ""


# --- the requirements of a record's region ------------------------------------------------------


def requirements_of_municipality(municipality) -> list[str]:
    if municipality is None:
        return list(DEFAULT_PUBLISH_REQUIREMENTS)
    region = municipality.region
    if region is None:
        return list(DEFAULT_PUBLISH_REQUIREMENTS)
    return [key for key in ORDER if key in (region.publish_requirements or [])]


def _filled(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {})


def meets(prop, key: str, photo_count: int, email: Callable[[], str]) -> bool:
    if key == "photo":
        return photo_count > 0
    if key == "description":
        return _filled(prop.description_de) or _filled(prop.description_en)
    if key == "description_en":
        return _filled(prop.description_en)
    if key == "area_available":
        return bool(prop.area_available_m2)
    if key == "availability":
        return _filled(prop.availability) and (
            prop.availability != "from_date" or prop.available_from is not None
        )
    if key == "contact":
        return bool(email())
    if key == "price_or_request":
        return (
            prop.price_per_m2 is not None
            or getattr(prop, "purchase_price", None) is not None
            or getattr(prop, "monthly_rent", None) is not None
            or bool(prop.price_on_request)
        )
    if key == "plot_size":
        return bool(prop.area_total_m2)
    if key == "living_area":
        return bool(prop.living_area_m2)
    if key == "zoning":
        return _filled(prop.zonings)
    if key == "exact_location":
        return not prop.location_approximate and prop.lat is not None
    return _filled(getattr(prop, key, None))


# The requirements a record's own fields meet or not; "photo" and "contact" depend on what is
# attached to it and on the office of its municipality.
FIELD_REQUIREMENTS = [
    *(key for key in ORDER if key not in ("photo", "contact")),
    *(key for meaning in HOUSING_REQUIREMENTS.values() for key in meaning.values()),
]


def unmet_by_fields(prop) -> list[str]:
    """The requirements of any region (for any kind) the record's fields do not meet: with the
    record's photos and contact address, what the gate of its region asks when it is applied
    later (``gaps_of``)."""
    return [key for key in FIELD_REQUIREMENTS if not meets(prop, key, 0, email=str)]


def gaps_of(unmet: list[str], required: list[str], kind: str, photo_count: int, email) -> list[str]:
    """What ``Property.publication_gaps`` gives for a record whose ``unmet_by_fields`` are known:
    the region's requirements (``required``, as they apply to ``kind``) it does not meet."""
    missing = set(unmet)
    gaps = []
    for key in for_kind(required, kind):
        if key == "photo":
            met = photo_count > 0
        elif key == "contact":
            met = bool(email())
        else:
            met = key not in missing
        if not met:
            gaps.append(key)
    return gaps


class GateCache:
    """The gate of many records at once (a page of the editor list, a batch of an import): the
    requirements and the office's address looked up once per municipality. The office an
    inquiry about a property reaches depends on the record only through its municipality
    (``inquiries.routing.route`` for the topic "property"), so a record without an address of
    its own shares it with the others of its municipality."""

    def __init__(self):
        self._requirements: dict[int, list[str]] = {}
        self._office: dict[int, str] = {}

    def requirements(self, prop) -> list[str]:
        key = prop.municipality_id
        if key not in self._requirements:
            self._requirements[key] = requirements_of_municipality(
                prop.municipality if key else None
            )
        return self._requirements[key]

    def contact_email(self, prop, own: str | None = None) -> str:
        """The record's own valid address (``own`` instead of its field where given, e.g. a
        staged record's), else its municipality's office's."""
        own = valid_email((prop.contact_email if own is None else own) or "")
        if own or prop.municipality_id is None:
            return own
        if prop.municipality_id not in self._office:
            self._office[prop.municipality_id] = contact_email(prop)
        return self._office[prop.municipality_id]

    def gaps(self, prop, photo_count: int) -> list[str]:
        return prop.publication_gaps(
            photo_count=photo_count,
            required=self.requirements(prop),
            email=lambda: self.contact_email(prop),
        )


def checked_reason(reason: str) -> str:
    """A moderator's reason for publishing below the gate: required, one paragraph of text."""
    from standortlotse.core.validators import TEXT

    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            {"override_reason": [_("Give the reason for publishing the incomplete record.")]}
        )
    if len(reason) > OVERRIDE_REASON_MAX:
        raise ValidationError(
            {
                "override_reason": [
                    _("At most %(count)d characters, please.") % {"count": OVERRIDE_REASON_MAX}
                ]
            }
        )
    for validator in TEXT:
        try:
            validator(reason)
        except ValidationError as error:
            raise ValidationError({"override_reason": error.messages}) from None
    return reason


# The history keeps the override as the change reason of the publishing entry:
# "publish override [photo,description]: <reason>" (services.changes_of reads it back).
OVERRIDE_PREFIX = "publish override"


def override_change_reason(gaps: list[str], reason: str) -> str:
    return f"{OVERRIDE_PREFIX} [{','.join(gaps)}]: {reason}"


def parse_override(change_reason: str) -> tuple[list[str], str] | None:
    if not change_reason.startswith(OVERRIDE_PREFIX + " ["):
        return None
    head, _sep, reason = change_reason.partition("]: ")
    keys = head[len(OVERRIDE_PREFIX) + 2 :].split(",")
    return [k for k in keys if k], reason
