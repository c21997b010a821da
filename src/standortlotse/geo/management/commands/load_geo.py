from django.core.management.base import BaseCommand

from standortlotse.geo.services import load_shipped_regions


class Command(BaseCommand):
    help = "Load the shipped regions, districts and municipalities (idempotent)."

    def handle(self, *args, **options):
        counts = load_shipped_regions()
        self.stdout.write(
            f"Loaded {counts['districts']} districts and {counts['municipalities']} municipalities."
        )
