from django.core.management.base import BaseCommand

from standortlotse.properties.demo import generate_properties


class Command(BaseCommand):
    help = "Generate N synthetic properties across Germany for benchmarks (default 100,000)."

    def add_arguments(self, parser):
        parser.add_argument("count", nargs="?", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        created = generate_properties(options["count"], seed=options["seed"])
        self.stdout.write(f"Generated {created} synthetic properties.")
