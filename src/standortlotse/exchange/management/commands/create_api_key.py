from django.core.management.base import BaseCommand, CommandError

from standortlotse.accounts.models import Organisation
from standortlotse.exchange import changes


class Command(BaseCommand):
    help = "Create a read key for the change feed (/api/changes/...); prints the key once."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="name of the consumer organisation")
        parser.add_argument("--name", default="change feed")
        parser.add_argument(
            "--scope", action="append", choices=["properties", "places"], required=True
        )
        parser.add_argument("--per-hour", type=int, default=600)

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation named {options['organisation']!r}.")
        key, plain = changes.create_key(
            organisation, options["name"], options["scope"], options["per_hour"]
        )
        self.stdout.write(plain)
