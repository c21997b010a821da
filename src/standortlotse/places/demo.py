"""About twenty plausible, clearly marked demo places in the Altmark and two in the Prignitz
(generated locally)."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from standortlotse.geo.models import Municipality, Region
from standortlotse.places.models import Place, PlacePhoto, RegionSettings, Status, Transition
from standortlotse.properties.demo import demo_photo

# name, municipality, fields, types, offers, pitch, former use
DEMO_PLACES = [
    (
        "Coworking im Alten Bahnhof",
        "Salzwedel",
        ["work"],
        ["coworking"],
        ["desks", "events"],
        "Schreibtische, Glasfaser und Kaffee im sanierten Bahnhofsgebäude.",
        "Bahnhofsgebäude",
    ),
    (
        "Landwerkstatt Kalbe",
        "Kalbe (Milde)",
        ["work", "life"],
        ["maker_space", "creative_hub"],
        ["workshop", "events"],
        "Offene Werkstatt mit Holz, Metall und 3D-Druck für alle.",
        "Landmaschinenhalle",
    ),
    (
        "Probewohnen Arendsee",
        "Arendsee (Altmark)",
        ["housing", "life"],
        ["coliving", "work_from_country"],
        ["trial_living", "desks"],
        "Zwei Wochen Landleben testen – mit Arbeitsplatz am See.",
        "",
    ),
    (
        "Dorfladen Dähre",
        "Dähre",
        ["life"],
        ["village_shop"],
        ["cafe"],
        "Regionale Produkte, Postschalter und Treffpunkt im Ortskern.",
        "Konsum",
    ),
    (
        "Kulturgut Gardelegen",
        "Gardelegen",
        ["life"],
        ["culture"],
        ["events", "residencies"],
        "Konzerte, Lesungen und Residenzen in der alten Brauerei.",
        "Brauerei",
    ),
    (
        "Gründerzentrum Stendal",
        "Stendal",
        ["work"],
        ["founders_hub", "coworking"],
        ["desks", "advice", "rooms"],
        "Büros, Beratung und Netzwerk für Gründerinnen und Gründer.",
        "",
    ),
    (
        "Elbe-Kreativhof Tangermünde",
        "Tangermünde",
        ["work", "life"],
        ["creative_hub"],
        ["rooms", "events"],
        "Ateliers und Werkräume im historischen Speicher an der Elbe.",
        "Getreidespeicher",
    ),
    (
        "Havelberger Inselwerkstatt",
        "Havelberg",
        ["work"],
        ["maker_space"],
        ["workshop"],
        "Bootsbau, Holz und Reparaturcafé auf der Stadtinsel.",
        "Bootshaus",
    ),
    (
        "Schulhaus Wust-Fischbeck",
        "Wust-Fischbeck",
        ["housing", "work"],
        ["coliving", "coworking"],
        ["trial_living", "desks"],
        "Gemeinschaftlich wohnen und arbeiten in der alten Dorfschule.",
        "Dorfschule",
    ),
    (
        "Gutshaus Osterburg",
        "Osterburg (Altmark)",
        ["life", "housing"],
        ["culture", "other"],
        ["events", "rooms"],
        "Ein Verein belebt das Gutshaus mit Festen und Gästezimmern.",
        "Gutshaus",
    ),
    (
        "Workation Hof Seehausen",
        "Seehausen (Altmark)",
        ["work", "life"],
        ["work_from_country"],
        ["desks", "rooms"],
        "Arbeiten mit Blick auf die Wische – Zimmer und Schreibtisch buchbar.",
        "Vierseithof",
    ),
    (
        "Klötzer Ideenwerk",
        "Klötze",
        ["work"],
        ["creative_hub", "founders_hub"],
        ["advice", "events"],
        "Ideenwerkstatt für Handwerk, Design und Digitales.",
        "Kaufhaus",
    ),
    (
        "Bismarker Kulturscheune",
        "Bismark (Altmark)",
        ["life"],
        ["culture"],
        ["events"],
        "Theater und Kino in der umgebauten Feldscheune.",
        "Feldscheune",
    ),
    (
        "Dorfgemeinschaftshaus Kamern",
        "Kamern",
        ["life"],
        ["village_shop", "culture"],
        ["cafe", "events"],
        "Café, Bücherstube und Vereinsleben im alten Gasthof.",
        "Gasthof",
    ),
    (
        "Co-Living Tangerhütte",
        "Tangerhütte",
        ["housing", "work"],
        ["coliving"],
        ["trial_living", "rooms"],
        "Wohngemeinschaft für Menschen, die remote arbeiten.",
        "Verwaltungsgebäude",
    ),
    (
        "Maker-Scheune Diesdorf",
        "Diesdorf",
        ["work", "life"],
        ["maker_space"],
        ["workshop", "events"],
        "Töpfern, Weben, Schmieden – Kurse und freie Werkstattzeit.",
        "Scheune",
    ),
    (
        "Arneburger Elbblick-Büros",
        "Arneburg",
        ["work"],
        ["coworking"],
        ["desks", "rooms"],
        "Ruhige Arbeitsplätze mit Elbblick und Glasfaser.",
        "Schifferhaus",
    ),
    (
        "Beetzendorfer Wohnprojekt",
        "Beetzendorf",
        ["housing"],
        ["other"],
        ["trial_living", "advice"],
        "Junge Familien bauen gemeinsam ein leerstehendes Gehöft aus.",
        "Gehöft",
    ),
    (
        "Schönhausener Kunstraum",
        "Schönhausen (Elbe)",
        ["life"],
        ["culture", "creative_hub"],
        ["residencies", "events"],
        "Ausstellungen und Künstlerresidenzen im alten Pfarrhaus.",
        "Pfarrhaus",
    ),
    (
        "Werbener Hansehof",
        "Werben (Elbe)",
        ["life", "work"],
        ["work_from_country", "culture"],
        ["rooms", "events"],
        "Gästezimmer, Seminarraum und Hofcafé in der kleinsten Hansestadt.",
        "Hansehof",
    ),
    (
        "Probewohnen im Fachwerkhaus Gardelegen",
        "Gardelegen",
        ["housing", "life"],
        ["coliving"],
        ["trial_living", "advice"],
        "Vier Wochen zur Probe wohnen, mit Beratung zu Bauplätzen und Häusern der Stadt.",
        "Ackerbürgerhaus",
    ),
]

# The second region's (Landkreis Prignitz, Brandenburg), made up alike.
DEMO_PLACES_PRIGNITZ = [
    (
        "Coworking im Speicher Perleberg",
        "Perleberg",
        ["work"],
        ["coworking"],
        ["desks", "events"],
        "Schreibtische und Besprechungsraum im alten Getreidespeicher an der Stepenitz.",
        "Getreidespeicher",
    ),
    (
        "Werkhof Pritzwalk",
        "Pritzwalk",
        ["work", "life"],
        ["maker_space"],
        ["workshop"],
        "Offene Holz- und Metallwerkstatt in der ehemaligen Tuchfabrik.",
        "Tuchfabrik",
    ),
]

# The English pitch of each demo place (shown under /en/).
PITCH_EN = {
    "Coworking im Alten Bahnhof": "Desks, fibre broadband and coffee in the restored station building.",
    "Landwerkstatt Kalbe": "An open workshop for wood, metal and 3D printing, for everyone.",
    "Probewohnen Arendsee": "Try two weeks of country life, with a desk by the lake.",
    "Dorfladen Dähre": "Local produce, a post office counter and a meeting point in the village centre.",
    "Kulturgut Gardelegen": "Concerts, readings and artist residencies in the old brewery.",
    "Gründerzentrum Stendal": "Offices, advice and a network for people starting a business.",
    "Elbe-Kreativhof Tangermünde": "Studios and workrooms in the historic granary on the Elbe.",
    "Havelberger Inselwerkstatt": "Boat building, woodwork and a repair café on the town island.",
    "Schulhaus Wust-Fischbeck": "Living and working together in the old village school.",
    "Gutshaus Osterburg": "A local association brings the manor house to life with festivals and guest rooms.",
    "Workation Hof Seehausen": "Work with a view over the Wische marshes: rooms and desks to book.",
    "Klötzer Ideenwerk": "An ideas workshop for crafts, design and digital projects.",
    "Bismarker Kulturscheune": "Theatre and cinema in a converted field barn.",
    "Dorfgemeinschaftshaus Kamern": "Café, book corner and club life in the old village inn.",
    "Co-Living Tangerhütte": "A shared house for people who work remotely.",
    "Maker-Scheune Diesdorf": "Pottery, weaving, blacksmithing: courses and open workshop hours.",
    "Arneburger Elbblick-Büros": "Quiet desks with a view of the Elbe and fibre broadband.",
    "Beetzendorfer Wohnprojekt": "Young families are converting an empty farmstead together.",
    "Schönhausener Kunstraum": "Exhibitions and artist residencies in the old rectory.",
    "Werbener Hansehof": "Guest rooms, a seminar room and a courtyard café in the smallest Hanseatic town.",
    "Probewohnen im Fachwerkhaus Gardelegen": "Four weeks of trial living, with advice on homes.",
    "Coworking im Speicher Perleberg": "Desks and a meeting room in the old granary on the Stepenitz.",
    "Werkhof Pritzwalk": "An open wood and metal workshop in the former cloth factory.",
}


def _story_en(pitch_en: str) -> str:
    return (
        f"<p>{pitch_en}</p><p>This is a <strong>demo record</strong>: the name and details "
        "are made up.</p>"
    )


@transaction.atomic
def create_demo_places(seed: int = 20) -> int:
    region = Region.objects.get(slug="altmark")
    settings_ = RegionSettings.for_region(region)
    if not settings_.criteria_de:
        settings_.intro_de = (
            "In der Altmark entstehen Orte zum Arbeiten, Wohnen und Leben: Coworking, "
            "Probewohnen, Werkstätten und Kultur in alten Gebäuden. (Demo)"
        )
        settings_.intro_en = (
            "The Altmark is growing places to work, live and create: coworking, trial living, "
            "workshops and culture in old buildings. (demo)"
        )
        settings_.criteria_de = (
            "Wir veröffentlichen Orte in der Altmark, die offen zugänglich sind oder ein "
            "Angebot für Menschen machen, die herziehen, zurückkommen oder bleiben. "
            "Reine Werbung ohne Angebot vor Ort nehmen wir nicht auf."
        )
        settings_.criteria_en = (
            "We publish places in the Altmark that are open to the public or offer something "
            "to people who move here, return or stay. Pure advertising is not accepted."
        )
        settings_.save()
    created = _create_places(region, DEMO_PLACES, random.Random(seed), seed, 0)
    prignitz = Region.objects.filter(slug="prignitz").first()
    if prignitz is not None:
        settings_ = RegionSettings.for_region(prignitz)
        if not settings_.criteria_de:
            settings_.intro_de = (
                "Orte zum Arbeiten und Werken in der Prignitz, zwischen Elbe und A 24. (Demo)"
            )
            settings_.intro_en = "Places to work and make things in the Prignitz. (demo)"
            settings_.criteria_de = (
                "Wir veröffentlichen Orte in der Prignitz, die ein offenes Angebot machen. (Demo)"
            )
            settings_.criteria_en = (
                "We publish places in the Prignitz that make an open offer. (demo)"
            )
            settings_.save()
        created += _create_places(
            prignitz, DEMO_PLACES_PRIGNITZ, random.Random(seed + 1), seed, len(DEMO_PLACES)
        )
    return created


def _create_places(region, places, rnd, seed: int, first: int) -> int:
    created = 0
    for n, (name, municipality_name, fields, types, offers, pitch, former_use) in enumerate(
        places, start=first
    ):
        existing = Place.objects.filter(name=name, is_demo=True).first()
        if existing is not None:
            if not existing.pitch_en:  # loaded before places had an English version
                existing.pitch_en, existing.story_en = PITCH_EN[name], _story_en(PITCH_EN[name])
                existing.save()
            continue
        municipality = Municipality.objects.get(name=municipality_name, district__regions=region)
        place = Place.objects.create(
            name=name,
            pitch=pitch,
            region=region,
            municipality=municipality,
            is_demo=True,
            story=f"<p>{pitch}</p><p>Dies ist ein <strong>Demo-Datensatz</strong>: Name und Angaben sind erfunden.</p>",
            pitch_en=PITCH_EN[name],
            story_en=_story_en(PITCH_EN[name]),
            lat=round(municipality.lat + rnd.uniform(-0.006, 0.006), 6),
            lon=round(municipality.lon + rnd.uniform(-0.008, 0.008), 6),
            locality=municipality.name,
            opening_info=rnd.choice(["Mo–Fr 9–18 Uhr", "nach Vereinbarung", "Do–So 14–20 Uhr"]),
            website="https://example.org/",
            contact_name="Demo-Kontakt",
            contact_email="kontakt@example.org",
            owner_name="Demo-Betreiber",
            owner_email=f"demo-{n}@example.org",
            former_use=former_use,
            languages=rnd.choice(["Deutsch, Englisch", "Deutsch", "Deutsch, Englisch, Polnisch"]),
            accessibility=rnd.choice(
                ["Erdgeschoss stufenlos erreichbar", "", "Rampe am Seiteneingang"]
            ),
            tags=rnd.choice(["Glasfaser, Garten", "Ehrenamt", "Familie, Natur", "Handwerk"]),
            status=Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=rnd.randint(1, 200)),
            verified_on=timezone.localdate() - timedelta(days=rnd.randint(0, 300)),
        )
        place.set_values("field", fields)
        place.set_values("type", types)
        place.set_values("offer", offers)
        photo = PlacePhoto(
            place=place, alt_text=f"Illustration: {name} (Demo)", credit="Standortlotse (generiert)"
        )
        photo.image.save(f"demo-place-{n}.webp", demo_photo(seed + 100 + n, name), save=False)
        photo.save()
        Transition.objects.create(
            place=place,
            from_status="",
            to_status=Status.PUBLISHED,
            actor_label="demo data",
            kind=Transition.Kind.DEMO,
        )
        created += 1
    return created
