from django.core.management.base import BaseCommand

from standortlotse.properties import statistics


class Command(BaseCommand):
    help = (
        "Compute and store today's statistics of the published register (run once a day, best "
        "late in the evening: every change also updates them, this keeps days without visitors)."
    )

    def handle(self, *args, **options):
        snap = statistics.snapshot()
        totals = snap.data["totals"]
        self.stdout.write(
            f"{snap.day:%Y-%m-%d}: {totals['count']} published properties, "
            f"{totals['area_m2']} m² available"
        )
