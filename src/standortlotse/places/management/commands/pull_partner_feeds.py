from django.core.management.base import BaseCommand

from standortlotse.places import partners


class Command(BaseCommand):
    help = "Fetch every active partner feed with an address and import what changed (run hourly or daily)."

    def handle(self, *args, **options):
        for run in partners.pull_all():
            self.stdout.write(
                f"{run.feed.name}: HTTP {run.http_status or '–'}, {run.new} new, "
                f"{run.updated} updated, {run.unchanged} unchanged, {run.conflicts} conflicts, "
                f"{run.errors} errors. {run.message}".strip()
            )
