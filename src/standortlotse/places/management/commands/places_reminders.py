from django.core.management.base import BaseCommand

from standortlotse.places import kept_photos
from standortlotse.places.services import send_confirmation_requests


class Command(BaseCommand):
    help = "Ask owners to confirm their places and flag places whose owners did not answer (run daily)."

    def handle(self, *args, **options):
        result = send_confirmation_requests()
        self.stdout.write(f"Asked {result['asked']} owners, flagged {result['flagged']} places.")
        self.stdout.write(f"Removed {kept_photos.clear()} photos of unfinished submissions.")
