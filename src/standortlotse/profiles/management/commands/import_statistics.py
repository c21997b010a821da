"""manage.py import_statistics <file> --key population --as-of 2023-12-31 --source "…": one
official figure per municipality from a GENESIS / Regionalstatistik CSV table."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from standortlotse.profiles import services
from standortlotse.profiles.models import Key


class Command(BaseCommand):
    help = (
        "Import one figure per municipality (or district) from a statistics table as the "
        "statistical offices publish it (semicolon CSV, UTF-8 or Windows-1252, joined on the AGS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--key", required=True, choices=Key.values)
        parser.add_argument(
            "--as-of", help="YYYY-MM-DD; without it the date line of the table is used"
        )
        parser.add_argument("--source", required=True)
        parser.add_argument("--source-url", default="")
        parser.add_argument(
            "--column", help="the value column: its number (1 = first after the name) or a word"
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, **options):
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError as error:
                raise CommandError(f"--as-of: {error}") from error
        try:
            with open(options["file"], "rb") as handle:
                raw = handle.read()
        except OSError as error:
            raise CommandError(str(error)) from error
        report = services.import_table(
            raw,
            key=options["key"],
            as_of=as_of,
            source=options["source"],
            source_url=options["source_url"],
            column=options["column"],
            dry_run=options["dry_run"],
        )
        if report.file_error:
            raise CommandError(report.file_error)
        for error in report.errors:
            self.stderr.write(str(error))
        counts = report.counts
        self.stdout.write(
            f"{report.column} ({report.encoding}), as of {report.as_of:%Y-%m-%d}: "
            f"{counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged, "
            f"{len(report.missing)} without a value, {report.not_here} other areas left out."
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} errors: nothing was written.")
        self.stdout.write("Written." if report.written else "Checked only (--dry-run).")
