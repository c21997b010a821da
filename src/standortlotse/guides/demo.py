"""Demo guides, contacts and events for the Altmark (idempotent), and generated guides for load tests."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from standortlotse.accounts.models import Organisation
from standortlotse.geo.models import District, Municipality, Region
from standortlotse.guides.models import Audience, Contact, Event, Guide, Status, Theme

DEMO = "(Demo)"

# organisation, kind, person ("" for an office), role (German, English), topics, audiences,
# districts (keys), municipalities served, email. The organisation's own area (its district or
# municipality) follows from the kind: an economic development office of the one district, a
# municipal administration of the one municipality. New offices name no person and no phone
# number: the role says "(Demo)".
CONTACTS = [
    (
        "Wirtschaftsförderung Landkreis Stendal",
        Organisation.Kind.ECONOMIC_DEVELOPMENT,
        "Anna Schulze",
        ("Ansiedlung und Gewerbeflächen", "Business location and commercial land"),
        ["investment", "founding", "property"],
        ["investor", "founder"],
        ["15090"],
        [],
        "beratung@altmark.example",
    ),
    (
        "Wirtschaftsförderung Altmarkkreis Salzwedel",
        Organisation.Kind.ECONOMIC_DEVELOPMENT,
        "Jens Krüger",
        ("Ansiedlung und Fachkräfte", "Business location and skilled workers"),
        ["investment", "founding", "work"],
        ["investor", "founder"],
        ["15081"],
        [],
        "beratung@altmark.example",
    ),
    (
        "Rückkehr-Netzwerk Altmark",
        Organisation.Kind.NETWORK_PARTNER,
        "Katrin Wendt",
        (
            "Beratung für Rückkehrende und Zuziehende",
            "Advice for people moving back or moving here",
        ),
        ["work", "housing", "life"],
        ["returner", "newcomer"],
        [],
        [],
        "beratung@altmark.example",
    ),
    (
        "Fachkräfteservice Altmark",
        Organisation.Kind.NETWORK_PARTNER,
        "Tobias Lange",
        ("Jobs, Anerkennung, Fachkräfte", "Jobs, recognition of qualifications, skilled workers"),
        ["work"],
        ["returner", "newcomer", "stayer"],
        [],
        [],
        "beratung@altmark.example",
    ),
    (
        "Hansestadt Stendal – Wirtschaftsförderung",
        Organisation.Kind.MUNICIPALITY,
        "Maria Vogel",
        ("Bauplätze und Leerstand in Stendal", "Building plots and empty buildings in Stendal"),
        ["housing", "property"],
        [],
        [],
        ["Stendal"],
        "beratung@altmark.example",
    ),
    (
        "Gründungsnetzwerk Altmark",
        Organisation.Kind.NETWORK_PARTNER,
        "Paul Richter",
        ("Gründungsberatung und Förderung", "Start-up advice and funding"),
        ["founding"],
        ["founder"],
        [],
        [],
        "beratung@altmark.example",
    ),
    # Every district answers work, housing and life itself (the guided entry's contact where a
    # municipality has none of its own, and for visitors who chose no municipality).
    (
        "Wirtschaftsförderung Landkreis Stendal",
        Organisation.Kind.ECONOMIC_DEVELOPMENT,
        "",
        (
            "Willkommensservice: Arbeit, Wohnen und Leben im Landkreis Stendal (Demo)",
            "Welcome service: work, housing and life in the district of Stendal (demo)",
        ),
        ["work", "housing", "life"],
        [],
        ["15090"],
        [],
        "willkommen@landkreis-stendal.example",
    ),
    (
        "Wirtschaftsförderung Altmarkkreis Salzwedel",
        Organisation.Kind.ECONOMIC_DEVELOPMENT,
        "",
        (
            "Willkommensservice: Arbeit, Wohnen und Leben im Altmarkkreis Salzwedel (Demo)",
            "Welcome service: work, housing and life in the Altmarkkreis Salzwedel (demo)",
        ),
        ["work", "housing", "life"],
        [],
        ["15081"],
        [],
        "willkommen@altmarkkreis-salzwedel.example",
    ),
    # Two towns with offices of their own: the guided entry shows them for their town.
    (
        "Hansestadt Stendal – Wirtschaftsförderung",
        Organisation.Kind.MUNICIPALITY,
        "",
        ("Arbeiten und Leben in Stendal (Demo)", "Working and living in Stendal (demo)"),
        ["work", "life"],
        [],
        [],
        ["Stendal"],
        "willkommen@stendal.example",
    ),
    (
        "Hansestadt Gardelegen – Stadtverwaltung",
        Organisation.Kind.MUNICIPALITY,
        "",
        (
            "Bauplätze, Wohnen und Leben in Gardelegen (Demo)",
            "Building plots, housing and life in Gardelegen (demo)",
        ),
        ["housing", "life"],
        [],
        [],
        ["Gardelegen"],
        "buergerservice@gardelegen.example",
    ),
]

# slug, theme, audiences, title (de, en), summary (de, en), text (de, en), contact
GUIDES = [
    (
        "zurueck-in-die-altmark",
        Theme.WORK,
        ["returner"],
        ("Zurück in die Altmark: Arbeit finden", "Back to the Altmark: finding work"),
        (
            "Jobs, Netzwerke und Beratung für Rückkehrende.",
            "Jobs, networks and advice for people coming back.",
        ),
        (
            (
                "## Jobs finden\n\nViele Betriebe der Altmark suchen Fachkräfte. "
                "Das **Rückkehr-Netzwerk** vermittelt Kontakte.\n\n"
                "## Beratung\n\n- Gespräch vor dem Umzug\n- Hilfe bei Bewerbungen\n- Kontakte zu Arbeitgebern\n"
            ),
            (
                "## Finding a job\n\nMany firms in the Altmark are looking for skilled staff. "
                "The **returners' network** puts you in touch with them.\n\n"
                "## Advice\n\n- A talk before you move\n- Help with applications\n"
                "- Introductions to employers\n"
            ),
        ),
        2,
    ),
    (
        "wohnen-und-bauen",
        Theme.HOUSING,
        ["returner", "newcomer", "stayer"],
        ("Wohnen und Bauen", "Housing and building"),
        (
            "Bauplätze, Mietwohnungen und leerstehende Häuser mit Potenzial.",
            "Building plots, flats to rent and empty houses with potential.",
        ),
        (
            (
                "## Bauplätze\n\nDie Gemeinden bieten günstige Bauplätze an.\n\n"
                "## Leerstand nutzen\n\nAlte Höfe und Häuser warten auf neue Ideen. "
                "Fördermittel helfen bei der Sanierung.\n"
            ),
            (
                "## Building plots\n\nThe municipalities offer building plots at moderate prices.\n\n"
                "## Giving empty buildings a new use\n\nOld farmsteads and houses are waiting for "
                "new ideas. Grants help with the renovation.\n"
            ),
        ),
        4,
    ),
    (
        "kinderbetreuung-und-schulen",
        Theme.LIFE,
        ["returner", "newcomer", "stayer"],
        ("Kinderbetreuung und Schulen", "Childcare and schools"),
        (
            "Kita-Plätze, Schulen und Wege dorthin.",
            "Nursery places, schools and how children get there.",
        ),
        (
            (
                "## Kita\n\nIn der Altmark gibt es in der Regel kurze Wartezeiten.\n\n"
                "## Schulen\n\nGrund- und weiterführende Schulen, Schulbus inklusive.\n"
            ),
            (
                "## Nurseries\n\nWaiting times for a nursery place in the Altmark are usually "
                "short.\n\n## Schools\n\nPrimary and secondary schools, with a school bus.\n"
            ),
        ),
        2,
    ),
    (
        "gesundheit-und-mobilitaet",
        Theme.LIFE,
        [],
        ("Gesundheit und Mobilität", "Health and getting around"),
        ("Ärztinnen, Kliniken, Bus und Bahn.", "Doctors, hospitals, buses and trains."),
        (
            (
                "## Gesundheit\n\nKliniken in Stendal und Salzwedel.\n\n## Mobilität\n\n"
                "ICE-Halt Stendal, Rufbus in der Fläche.\n"
            ),
            (
                "## Health\n\nHospitals in Stendal and Salzwedel.\n\n## Getting around\n\n"
                "Stendal has an ICE high-speed rail stop; in the villages, an on-demand bus runs "
                "when you book it.\n"
            ),
        ),
        3,
    ),
    (
        "gruenden-in-der-altmark",
        Theme.WORK,
        ["founder"],
        ("Gründen in der Altmark", "Starting a business in the Altmark"),
        ("Beratung, Förderung, Räume.", "Advice, funding, premises."),
        (
            (
                "## Beratung\n\nDas Gründungsnetzwerk berät kostenlos.\n\n## Räume\n\n"
                "Coworking-Spaces und günstige Gewerbeflächen.\n"
            ),
            (
                "## Advice\n\nThe start-up network gives advice free of charge.\n\n"
                "## Premises\n\nCoworking spaces and affordable commercial space.\n"
            ),
        ),
        5,
    ),
    (
        "investieren-standortfaktoren",
        Theme.WORK,
        ["investor"],
        ("Investieren: Standortfaktoren", "Investing: location factors"),
        (
            "Flächen, Verkehr, Energie, Förderung (GRW).",
            "Land, transport, energy, funding (GRW).",
        ),
        (
            (
                "## Flächen\n\nGroße, erschlossene Industrieflächen an A14 und B189.\n\n"
                "## Förderung\n\nGRW-Fördergebiet.\n"
            ),
            (
                "## Land\n\nLarge serviced industrial sites along the A14 motorway and the B189.\n\n"
                "## Funding\n\nThe whole region is a GRW assisted area: investment grants are "
                "available.\n"
            ),
        ),
        0,
    ),
    # The cells that had no guide of their own (guides.coverage lists any left).
    (
        "herziehen-und-arbeiten",
        Theme.WORK,
        ["newcomer"],
        (
            "Herziehen und arbeiten: Stellen, Anerkennung, Pendeln",
            "Moving here and working: jobs, recognition, commuting",
        ),
        (
            "Eine Stelle finden, den Berufsabschluss anerkennen lassen, mit Bahn und Auto pendeln.",
            "Finding a job, getting your qualification recognised, commuting by train or car.",
        ),
        (
            (
                "## Stellen finden\n\nGesucht werden vor allem Fachkräfte in Pflege, Handwerk, "
                "Logistik und Industrie. Stellen finden Sie bei der Agentur für Arbeit und direkt "
                "bei den Betrieben; der **Fachkräfteservice** hilft bei der Suche.\n\n"
                "## Abschluss anerkennen lassen\n\nWer einen Berufsabschluss aus dem Ausland "
                "mitbringt, lässt ihn anerkennen. Welche Stelle zuständig ist, zeigt das Portal "
                "„Anerkennung in Deutschland“.\n\n## Pendeln\n\n- ICE-Halt in Stendal\n"
                "- Regionalzüge von Stendal nach Magdeburg, Salzwedel, Uelzen und Wittenberge\n"
                "- Arbeiten von zu Hause: fragen Sie nach dem Glasfaseranschluss in Ihrem Ort\n"
            ),
            (
                "## Finding a job\n\nSkilled workers are wanted above all in care, the crafts, "
                "logistics and industry. You find vacancies at the employment agency (Agentur für "
                "Arbeit) and directly at the firms; the **skilled workers' service** helps you "
                "look.\n\n## Getting your qualification recognised\n\nIf you trained abroad, "
                'have your qualification recognised. The portal "Recognition in Germany" '
                "(Anerkennung in Deutschland) shows which office is responsible.\n\n"
                "## Commuting\n\n- ICE high-speed stop in Stendal\n"
                "- Regional trains from Stendal to Magdeburg, Salzwedel, Uelzen and Wittenberge\n"
                "- Working from home: ask about the fibre connection where you want to live\n"
            ),
        ),
        3,
    ),
    (
        "hierbleiben-und-weiterkommen",
        Theme.WORK,
        ["stayer"],
        (
            "Hierbleiben und weiterkommen: Ausbildung, Weiterbildung, Aufstieg",
            "Staying and getting ahead: training, further education, promotion",
        ),
        (
            (
                "Ausbildung im Betrieb, Meister- und Technikerkurse mit Aufstiegs-BAföG, neue "
                "Aufgaben in der Region."
            ),
            (
                "Apprenticeships, master craftsman and technician courses with Aufstiegs-BAföG, "
                "new jobs in the region."
            ),
        ),
        (
            (
                "## Ausbildung\n\nViele Betriebe bilden aus und übernehmen ihre Auszubildenden. "
                "Die Kammern beraten zu den Ausbildungsberufen.\n\n## Weiterbildung\n\n"
                "- Meisterin, Techniker, Fachwirtin: das **Aufstiegs-BAföG** fördert Lehrgang "
                "und Prüfung\n- Die Agentur für Arbeit berät auch Beschäftigte zur "
                "Weiterbildung\n\n## Neue Aufgaben\n\nSie wollen den Betrieb wechseln, aber "
                "nicht wegziehen? Der Fachkräfteservice kennt die Arbeitgeber der Region.\n"
            ),
            (
                "## Apprenticeships\n\nMany firms train apprentices and keep them on "
                "afterwards. The chambers advise on the trades you can learn.\n\n"
                "## Further education\n\n- Master craftsman, technician, business "
                "administrator: **Aufstiegs-BAföG** pays towards the course and the exam\n"
                "- The employment agency also advises people in work about further training\n\n"
                "## A new job\n\nWant to change employer without moving away? The skilled "
                "workers' service knows the employers of the region.\n"
            ),
        ),
        3,
    ),
    (
        "gruenden-und-wohnen",
        Theme.HOUSING,
        ["founder"],
        (
            "Gründen und wohnen: Hof, Werkstatt und Wohnung unter einem Dach",
            "Founding and living: farmstead, workshop and home under one roof",
        ),
        (
            "Leerstehende Höfe für Wohnen und Arbeiten, Probewohnen, was vorher zu klären ist.",
            "Empty farmsteads to live and work in, trial living, what to clear up first.",
        ),
        (
            (
                "## Wohnen, wo Sie arbeiten\n\nIn vielen Dörfern stehen Höfe mit Scheune oder "
                "Stall leer: Platz für Werkstatt, Atelier oder Hofladen und die Wohnung "
                "daneben.\n\n## Vorher klären\n\n- Ob das Gewerbe dort erlaubt ist: die "
                "Bauaufsicht des Landkreises (Nutzungsänderung)\n- Förderung für die Sanierung: "
                "die Gemeinde und die Wirtschaftsförderung\n\n## Erst einmal ausprobieren\n\n"
                "Kreativorte bieten **Probewohnen** und Coworking: so lernen Sie den Ort kennen, "
                "bevor Sie kaufen.\n"
            ),
            (
                "## Living where you work\n\nIn many villages, farmsteads with a barn or a "
                "stable stand empty: room for a workshop, a studio or a farm shop with your home "
                "next to it.\n\n## Clear up first\n\n- Whether your business is allowed "
                "there: the district's building authority (change of use)\n- Grants for the "
                "renovation: the municipality and the economic development office\n\n"
                "## Try it out first\n\nCreative places offer **trial living** and coworking: "
                "get to know the place before you buy.\n"
            ),
        ),
        5,
    ),
    (
        "wohnraum-fuer-fachkraefte",
        Theme.HOUSING,
        ["investor"],
        ("Wohnraum für Ihre Fachkräfte", "Housing for your staff"),
        (
            "Mietwohnungen, Bauplätze und Leerstand für Beschäftigte: was die Gemeinden bieten.",
            (
                "Flats, building plots and empty buildings for your employees: what the "
                "municipalities offer."
            ),
        ),
        (
            (
                "## Was es gibt\n\n- Mietwohnungen in den Städten, oft kurzfristig frei\n"
                "- Bauplätze in den Wohngebieten der Gemeinden\n- Leerstehende Gebäude, die sich "
                "zu Wohnungen umbauen lassen\n\n## Mit der Gemeinde planen\n\nWenn Sie viele "
                "Beschäftigte ansiedeln, sprechen Sie früh mit der Gemeinde: über Wohngebiete im "
                "Bebauungsplan, die Wohnungsunternehmen vor Ort und Übergangslösungen für die "
                "Anlaufzeit.\n"
            ),
            (
                "## What there is\n\n- Flats to rent in the towns, often available at short "
                "notice\n- Building plots in the municipalities' residential areas\n- Empty "
                "buildings that can be converted into flats\n\n## Plan with the "
                "municipality\n\nIf you bring many employees, talk to the municipality early: "
                "about residential areas in the land-use plan, the local housing companies and "
                "interim solutions while you start up.\n"
            ),
        ),
        0,
    ),
    (
        "selbststaendig-leben",
        Theme.LIFE,
        ["founder"],
        (
            "Selbstständig in der Altmark: Netzwerke, Familie, Alltag",
            "Self-employed in the Altmark: networks, family, everyday life",
        ),
        (
            "Wo sich Gründende treffen, und wie Kita und Internet den Alltag leichter machen.",
            "Where founders meet, and how childcare and broadband make everyday life easier.",
        ),
        (
            (
                "## Netzwerke\n\nUnternehmerfrühstück, Gründungssprechstunde und Stammtische in "
                "den Städten: die Termine stehen im Veranstaltungskalender.\n\n## Familie und "
                "Beruf\n\nIn Sachsen-Anhalt haben Kinder Anspruch auf einen Ganztagsplatz in "
                "der Kita; Wartezeiten sind meist kurz.\n\n## Internet\n\nDer "
                "Glasfaserausbau ist in vielen Orten weit, aber nicht überall: fragen Sie vor dem "
                "Kauf nach dem Anschluss.\n"
            ),
            (
                "## Networks\n\nEntrepreneurs' breakfasts, founders' consultations and regular "
                "meetings in the towns: the dates are in the events calendar.\n\n## Family and "
                "work\n\nIn Saxony-Anhalt children are entitled to a full-day nursery place; "
                "waiting times are usually short.\n\n## Internet\n\nFibre has reached many "
                "places, but not all: ask about the connection before you buy.\n"
            ),
        ),
        5,
    ),
    (
        "lebensqualitaet-fuer-ihre-beschaeftigten",
        Theme.LIFE,
        ["investor"],
        (
            "Lebensqualität als Standortfaktor: was Ihre Beschäftigten hier finden",
            "Quality of life as a location factor: what your staff find here",
        ),
        (
            (
                "Kita und Schule, Gesundheit, Kultur und Natur: Argumente, mit denen Sie "
                "Fachkräfte gewinnen."
            ),
            (
                "Childcare and schools, health, culture and nature: arguments that win you "
                "skilled staff."
            ),
        ),
        (
            (
                "## Für Familien\n\nGanztagsplätze in der Kita, Schulen mit Schulbus, "
                "bezahlbare Wohnungen und Bauplätze.\n\n## Gesundheit\n\nKliniken in Stendal "
                "und Salzwedel, Arztpraxen in den Städten.\n\n## Freizeit\n\nHansestädte mit "
                "Backsteingotik, die Elbe, der Arendsee und viel Natur.\n\n## Ankommen\n\n"
                "Der **Willkommensservice** der Landkreise hilft neuen Beschäftigten mit "
                "Wohnung, Kita und Behördengängen.\n"
            ),
            (
                "## For families\n\nFull-day nursery places, schools with a school bus, "
                "affordable flats and building plots.\n\n## Health\n\nHospitals in Stendal "
                "and Salzwedel, doctors' practices in the towns.\n\n## Leisure\n\n"
                "Hanseatic towns with brick Gothic churches, the Elbe, Lake Arendsee and a lot "
                "of nature.\n\n## Settling in\n\nThe districts' **welcome service** helps "
                "new employees with housing, childcare and the paperwork.\n"
            ),
        ),
        0,
    ),
]

EVENTS = [
    (
        "Netzwerktreffen Rückkehr",
        "Network meeting for returners",
        10,
        "Stendal, Rathaus",
        "Stendal",
    ),
    (
        "Tag der offenen Tür im Coworking",
        "Open day at the coworking space",
        17,
        "Salzwedel",
        "Salzwedel",
    ),
    ("Unternehmerfrühstück Altmark", "Entrepreneurs' breakfast", 24, "Gardelegen", "Gardelegen"),
    (
        "Gründungssprechstunde",
        "Founders' consultation",
        31,
        "Online und in Osterburg",
        "Osterburg (Altmark)",
    ),
]
EVENT_TEXT = ("Offenes Treffen, Anmeldung nicht nötig.", "Open to everyone, no need to register.")


def _fill_english(record, **texts) -> None:
    """English texts for a demo record loaded before it had them (never over an edited one)."""
    missing = {name: text for name, text in texts.items() if not getattr(record, name)}
    if missing:
        for name, text in missing.items():
            setattr(record, name, text)
        record.save()


def _area_of(kind, district_keys, municipality_names) -> dict:
    """The district of an economic development office, the municipality of a municipal
    administration (the routing's office of a place), when the guides demo creates them."""
    if kind == Organisation.Kind.ECONOMIC_DEVELOPMENT and district_keys:
        return {"district": District.objects.filter(key=district_keys[0]).first()}
    if kind == Organisation.Kind.MUNICIPALITY and municipality_names:
        return {"municipality": Municipality.objects.filter(name=municipality_names[0]).first()}
    return {}


def _demo_guide(region, slug, theme, audiences, titles, summaries, bodies, contact) -> bool:
    """A published demo guide of ``region`` in German and English (idempotent); whether it is
    new."""
    english = {
        "title_en": titles[1],
        "summary_en": summaries[1],
        "body_en": bodies[1] + "\n\n*(Demo text)*",
    }
    guide, made = Guide.objects.get_or_create(
        region=region,
        slug=slug,
        defaults={
            "theme": theme,
            "audiences": audiences,
            "title_de": titles[0],
            "summary_de": summaries[0],
            "body_de": bodies[0] + f"\n\n*{DEMO}-Text*",
            **english,
            "contact": contact,
            "status": Status.PUBLISHED,
        },
    )
    _fill_english(guide, **english)
    return made


def create_demo_guides() -> int:
    region = Region.objects.get(slug="altmark")
    districts = {d.key: d for d in District.objects.filter(regions=region)}
    contacts = []
    for entry in CONTACTS:
        name, kind, person, roles, topics, audiences, district_keys, municipality_names, email = (
            entry
        )
        organisation, _created = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "region": region,
                "email": f"kontakt@{name.split()[0].lower()}.example",
                **_area_of(kind, district_keys, municipality_names),
            },
        )
        # A person is known by name, an office without one by its role.
        known_by = {"person": f"{person} {DEMO}"} if person else {"person": "", "role_de": roles[0]}
        contact, created = Contact.objects.get_or_create(
            region=region,
            organisation=organisation,
            **known_by,
            defaults={
                "role_de": roles[0],
                "role_en": roles[1],
                "topics": topics,
                "audiences": audiences,
                "email": email,
                # Only the people of the first demo had one, an obvious placeholder.
                "phone": "+49 3931 000000" if person else "",
            },
        )
        _fill_english(contact, role_en=roles[1])
        if created:
            contact.districts.set([districts[k] for k in district_keys if k in districts])
            contact.municipalities.set(Municipality.objects.filter(name__in=municipality_names))
        contacts.append(contact)
    created = 0
    for slug, theme, audiences, titles, summaries, bodies, contact_index in GUIDES:
        created += _demo_guide(
            region, slug, theme, audiences, titles, summaries, bodies, contacts[contact_index]
        )
    today = timezone.localdate()
    for title_de, title_en, days, location, municipality_name in EVENTS:
        starts = event_start(today + timedelta(days=days))
        event, _made = Event.objects.get_or_create(
            region=region,
            title_de=f"{title_de} {DEMO}",
            defaults={
                "title_en": f"{title_en} (demo)",
                "description_en": EVENT_TEXT[1],
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "location": location,
                "municipality": Municipality.objects.filter(name=municipality_name).first(),
                "description_de": EVENT_TEXT[0],
                "organiser": contacts[2],
            },
        )
        _fill_english(event, description_en=EVENT_TEXT[1])
    create_demo_prignitz_contacts()
    return created


