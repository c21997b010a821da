from django.core.management.base import BaseCommand, CommandError

from standortlotse.geo.models import Region
from standortlotse.guides import coverage


class Command(BaseCommand):
    help = (
        "List the gaps of the guided entry: target group × theme cells without a published guide "
        "written for them, per language, and districts without their own contact for a cell's "
        "topic. With --strict the command fails when there is one (for CI or a cron job)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", help="Slug of one region (default: all).")
        parser.add_argument("--strict", action="store_true", help="Exit with an error on gaps.")

    def handle(self, *args, **options):
        regions = Region.objects.order_by("name")
        if options["region"]:
            regions = regions.filter(slug=options["region"])
            if not regions.exists():
                raise CommandError(f"No region with the slug {options['region']!r}.")
        cells = coverage.cell_gaps(regions)
        contacts = coverage.contact_gaps(regions)
        for gap in cells:
            self.stdout.write(f"no guide: {gap}")
        for gap in contacts:
            self.stdout.write(f"no contact of the district: {gap}")
        self.stdout.write(
            f"{len(cells)} cells without a guide, {len(contacts)} district topics without a "
            "contact of their own."
        )
        if options["strict"] and (cells or contacts):
            raise CommandError("The guided entry has gaps (listed above).")
