"""About twenty plausible, clearly marked demo places in the Altmark (generated locally)."""

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
]


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
    rnd = random.Random(seed)
    created = 0
    for n, (name, municipality_name, fields, types, offers, pitch, former_use) in enumerate(
        DEMO_PLACES
    ):
        if Place.objects.filter(name=name, is_demo=True).exists():
            continue
        municipality = Municipality.objects.get(name=municipality_name)
        place = Place.objects.create(
            name=name,
            pitch=pitch,
            region=region,
            municipality=municipality,
            is_demo=True,
            story=f"<p>{pitch}</p><p>Dies ist ein <strong>Demo-Datensatz</strong>: Name und Angaben sind erfunden.</p>",
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
            place=place, from_status="", to_status=Status.PUBLISHED, actor_label="demo data"
        )
        created += 1
    return created
