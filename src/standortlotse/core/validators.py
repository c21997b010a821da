"""Validators shared by all domain apps: GeoJSON geometry and uploaded files."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity


def validate_geojson_polygon(value):
    """Accept a GeoJSON Polygon or MultiPolygon in WGS84 that is geometrically valid."""
    if value in (None, "", {}):
        return
    if not isinstance(value, dict) or value.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError(_("The outline must be a GeoJSON Polygon or MultiPolygon."))
    try:
        geometry = shape(value)
    except Exception:  # shapely raises several types for malformed coordinates
        raise ValidationError(_("The outline has malformed coordinates."))
    if geometry.is_empty:
        raise ValidationError(_("The outline is empty."))
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValidationError(
            _("The outline coordinates must be longitude/latitude in WGS84 (EPSG:4326).")
        )
    if not geometry.is_valid:
        raise ValidationError(
            _("The outline is not a valid polygon (%(reason)s).")
            % {"reason": explain_validity(geometry)}
        )


def validate_upload_size(upload):
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)d MB); at most %(max)d MB are allowed.")
            % {"size": upload.size // (1024 * 1024), "max": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
        )


def validate_pdf(upload):
    """Check the content, not the name: a PDF starts with %PDF-."""
    validate_upload_size(upload)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError(_("The file is not a PDF document."))


def validate_photo(upload):
    """Accept JPEG, PNG and WebP images whose content Pillow can decode (no SVG, no HTML)."""
    from PIL import Image, UnidentifiedImageError

    validate_upload_size(upload)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The file is not a valid JPEG, PNG or WebP photo."))
    finally:
        upload.seek(0)
    if image_format not in {"JPEG", "PNG", "WEBP"}:
        raise ValidationError(_("The file is not a valid JPEG, PNG or WebP photo."))


def store_upload(field_file, extension: str, content) -> None:
    """Save ``content`` under a new random name; if the disk fills up midway, the partial file
    is removed before the error goes on (the name is unique, so nothing else can be hit)."""
    import uuid

    name = field_file.field.generate_filename(field_file.instance, f"{uuid.uuid4().hex}.{extension}")
    try:
        field_file.save(name.rsplit("/", 1)[-1], content, save=False)
    except OSError:
        if field_file.storage.exists(name):
            field_file.storage.delete(name)
        raise
