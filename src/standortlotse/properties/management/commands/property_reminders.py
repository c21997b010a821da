from django.core.management.base import BaseCommand

from standortlotse.properties import freshness


class Command(BaseCommand):
    help = "Email the editors of properties that have not been confirmed for the reminder period (run daily)."

    def handle(self, *args, **options):
        sent = freshness.send_reminders()
        self.stdout.write(f"{sent} reminder email(s) queued")
