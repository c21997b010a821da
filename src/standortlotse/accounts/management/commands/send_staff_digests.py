from django.core.management.base import BaseCommand

from standortlotse.accounts.digests import send_digests


class Command(BaseCommand):
    help = (
        "Send each staff member who chose it the daily summary of their notifications (run daily)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Queued {send_digests()} daily summaries.")
