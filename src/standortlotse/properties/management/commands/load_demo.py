from django.core.management import call_command
from django.core.management.base import BaseCommand

from standortlotse.cases.demo import create_demo_cases
from standortlotse.guides.demo import create_demo_guides
from standortlotse.places.demo import create_demo_places
from standortlotse.properties.demo import create_demo_data


class Command(BaseCommand):
    help = "Load the Altmark geography, demo organisations/users and demo properties (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=40)

    def handle(self, *args, **options):
        call_command("load_geo", stdout=self.stdout)
        result = create_demo_data(options["count"])
        self.stdout.write(f"Created {result['created']} demo properties.")
        self.stdout.write(f"Created {create_demo_places()} demo places.")
        self.stdout.write(f"Created {create_demo_cases()} demo investor cases.")
        self.stdout.write(f"Created {create_demo_guides()} demo guides (with contacts and events).")
        self.stdout.write(
            "Demo logins (password '%s'): %s" % (result["password"], ", ".join(result["users"]))
        )
