from django.core.management.base import BaseCommand

from standortlotse.geo.services import load_shipped_infrastructure, load_shipped_regions
from standortlotse.geo.signals import reference_data_loaded


class Command(BaseCommand):
    help = (
        "Load the shipped regions, districts and municipalities and the shipped infrastructure "
        "reference data (idempotent); then recompute what is derived from them."
    )

    def handle(self, *args, **options):
        counts = load_shipped_regions()
        self.stdout.write(
            f"Loaded {counts['districts']} districts and {counts['municipalities']} municipalities."
        )
        features = load_shipped_infrastructure()
        self.stdout.write(f"Loaded {features} infrastructure features.")
        for _receiver, line in reference_data_loaded.send(sender=self.__class__, reason="load_geo"):
            if line:
                self.stdout.write(str(line))