# The second region's (Landkreis Prignitz, Brandenburg) contacts: the district's economic
# development office for every topic the guided entry routes by, and the two towns' own
# administrations for housing and life. (organisation name, kind, role (German, English),
# topics, district keys, municipalities served)
CONTACTS_PRIGNITZ = [
    (
        "Wirtschaftsförderung Landkreis Prignitz",
        Organisation.Kind.ECONOMIC_DEVELOPMENT,
        ("Ansiedlung, Gründung und Fachkräfte (Demo)",
         "Business location, founding and skilled workers (demo)"),
        ["investment", "founding", "property", "work", "housing", "life"],
        ["12070"],
        [],
    ),
    (
        "Stadt Perleberg – Wirtschaftsförderung (Demo)",
        Organisation.Kind.MUNICIPALITY,
        ("Wohnen und Leben in Perleberg (Demo)", "Living in Perleberg (demo)"),
        ["housing", "life"],
        [],
        ["Perleberg"],
    ),
    (
        "Stadt Wittenberge – Stadtverwaltung (Demo)",
        Organisation.Kind.MUNICIPALITY,
        ("Wohnen und Leben in Wittenberge (Demo)", "Living in Wittenberge (demo)"),
        ["housing", "life"],
        [],
        ["Wittenberge"],
    ),
]  # fmt: skip


