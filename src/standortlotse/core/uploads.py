"""User uploads (documents, photos): how they are named, re-encoded and served.

A stored file's name is ours, never the uploader's: a random hex name and an extension decided by
the content (``.pdf`` for checked documents, ``.jpg`` for re-encoded photos). The headers every
media response carries are decided here once, from that extension (``media_headers``), and used
by the Django media view, the S3 object metadata (``core.storage``) and the nginx block in
docs/deployment.md (``nginx_media_block``, compared with the guide by the tests).
"""

import posixpath
import uuid
from io import BytesIO
from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import models
from django.utils.deconstruct import deconstructible

from standortlotse.core.validators import validate_pdf, validate_photo

MAX_PHOTO_EDGE = 1920

# The only types a media response ever declares. Anything else is sent as a download of
# unknown bytes, so a file stored before names were random (``x.html``) stays inert.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
# Photos are shown in pages; everything else (documents included) is a download. Uploaded
# documents are not shown inline with a `sandbox` policy instead: Safari (and older Chrome)
# refuse to display a PDF under `Content-Security-Policy: sandbox`, so inline would break for
# part of the investors anyway. The exposé, which we render ourselves, is a view, not media.
INLINE_EXTENSIONS = {"jpg", "jpeg", "png", "webp"}
UNKNOWN_TYPE = "application/octet-stream"
# Should a stored file ever be opened as a page, it gets no script, no origin and no resources.
MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _extension(name: str) -> str:
    return posixpath.splitext(name)[1][1:].lower()


def media_headers(name: str) -> dict[str, str]:
    """The response headers for the stored media file ``name`` (its path or key)."""
    extension = _extension(name)
    headers = {
        "Content-Type": MEDIA_TYPES.get(extension, UNKNOWN_TYPE),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": MEDIA_CSP,
    }
    if extension not in INLINE_EXTENSIONS:
        headers["Content-Disposition"] = "attachment"
    return headers


def nginx_media_block(media_root: str = "/srv/standortlotse/media/") -> str:
    """The nginx configuration that sends the headers of ``media_headers`` (docs/deployment.md)."""
    types: dict[str, list[str]] = {}
    for extension, content_type in MEDIA_TYPES.items():
        types.setdefault(content_type, []).append(extension)
    type_lines = " ".join(
        f"{content_type} {' '.join(exts)};" for content_type, exts in types.items()
    )
    inline = "|".join(sorted(INLINE_EXTENSIONS))
    return "\n".join(
        [
            "# media headers: the rule of standortlotse.core.uploads.media_headers (http context)",
            f'map $uri $media_disposition {{ ~*\\.({inline})$ ""; default attachment; }}',
            "# in the server block:",
            "location /media/ {",
            f"    alias {media_root}; expires 7d;",
            f"    types {{ {type_lines} }}",
            f"    default_type {UNKNOWN_TYPE};",
            "    add_header X-Content-Type-Options nosniff always;",
            f'    add_header Content-Security-Policy "{MEDIA_CSP}" always;',
            "    add_header Content-Disposition $media_disposition always;",
            "}",
        ]
    )


def serve_media(request, path):
    """Media from MEDIA_ROOT (development, `make run`, STANDORTLOTSE_SERVE_MEDIA=1) with the same
    headers nginx and the S3 objects carry."""
    from django.conf import settings
    from django.views.static import serve

    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    # Django's guesses go: a stored ``.gz`` is bytes to download, not a transport encoding, and
    # the file response's own ``inline; filename=…`` would show the uploader's old name.
    for guessed in ("Content-Encoding", "Content-Disposition"):
        if guessed in response:
            del response[guessed]
    for header, value in media_headers(path).items():
        response[header] = value
    return response


def normalised_image(upload) -> ContentFile:
    """Re-encode the photo: strips metadata and anything that is not pixels, caps its size."""
    from PIL import Image, ImageOps

    upload.seek(0)
    with Image.open(upload) as opened:
        image = ImageOps.exif_transpose(opened)
        image.thumbnail((MAX_PHOTO_EDGE, MAX_PHOTO_EDGE))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = BytesIO()
        image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue())


def random_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


@deconstructible
class RandomName:
    """``upload_to``: a new random name in ``folder`` (strftime allowed). The extension is kept
    only when it is one this kind of file may have; the uploader's name is dropped."""

    def __init__(self, folder: str, extensions: tuple[str, ...]):
        self.folder = folder
        self.extensions = tuple(extensions)

    def __call__(self, instance, filename):
        from django.utils import timezone

        extension = _extension(filename)
        if extension not in self.extensions:
            extension = self.extensions[0]
        return posixpath.join(timezone.now().strftime(self.folder), random_name(extension))

    def __eq__(self, other):
        return isinstance(other, RandomName) and (self.folder, self.extensions) == (
            other.folder,
            other.extensions,
        )


class PhotoFormField(forms.ImageField):
    """A photo checked by content and re-encoded to JPEG under a random name (admin, guides)."""

    default_validators = [validate_photo]

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):  # a new file, not the one already stored
            return SimpleUploadedFile(
                random_name("jpg"), normalised_image(upload).read(), "image/jpeg"
            )
        return upload


class PhotoField(models.ImageField):
    """A photo: JPEG, PNG or WebP by content, stored as ``<random>.jpg`` (or .png/.webp)."""

    def __init__(self, *args, folder: str = "", **kwargs):
        if folder:
            kwargs["upload_to"] = RandomName(folder, ("jpg", "jpeg", "png", "webp"))
        kwargs.setdefault("validators", [NewUploadsOnly(validate_photo)])
        super().__init__(*args, **kwargs)

    def formfield(self, form_class=None, choices_form_class=None, **kwargs: Any) -> Any:
        return super().formfield(
            form_class=form_class or PhotoFormField, choices_form_class=choices_form_class, **kwargs
        )


class DocumentField(models.FileField):
    """A PDF document, parsed as PDF, stored as ``<random>.pdf``."""

    def __init__(self, *args, folder: str = "", **kwargs):
        if folder:
            kwargs["upload_to"] = RandomName(folder, ("pdf",))
        kwargs.setdefault("validators", [NewUploadsOnly(validate_pdf)])
        super().__init__(*args, **kwargs)


@deconstructible
class NewUploadsOnly:
    """A model validator for new uploads only: files already stored were checked when they came."""

    def __init__(self, validator):
        self.validator = validator

    def __call__(self, value):
        if getattr(value, "_committed", False):
            return
        self.validator(getattr(value, "file", value))

    def __eq__(self, other):
        return isinstance(other, NewUploadsOnly) and self.validator == other.validator
