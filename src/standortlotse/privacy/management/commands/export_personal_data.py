"""Write the complete access export (GDPR art. 15) of one email address to a file or stdout."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from standortlotse.privacy import services


class Command(BaseCommand):
    help = "Export everything stored about an email address (JSON to stdout, or --output FILE.json/.zip)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--output", help="file to write; .zip writes JSON and an Excel workbook"
        )

    def handle(self, *args, email, output=None, **options):
        try:
            data = services.export_data(email, user=None)
        except ValidationError as error:
            raise CommandError(error.message_dict["email"][0]) from None
        if output is None:
            self.stdout.write(services.export_json(data).decode("utf-8"))
            return
        content = (
            services.export_zip(data)
            if output.lower().endswith(".zip")
            else services.export_json(data)
        )
        with open(output, "wb") as handle:
            handle.write(content)
        records = sum(len(v) for v in data.values() if isinstance(v, list))
        self.stderr.write(f"{records} records written to {output}")