# The Prignitz's own guides, one for every cell of the guided entry (audience × theme), each
# with the office a reader of that cell reaches: (slug, theme, audiences, (title de, en),
# (summary de, en), (body de, en), contact's organisation).
_ALL = ["returner", "newcomer", "stayer", "founder", "investor"]
GUIDES_PRIGNITZ = [
    (
        "arbeiten-in-der-prignitz",
        Theme.WORK,
        ["returner", "newcomer", "stayer"],
        ("Arbeiten in der Prignitz", "Working in the Prignitz"),
        (
            "Betriebe, Pendelwege nach Berlin und Hamburg und Beratung vor Ort.",
            "Employers, commuting to Berlin and Hamburg and advice on the spot.",
        ),
        (
            (
                "## Arbeit finden\n\nIn Perleberg, Wittenberge und Pritzwalk suchen Handwerk, Pflege "
                "und Industrie Fachkräfte. Die Wirtschaftsförderung des Landkreises kennt die "
                "Betriebe und stellt Kontakte her.\n\n## Pendeln\n\nWittenberge liegt an der "
                "Bahnstrecke Berlin–Hamburg; wer pendelt, erreicht beide Städte mit dem Zug.\n"
            ),
            (
                "## Finding work\n\nIn Perleberg, Wittenberge and Pritzwalk, trades, care and "
                "industry are looking for skilled staff. The district's economic development office "
                "knows the firms and makes introductions.\n\n## Commuting\n\nWittenberge lies on "
                "the Berlin–Hamburg railway; commuters reach both cities by train.\n"
            ),
        ),
        "Wirtschaftsförderung Landkreis Prignitz",
    ),
    (
        "gruenden-in-der-prignitz",
        Theme.WORK,
        ["founder"],
        ("Gründen in der Prignitz", "Founding a business in the Prignitz"),
        (
            "Beratung, Räume und Förderung für Gründerinnen und Gründer.",
            "Advice, premises and funding for founders.",
        ),
        (
            (
                "## Beratung\n\nDie Wirtschaftsförderung berät zu Businessplan, Förderprogrammen "
                "des Landes Brandenburg und Räumen.\n\n## Räume\n\nLeerstehende Läden und Höfe "
                "lassen sich für Werkstatt, Büro oder Laden nutzen.\n"
            ),
            (
                "## Advice\n\nThe economic development office advises on the business plan, the "
                "State of Brandenburg's funding programmes and premises.\n\n## Premises\n\n"
                "Empty shops and farmsteads can become a workshop, an office or a shop.\n"
            ),
        ),
        "Wirtschaftsförderung Landkreis Prignitz",
    ),
    (
        "investieren-in-der-prignitz",
        Theme.WORK,
        ["investor"],
        ("Investieren in der Prignitz", "Investing in the Prignitz"),
        (
            "Gewerbeflächen an der A 24 und an der Elbe, ein Ansprechpartner für alles.",
            "Commercial land on the A 24 and the Elbe, one contact for everything.",
        ),
        (
            (
                "## Flächen\n\nGewerbe- und Industrieflächen liegen an der A 24 und am Elbhafen "
                "Wittenberge. Die Wirtschaftsförderung begleitet Vorhaben von der Standortsuche bis "
                "zur Genehmigung.\n\n## Förderung\n\nInvestitionen können mit Mitteln der "
                "regionalen Wirtschaftsförderung (GRW) unterstützt werden.\n"
            ),
            (
                "## Sites\n\nCommercial and industrial land lies on the A 24 and at the Elbe port "
                "of Wittenberge. The economic development office accompanies projects from the site "
                "search to the permit.\n\n## Funding\n\nInvestments can be supported by the "
                "regional economic development programme (GRW).\n"
            ),
        ),
        "Wirtschaftsförderung Landkreis Prignitz",
    ),
    (
        "wohnen-in-der-prignitz",
        Theme.HOUSING,
        _ALL,
        ("Wohnen in der Prignitz", "Housing in the Prignitz"),
        (
            "Mietwohnungen, Bauplätze und alte Höfe in Perleberg, Wittenberge und den Dörfern.",
            "Flats, building plots and old farmsteads in Perleberg, Wittenberge and the villages.",
        ),
        (
            (
                "## Wohnungen und Bauplätze\n\nDie Städte vermitteln Mietwohnungen und "
                "Bauplätze; in den Dörfern warten Höfe auf neue Bewohner.\n\n## Beratung\n\n"
                "Die Stadtverwaltungen beraten zu Bauanträgen und Sanierung.\n"
            ),
            (
                "## Flats and plots\n\nThe towns help with flats to rent and building plots; in "
                "the villages, farmsteads are waiting for new residents.\n\n## Advice\n\nThe "
                "town administrations advise on planning applications and renovation.\n"
            ),
        ),
        "Stadt Perleberg – Wirtschaftsförderung (Demo)",
    ),
    (
        "leben-in-der-prignitz",
        Theme.LIFE,
        _ALL,
        ("Leben in der Prignitz", "Living in the Prignitz"),
        (
            "Kita, Schule, Vereine und Natur an Elbe und Stepenitz.",
            "Day care, schools, clubs and nature on the Elbe and the Stepenitz.",
        ),
        (
            (
                "## Familie\n\nKitas und Schulen gibt es in allen Städten; die Verwaltung hilft "
                "bei der Anmeldung.\n\n## Freizeit\n\nVereine, Radwege an der Elbe und das "
                "Biosphärenreservat Flusslandschaft Elbe laden ein.\n"
            ),
            (
                "## Family\n\nThere are day-care centres and schools in every town; the "
                "administration helps with registering.\n\n## Leisure\n\nClubs, cycle paths "
                "along the Elbe and the Elbe River Landscape biosphere reserve.\n"
            ),
        ),
        "Stadt Wittenberge – Stadtverwaltung (Demo)",
    ),
]


