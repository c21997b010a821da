"""Media on S3-compatible object storage: every object carries the headers of
``core.uploads.media_headers`` as its metadata, so the bucket serves it as nginx and Django do."""

from storages.backends.s3 import S3Storage

from standortlotse.core.uploads import media_headers

# S3 returns these stored fields as the response headers of the object. X-Content-Type-Options
# and Content-Security-Policy cannot be stored on an object: the proxy in front adds them
# (docs/deployment.md).
_OBJECT_FIELDS = {"Content-Type": "ContentType", "Content-Disposition": "ContentDisposition"}


def object_parameters(name: str) -> dict[str, str]:
    headers = media_headers(name)
    return {field: headers[header] for header, field in _OBJECT_FIELDS.items() if header in headers}


class MediaS3Storage(S3Storage):
    def get_object_parameters(self, name):
        # Our type, never the one the uploading browser declared (S3Storage would take that).
        return {**super().get_object_parameters(name), **object_parameters(name)}
