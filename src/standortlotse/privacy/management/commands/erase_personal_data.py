"""Erase everything about one email address (GDPR art. 17), as the back office does."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from standortlotse.privacy import services
from standortlotse.privacy.models import ErasureRecord


class Command(BaseCommand):
    help = "Delete or anonymise everything stored about an email address; without --yes only shows what would happen."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="really erase (else: a dry run)")

    def handle(self, *args, email, yes=False, **options):
        try:
            plan = services.plan(email)
            for row in plan:
                self.stdout.write(
                    f"{row['key']}: {row['delete']} deleted, {row['anonymise']} anonymised, "
                    f"{row['history']} history versions anonymised"
                )
            if not plan:
                self.stdout.write("nothing stored about this address")
            if not yes:
                self.stdout.write("dry run: nothing changed (add --yes to erase)")
                return
            record = services.erase(email, via=ErasureRecord.Via.COMMAND)
        except ValidationError as error:
            raise CommandError(error.message_dict["email"][0]) from None
        self.stdout.write(f"erasure record #{record.pk}: {record.remaining} occurrences left")
        if record.remaining:
            raise CommandError(f"the address still appears {record.remaining} times")