def create_demo_prignitz_contacts() -> None:
    """The Prignitz's demo contacts and guides, one guide for every cell of the guided entry
    (idempotent; nothing without the region)."""
    region = Region.objects.filter(slug="prignitz").first()
    if region is None:
        return
    districts = {d.key: d for d in District.objects.filter(regions=region)}
    towns = Municipality.objects.filter(district__regions=region)
    for name, kind, roles, topics, district_keys, municipality_names in CONTACTS_PRIGNITZ:
        area = (
            {"district": districts[district_keys[0]]}
            if district_keys
            else {"municipality": towns.get(name=municipality_names[0])}
        )
        organisation, _created = Organisation.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "region": region, "email": "kontakt@prignitz.example", **area},
        )
        contact, created = Contact.objects.get_or_create(
            region=region,
            organisation=organisation,
            person="",
            role_de=roles[0],
            defaults={
                "role_en": roles[1],
                "topics": topics,
                "audiences": [],
                "email": "beratung@prignitz.example",
            },
        )
        if created:
            contact.districts.set([districts[k] for k in district_keys])
            contact.municipalities.set(towns.filter(name__in=municipality_names))
    for slug, theme, audiences, titles, summaries, bodies, organisation in GUIDES_PRIGNITZ:
        contact = Contact.objects.filter(region=region, organisation__name=organisation).first()
        _demo_guide(region, slug, theme, audiences, titles, summaries, bodies, contact)


