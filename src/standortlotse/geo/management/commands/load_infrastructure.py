from django.core.management.base import BaseCommand, CommandError

from standortlotse.geo import infrastructure
from standortlotse.geo.models import InfrastructureDataset
from standortlotse.geo.signals import reference_data_loaded


class Command(BaseCommand):
    help = (
        "Load or replace infrastructure reference data sets (GeoJSON, see docs/location-facts.md): "
        "the shipped ones without a path. A data set replaces the loaded one with the same "
        "metadata.key. Then the location facts of every property are recomputed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="GeoJSON data set files")
        parser.add_argument(
            "--remove",
            action="append",
            default=[],
            metavar="KEY",
            help="Remove the loaded data set with this key (repeatable), e.g. the shipped "
            "'altmark' on an instance for another region.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the files; load nothing.",
        )
        parser.add_argument(
            "--no-recompute",
            action="store_true",
            help="Do not recompute the records' location facts (they follow on each record's "
            "next save).",
        )

    def handle(self, *args, **options):
        # No path: the shipped data sets, unless the command only removes one.
        paths = options["paths"] or ([] if options["remove"] else infrastructure.shipped_files())
        datasets = []
        for path in paths:
            try:
                data = infrastructure.read_dataset(path)
            except infrastructure.DatasetError as error:
                raise CommandError(f"{path}: {error}") from error
            datasets.append((path, data))
        if options["check"]:
            for path, data in datasets:
                self.stdout.write(f"{path}: {len(data['features'])} features, valid.")
            return
        for key in options["remove"]:
            deleted, _detail = InfrastructureDataset.objects.filter(key=key).delete()
            if not deleted:
                raise CommandError(f"No data set with the key '{key}' is loaded.")
            self.stdout.write(f"Removed the data set '{key}'.")
        for path, data in datasets:
            dataset = infrastructure.load_dataset(data)
            self.stdout.write(
                f"Loaded '{dataset.key}' ({dataset.name}, as of {dataset.as_of:%Y-%m-%d}): "
                f"{dataset.features.count()} features from {path}."
            )
        if options["no_recompute"]:
            return
        for _receiver, line in reference_data_loaded.send(
            sender=self.__class__, reason="load_infrastructure"
        ):
            if line:
                self.stdout.write(str(line))
