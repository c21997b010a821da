"""manage.py add_region <file.json> [--slug …] [--brand-colour …]: add (or update) a marketing
region from a data file in the format of geo/data/*.json (docs/regions.md). Idempotent."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from standortlotse.core.colours import validate_brand_colour
from standortlotse.geo.services import RegionFileError, load_region_file
from standortlotse.geo.signals import reference_data_loaded


class Command(BaseCommand):
    help = (
        "Add a marketing region with its state, districts and municipalities (AGS, outlines, "
        "postcodes, regional aid classification) from a region data file, or update it: records "
        "are matched by their official keys, so running it twice changes nothing. See "
        "docs/regions.md for the format and what to configure afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the region data file (JSON)")
        parser.add_argument("--slug", help="the region's slug (default: the file's region.slug)")
        parser.add_argument(
            "--brand-colour",
            help="hex colour such as #1f4e79 for the region's pages (white text on it needs "
            "4.5:1); default: keep the region's colour",
        )

    def handle(self, *args, path, slug=None, brand_colour=None, **options):
        if brand_colour:
            try:
                validate_brand_colour(brand_colour)
            except ValidationError as error:
                raise CommandError(f"--brand-colour: {' '.join(error.messages)}") from None
        try:
            with transaction.atomic():
                counts = load_region_file(path, slug=slug)
                region = counts["region"]
                if brand_colour and region.brand_colour != brand_colour:
                    region.brand_colour = brand_colour
                    region.full_clean()
                    region.save(update_fields=["brand_colour"])
        except RegionFileError as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(
            f"Region {region.name} ({region.slug}): {counts['districts']} districts, "
            f"{counts['municipalities']} municipalities."
        )
        for _receiver, line in reference_data_loaded.send(
            sender=self.__class__, reason="add_region"
        ):
            if line:
                self.stdout.write(str(line))
