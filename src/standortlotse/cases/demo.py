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


DEMO_OFFER_NOTE = (
    "Demo-Angebot: Sehr geehrte Damen und Herren, anbei zwei Flächen, die zu Ihrem Vorhaben "
    "passen. Gern zeigen wir Ihnen beide vor Ort."
)


@transaction.atomic
def create_demo_offer():
    """One demo site offer (English) for the first demo case, with two published properties;
    returns it (or None when there is no case, staff member or property to offer)."""
    from standortlotse.cases import offers
    from standortlotse.cases.models import Offer, OfferItem
    from standortlotse.properties.selectors import published_properties

    case = Case.objects.filter(company=DEMO_CASES[0][0]).first()
    if case is None:
        return None
    existing = case.offers.order_by("pk").first()
    if existing is not None:
        return existing
    contact = offers.contact_choices(case).first()
    props = list(published_properties().filter(lat__isnull=False).order_by("pk")[:2])
    if contact is None or not props:
        return None
    if case.profile is None:  # the space needs: the offer form lists the matching results
        from standortlotse.cases.models import SearchProfile

        case.profile = SearchProfile.objects.create(
            kinds=["plot"], area_min_m2=20_000, language="en"
        )
        case.save(update_fields=["profile"])
    if not case.contact_email:
        case.contact_name = "Demo Investor"
        case.contact_email = "investor@example.org"
        case.save(update_fields=["contact_name", "contact_email"])
    offer = Offer.objects.create(
        case=case, language="en", note=DEMO_OFFER_NOTE, contact=contact, created_by=contact
    )
    for position, prop in enumerate(props):
        OfferItem.objects.create(
            offer=offer,
            property=prop,
            position=position,
            note="Demo: erfundener Hinweis zu dieser Fläche.",
        )
    case.offered_properties.add(*props)
    Activity.objects.create(
        case=case, organisation=case.owner, text=f"Demo-Standortangebot {offer} angelegt."
    )
    return offer
