from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from standortlotse.cases.demo import create_demo_cases, create_demo_offer
from standortlotse.geo.models import Region
from standortlotse.guides.demo import create_demo_guides
from standortlotse.places.demo import create_demo_places
from standortlotse.profiles.services import create_demo_figures
from standortlotse.properties import statistics
from standortlotse.properties.demo import (
    PRIGNITZ_BRAND_COLOUR,
    create_demo_data,
    create_demo_housing,
    create_demo_prignitz,
    link_vacancy_platform,
)

DEMO_BRAND_COLOUR = "#2f5d50"
DEMO_TREND_DAYS = 120


class Command(BaseCommand):
    help = (
        "Load the shipped geography (Altmark, Prignitz), demo organisations/users and demo "
        "properties of both regions (idempotent). "
        "Refused with DJANGO_DEBUG=0 unless --allow-production is given; the demo accounts then "
        "get random passwords, printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=40)
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo data although DJANGO_DEBUG=0 (benchmarks, demo instances); the demo "
            "accounts get random passwords instead of the published one.",
        )
        parser.add_argument(
            "--new-passwords",
            action="store_true",
            help="With --allow-production: give every demo account a fresh random password (printed), "
            "also when it exists already (make run prints the logins at every start).",
        )

    def handle(self, *args, **options):
        production = not settings.DEBUG
        if production and not options["allow_production"]:
            raise CommandError(
                "load_demo refuses to run with DJANGO_DEBUG=0: it creates demo records and staff "
                "accounts. Pass --allow-production to load them anyway (with random passwords)."
            )
        call_command("load_geo", stdout=self.stdout)
        # The Altmark's green as the demo's brand colour (7.4:1 with white), unless one is set.
        for region in Region.objects.filter(slug="altmark", brand_colour=""):
            region.brand_colour = DEMO_BRAND_COLOUR
            region.save(update_fields=["brand_colour"])
        for region in Region.objects.filter(slug="prignitz", brand_colour=""):
            region.brand_colour = PRIGNITZ_BRAND_COLOUR
            region.save(update_fields=["brand_colour"])
        result = create_demo_data(
            options["count"], production=production, new_passwords=options["new_passwords"]
        )
        self.stdout.write(f"Created {result['created']} demo properties.")
        # The second region, in Brandenburg: its offices, staff and a few properties.
        prignitz = create_demo_prignitz(
            production=production, new_passwords=options["new_passwords"]
        )
        self.stdout.write(f"Created {prignitz['created']} demo properties in the Prignitz.")
        result["users"] += prignitz["users"]
        result["passwords"].update(prignitz["passwords"])
        self.stdout.write(f"Created {create_demo_housing()} demo building plots and houses.")
        linked = link_vacancy_platform()
        if linked:
            self.stdout.write(f"Linked {linked} municipalities to their vacancy platform.")
        # The statistics' trend: the past days worked out from the demo records' publication
        # dates (marked as reconstructed on the page); days already counted stay.
        days = statistics.reconstruct(DEMO_TREND_DAYS)
        self.stdout.write(f"Reconstructed the statistics of {days} past days for the trend.")
        self.stdout.write(f"Created {create_demo_places()} demo places.")
        self.stdout.write(f"Created {create_demo_cases()} demo investor cases.")
        offer = create_demo_offer()
        if offer is not None:
            from standortlotse.cases.offers import offer_url

            self.stdout.write(f"Demo site offer (investor's private link): {offer_url(offer)}")
        self.stdout.write(f"Created {create_demo_guides()} demo guides (with contacts and events).")
        self.stdout.write(f"Wrote {create_demo_figures()} demo figures of the location profiles.")
        self.stdout.write("Demo logins: " + ", ".join(result["users"]))
        for username, password in result["passwords"].items():
            # Printed once: only the hash is stored.
            self.stdout.write(f"  {username}: password '{password}'")