# Days nobody holds a network meeting or an open day (fixed holidays across Germany and
# Saxony-Anhalt, and Christmas Eve and New Year's Eve).
NO_EVENT_DAYS = {(1, 1), (1, 6), (5, 1), (10, 3), (10, 31), (12, 24), (12, 25), (12, 26), (12, 31)}


def event_start(day):
    """A plausible start for a demo event on or after ``day``: a working day at 18:00 or a
    Saturday at 10:00 (local time), never on a Sunday or a holiday of NO_EVENT_DAYS."""
    while day.weekday() == 6 or (day.month, day.day) in NO_EVENT_DAYS:
        day += timedelta(days=1)
    hour = 10 if day.weekday() == 5 else 18
    return timezone.make_aware(datetime.combine(day, time(hour)))


def generate_guides(count: int = 1000, seed: int = 7) -> int:
    """Synthetic published guides for load tests (bulk, with their search text)."""
    rnd = random.Random(seed)
    region = Region.objects.order_by("pk").first()
    words = [
        "Arbeit",
        "Wohnen",
        "Leben",
        "Kita",
        "Schule",
        "Bauplatz",
        "Förderung",
        "Gründung",
        "Mobilität",
        "Gesundheit",
        "Kultur",
        "Verein",
        "Pendeln",
        "Glasfaser",
        "Handwerk",
    ]
    guides = []
    for i in range(count):
        topic = rnd.sample(words, 3)
        guide = Guide(
            region=region,
            slug=f"synthetisch-{i}",
            theme=rnd.choice(Theme.values),
            audiences=rnd.sample(Audience.values, 2),
            title_de=f"Ratgeber {i}: {topic[0]} und {topic[1]}",
            summary_de=f"Synthetischer Ratgeber zu {', '.join(topic)}.",
            body_de=f"## {topic[2]}\n\nText {i}.",
            status=Status.PUBLISHED,
        )
        guide.body_html_de = f"<h2>{topic[2]}</h2><p>Text {i}.</p>"
        guide.search_text = guide.build_search_text()
        guides.append(guide)
    Guide.objects.bulk_create(guides, batch_size=1000, ignore_conflicts=True)
    return count
