from django.core.management.base import BaseCommand

from standortlotse.properties import statistics


class Command(BaseCommand):
    help = "Compute and store the statistics of the published register (run daily)."

    def handle(self, *args, **options):
        snap = statistics.snapshot()
        totals = snap.data["totals"]
        self.stdout.write(
            f"{totals['count']} published properties, {totals['area_m2']} m² available"
        )
