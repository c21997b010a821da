from django.core.management.base import BaseCommand

from standortlotse.inquiries.services import apply_retention


class Command(BaseCommand):
    help = "Anonymise closed inquiries whose retention period is over (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"Anonymised {apply_retention()} inquiries.")
