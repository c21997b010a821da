"""German planning and funding terms explained for investors from abroad (and for laypeople).

The term stays German (it is what plans, notaries and offices write); the explanation is a msgid
in English with a plain German translation. ``terms_for(prop)`` says which terms a record's facts
use, by fact key (see ``presenters.fact_groups``)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    key: str
    term: str  # German, as written in plans and contracts
    expansion: str  # the German words behind an abbreviation ("" when none)
    explanation: Promise

    @property
    def anchor(self) -> str:
        return f"term-{self.key}"


TERMS = {
    t.key: t
    for t in (
        Term(
            "bplan",
            "B-Plan",
            "Bebauungsplan",
            _(
                "Binding local land-use plan adopted by the municipality. It fixes what may be "
                "built on a plot (use, density, height); a building that complies gets its permit "
                "without discretion. A plan 'in preparation' is not yet binding."
            ),
        ),
        Term(
            "section34",
            "§34 BauGB",
            "Baugesetzbuch, § 34",
            _(
                "Plot inside a built-up area without a binding land-use plan. A project is allowed "
                "if it fits in with its surroundings (kind and size of the neighbouring buildings); "
                "the building authority decides case by case."
            ),
        ),
        Term(
            "fnp",
            "FNP",
            "Flächennutzungsplan",
            _(
                "Preparatory land-use plan for the whole municipality. It shows the intended use "
                "but gives no right to build; a binding land-use plan (B-Plan) is needed first."
            ),
        ),
        Term(
            "zoning",
            "GE / GI / MI / SO",
            "Gewerbe-, Industrie-, Misch-, Sondergebiet",
            _(
                "Zone types of the land-use ordinance: GE commercial (businesses that do not "
                "disturb much), GI industrial (also noisy or emitting plants, 24/7), MI mixed "
                "(living and business), SO special zone for a named use (e.g. energy, logistics)."
            ),
        ),
        Term(
            "grz",
            "GRZ",
            "Grundflächenzahl",
            _(
                "Site coverage ratio: the share of the plot that buildings may cover. GRZ 0.8 on "
                "10,000 m² allows 8,000 m² of footprint."
            ),
        ),
        Term(
            "gfz",
            "GFZ",
            "Geschossflächenzahl",
            _(
                "Floor area ratio: total floor area of all storeys per m² of plot. GFZ 2.4 on "
                "10,000 m² allows 24,000 m² of floor space."
            ),
        ),
        Term(
            "bmz",
            "BMZ",
            "Baumassenzahl",
            _(
                "Building volume ratio, used for halls: cubic metres of building per m² of plot. "
                "BMZ 10 on 10,000 m² allows 100,000 m³."
            ),
        ),
        Term(
            "grw",
            "GRW",
            "Gemeinschaftsaufgabe „Verbesserung der regionalen Wirtschaftsstruktur“",
            _(
                "The federal and state programme for regional economic development. In a GRW "
                "funding area an investment that creates or secures jobs can receive a grant of "
                "up to the stated share of the eligible costs (higher for small and medium-sized "
                "companies); apply before you start the project."
            ),
        ),
        Term(
            "erbbaurecht",
            "Erbbaurecht",
            "",
            _(
                "Hereditary building right: you own the building but lease the land, usually for "
                "60 to 99 years, for an annual ground rent instead of a purchase price. It is "
                "entered in the land register and can be sold, inherited and mortgaged."
            ),
        ),
    )
}

PLANNING_STATUS_TERMS = {
    "bplan": "bplan",
    "in_preparation": "bplan",
    "section_34": "section34",
    "fnp_only": "fnp",
}


def terms_for_fact(prop, key: str) -> list[Term]:
    """The terms the value of one fact uses."""
    keys: list[str] = []
    if key == "planning_status" and prop.planning_status:
        keys.append(PLANNING_STATUS_TERMS.get(prop.planning_status, ""))
    elif key == "zonings" and any(z in ("GE", "GI", "MI", "SO") for z in prop.zonings or []):
        keys.append("zoning")
    elif key == "ratios":
        keys += [k for k, v in (("grz", prop.grz), ("gfz", prop.gfz), ("bmz", prop.bmz)) if v]
    elif key == "funding_area" and prop.funding_area is not None:
        keys.append("grw")
    elif key == "marketing_type" and prop.marketing_type == "hereditary_lease":
        keys.append("erbbaurecht")
    return [TERMS[k] for k in keys if k in TERMS]
