"""A few demo investor cases (clearly named as demo) so the board has something to show."""

from django.db import transaction

from standortlotse.accounts.models import Organisation
from standortlotse.cases.models import Activity, Case, CaseShare, Source, Stage

DEMO_CASES = [
    (
        "Demo: Batteriezellen-Recycling GmbH",
        "Kreislaufwirtschaft",
        180,
        45_000_000,
        Stage.OFFERED,
        Source.STATE_AGENCY,
        True,
    ),
    ("Demo: Holzbau Nord AG", "Holzbau", 60, 12_000_000, Stage.SITE_VISIT, Source.FAIR, False),
    ("Demo: Agrar-Logistik KG", "Logistik", 35, 6_500_000, Stage.QUALIFIED, Source.INQUIRY, False),
    ("Demo: Solarglas Werke", "Photovoltaik", 240, 80_000_000, Stage.LEAD, Source.PARTNER, True),
]


@transaction.atomic
def create_demo_cases() -> int:
    owner = Organisation.state_agency()
    district_office = Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, municipality__name="Stendal"
    ).first()
    if owner is None:
        return 0
    created = 0
    for company, sector, jobs, volume, stage, source, confidential in DEMO_CASES:
        if Case.objects.filter(company=company).exists():
            continue
        case = Case.objects.create(
            company=company,
            sector=sector,
            jobs_planned=jobs,
            investment_eur=volume,
            stage=stage,
            source=source,
            confidential=confidential,
            owner=owner,
            description="Demo-Projekt: erfundene Angaben zu Demonstrationszwecken.",
        )
        Activity.objects.create(case=case, organisation=owner, text="Demo-Projekt angelegt.")
        if district_office and confidential:
            CaseShare.objects.create(
                case=case, organisation=district_office, company_disclosed=False
            )
        created += 1
    return created
