from django.core.management.base import BaseCommand

from standortlotse.transparency import index


class Command(BaseCommand):
    help = (
        "Compute and store the public transparency index per municipality and region (run daily)."
    )

    def handle(self, *args, **options):
        snap = index.snapshot()
        self.stdout.write(
            f"transparency index: {len(snap.data['municipalities'])} municipalities, "
            f"{len(snap.data['regions'])} regions"
        )
