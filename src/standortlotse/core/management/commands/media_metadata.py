"""Give media objects on S3 the headers of ``core.uploads.media_headers`` (once, after upgrading).

Objects stored before the storage set them carry the type the uploading browser declared
(``text/html`` for a crafted document). Without ``--apply`` the command only lists them.
"""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand

from standortlotse.core.storage import MediaS3Storage, object_parameters


class Command(BaseCommand):
    help = "Re-stamp ContentType/ContentDisposition of the media objects on S3 from their names."

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="change the objects (default: list only)"
        )

    def handle(self, *args, apply=False, **options):
        storage = storages["default"]
        if not isinstance(storage, MediaS3Storage):
            self.stdout.write(
                "Media are on disk: the headers come from the server rule, nothing to change."
            )
            return
        prefix = f"{storage.location.strip('/')}/" if storage.location else ""
        changed = 0
        for summary in storage.bucket.objects.filter(Prefix=prefix):
            name = summary.key[len(prefix) :]
            wanted = {**storage.get_object_parameters(name), **object_parameters(name)}
            current = storage.bucket.Object(summary.key)
            if current.content_type == wanted["ContentType"] and (
                current.content_disposition or None
            ) == wanted.get("ContentDisposition"):
                continue
            changed += 1
            self.stdout.write(f"{summary.key}: {current.content_type} → {wanted['ContentType']}")
            if apply:
                current.copy_from(
                    CopySource={"Bucket": storage.bucket.name, "Key": summary.key},
                    MetadataDirective="REPLACE",
                    **wanted,
                )
        verb = "changed" if apply else "to change (run with --apply)"
        self.stdout.write(f"{changed} object(s) {verb}.")
