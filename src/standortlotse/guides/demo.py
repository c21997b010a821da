"""Demo guides, contacts and events for the Altmark (idempotent), and generated guides for load tests."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from standortlotse.accounts.models import Organisation
from standortlotse.geo.models import District, Municipality, Region
from standortlotse.guides.models import Audience, Contact, Event, Guide, Status, Theme

DEMO = "(Demo)"

CONTACTS = [
    # organisation, kind, person, role (German, English), topics, audiences, districts (keys),
    # municipalities
    (
        "Wirtschaftsförderung Landkreis Stendal",
        Organisation.Kind.ECONOMIC_DEVELOPMENT,
        "Anna Schulze",
        ("Ansiedlung und Gewerbeflächen", "Business location and commercial land"),
        ["investment", "founding", "property"],
        ["investor", "founder"],
        ["15090"],
        [],
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


def create_demo_guides() -> int:
    region = Region.objects.get(slug="altmark")
    districts = {d.key: d for d in District.objects.filter(regions=region)}
    contacts = []
    for name, kind, person, roles, topics, audiences, district_keys, municipality_names in CONTACTS:
        organisation, _created = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "region": region,
                "email": f"kontakt@{name.split()[0].lower()}.example",
            },
        )
        contact, created = Contact.objects.get_or_create(
            region=region,
            organisation=organisation,
            person=f"{person} {DEMO}",
            defaults={
                "role_de": roles[0],
                "role_en": roles[1],
                "topics": topics,
                "audiences": audiences,
                "email": "beratung@altmark.example",
                "phone": "+49 3931 000000",
            },
        )
        _fill_english(contact, role_en=roles[1])
        if created:
            contact.districts.set([districts[k] for k in district_keys if k in districts])
            contact.municipalities.set(Municipality.objects.filter(name__in=municipality_names))
        contacts.append(contact)
    created = 0
    for slug, theme, audiences, titles, summaries, bodies, contact_index in GUIDES:
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
                "contact": contacts[contact_index],
                "status": Status.PUBLISHED,
            },
        )
        _fill_english(guide, **english)
        created += made
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
    return created


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
