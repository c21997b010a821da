"""Validators shared by all domain apps: text, web addresses, email addresses, GeoJSON geometry
and uploaded files.

The text validators sit on the model fields (``validators=TEXT_LINE`` / ``TEXT``), web and email
addresses use the fields of ``core.fields``; so every write path that validates through the model
(forms, the API's forms, admin, the imports calling ``Field.clean``) applies the same rules.
"""

import re
import unicodedata
from io import BytesIO
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from shapely.geometry import shape
from shapely.validation import explain_validity

# Characters that change how text is displayed without being visible: bidi embeddings, overrides
# and isolates (they reorder a name on screen, e.g. "Stadt\u202eladnetS") and zero-width
# characters (they make two different names look the same). Refused, not stripped: whatever the
# user entered is either stored as entered or refused with a message saying what to remove.
INVISIBLE = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]  # LRE, RLE, PDF, LRO, RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI, RLI, FSI, PDI
    + [
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
    ]  # zero-width space, non-joiner, joiner; word joiner; BOM
)
LINE_BREAKS_AND_TABS = {"\n", "\r", "\t"}
# Every character the check below may refuse: the invisible ones and Unicode's control characters
# (category Cc is exactly U+0000–U+001F and U+007F–U+009F). Text without any of them, nearly all
# text, is passed by one regular-expression search instead of a look at each character.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(INVISIBLE)) + "]")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'CONTROL CHARACTER')}"


def _check_characters(value, allow: set[str]) -> None:
    if not isinstance(value, str) or not _SUSPECT.search(value):
        return
    for position, char in enumerate(value, start=1):
        if char in INVISIBLE:
            raise ValidationError(
                _(
                    "The text contains an invisible formatting character (%(char)s) at position %(position)d; "
                    "please remove it. Right-to-left overrides and zero-width characters are not accepted."
                )
                % {"char": _describe(char), "position": position},
                code="invisible_character",
            )
        if char not in allow and unicodedata.category(char) == "Cc":
            if char in LINE_BREAKS_AND_TABS:
                message = _(
                    "The text contains a line break or tab at position %(position)d; this field takes one line."
                )
            else:
                message = _(
                    "The text contains a control character (%(char)s) at position %(position)d; "
                    "please remove it."
                )
            raise ValidationError(
                message % {"char": _describe(char), "position": position}, code="control_character"
            )


def validate_text_line(value) -> None:
    """One line of text (names, titles, addresses): no control characters, no line breaks,
    no bidi overrides or zero-width characters."""
    _check_characters(value, allow=set())


def validate_text(value) -> None:
    """Multi-line text (descriptions, messages): line breaks and tabs allowed, other control
    characters, bidi overrides and zero-width characters refused."""
    _check_characters(value, allow=LINE_BREAKS_AND_TABS)


@deconstructible
class WebURLValidator(URLValidator):
    """A full web address with http:// or https:// only: javascript:, data:, vbscript:, file:,
    ftp: and addresses without a scheme ("www.example.org", "//example.org") are refused."""

    schemes = ["http", "https"]
    message = _lazy(
        "Enter a full web address starting with https:// (or http://), e.g. https://www.example.org."
    )

    def __call__(self, value):
        _check_characters(value, allow=set())
        super().__call__(value)


validate_web_url = WebURLValidator()


@deconstructible
class StrictEmailValidator(EmailValidator):
    """Django's syntax check plus no control characters or invisible characters anywhere: an
    address with a line break would inject mail headers ("a@b.de\\nBcc: …")."""

    message = _lazy(
        "Enter a valid email address, e.g. name@example.org (one address, no line breaks)."
    )

    def __call__(self, value):
        if isinstance(value, str) and any(
            c in INVISIBLE or unicodedata.category(c) == "Cc" for c in value
        ):
            raise ValidationError(self.message, code=self.code, params={"value": value})
        super().__call__(value)


validate_email_address = StrictEmailValidator()


def valid_email(value: str) -> str:
    """``value`` if it is an address mail can go to (``validate_email_address``), else ""."""
    try:
        validate_email_address(value)
    except ValidationError:
        return ""
    return value


TEXT_LINE = [validate_text_line]
TEXT = [validate_text]


def is_web_url(value) -> bool:
    """For templates and presenters: only an http(s) address may become a link."""
    try:
        validate_web_url(value)
    except ValidationError:
        return False
    return True


def validate_geojson_polygon(value):
    """Accept a GeoJSON Polygon or MultiPolygon in WGS84 that is geometrically valid."""
    if value in (None, "", {}):
        return
    if not isinstance(value, dict) or value.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError(_("The outline must be a GeoJSON Polygon or MultiPolygon."))
    try:
        geometry = shape(value)
    except Exception as error:  # shapely raises several types for malformed coordinates
        raise ValidationError(_("The outline has malformed coordinates.")) from error
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


# Bounding box of Germany with a margin: points outside are almost always swapped lat/lon.
GERMANY_BOUNDS = {"lat": (47.0, 55.2), "lon": (5.5, 15.5)}
POINT_OUTSIDE_GERMANY = _lazy("The point lies outside Germany. Are latitude and longitude swapped?")


def point_in_germany(lat, lon) -> bool:
    """Whether a WGS84 point lies in Germany's box (record rule of properties and places)."""
    return (
        GERMANY_BOUNDS["lat"][0] <= lat <= GERMANY_BOUNDS["lat"][1]
        and GERMANY_BOUNDS["lon"][0] <= lon <= GERMANY_BOUNDS["lon"][1]
    )


def validate_upload_size(upload):
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)d MB); at most %(max)d MB are allowed.")
            % {
                "size": upload.size // (1024 * 1024),
                "max": settings.MAX_UPLOAD_BYTES // (1024 * 1024),
            }
        )


# Markup a browser would run if the file were ever taken for a page. A PDF's first kilobyte is
# header, objects and dictionaries: none of these tags belong there.
_MARKUP = (b"<html", b"<script", b"<svg", b"<body", b"<iframe", b"<!doctype", b"<object", b"<embed")
_PDF_ERRORS = {
    "unreadable": _lazy(
        "Document (PDF): the file is not a readable PDF document. Accepted: PDF files that open "
        "in a PDF reader."
    ),
    "markup": _lazy(
        "Document (PDF): the file contains web page content (HTML, SVG or script) and is refused. "
        "Accepted: plain PDF documents."
    ),
    "trailing": _lazy(
        "Document (PDF): the file carries other data after the end of the PDF and is refused. "
        "Accepted: plain PDF documents; save it again from the PDF reader."
    ),
    "encrypted": _lazy(
        "Document (PDF): the file is password-protected or encrypted. Accepted: PDF files without "
        "a password; save it again without protection."
    ),
    "script": _lazy(
        "Document (PDF): the file contains JavaScript or actions that run on opening and is "
        "refused. Accepted: PDF documents without scripts; export it again as a plain PDF."
    ),
}


def validate_pdf(upload):
    """The whole file must parse as a PDF (pypdf): not encrypted, at least one page, no script,
    no markup in its head and nothing after its last %%EOF (a PDF with a page appended)."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import DictionaryObject

    validate_upload_size(upload)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data.startswith(b"%PDF-"):
        raise ValidationError(_PDF_ERRORS["unreadable"], code="unreadable")
    if any(tag in data[:1024].lower() for tag in _MARKUP):
        raise ValidationError(_PDF_ERRORS["markup"], code="markup")
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + 5 :].strip(b"\r\n\t \x00"):
        raise ValidationError(
            _PDF_ERRORS["trailing"] if end >= 0 else _PDF_ERRORS["unreadable"],
            code="trailing" if end >= 0 else "unreadable",
        )
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # its repair notes are no news for us
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(_PDF_ERRORS["encrypted"], code="encrypted")
        if len(reader.pages) < 1:
            raise ValidationError(_PDF_ERRORS["unreadable"], code="unreadable")
        for page in reader.pages:
            _mediabox = page.mediabox  # every page must resolve
        # A catalog or name tree that is no dictionary raises below and counts as unreadable.
        root = cast(DictionaryObject, reader.trailer["/Root"].get_object())
        names = root.get("/Names")
        scripted = (
            "/OpenAction" in root
            and _is_script(root["/OpenAction"])
            or "/AA" in root
            or (names is not None and "/JavaScript" in cast(DictionaryObject, names.get_object()))
            or b"/JavaScript" in data
            or b"/Launch" in data
        )
    except ValidationError:
        raise
    except (
        PyPdfError,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        RecursionError,
        OSError,
    ) as error:
        raise ValidationError(_PDF_ERRORS["unreadable"], code="unreadable") from error
    finally:
        pypdf_log.setLevel(level)
    if scripted:
        raise ValidationError(_PDF_ERRORS["script"], code="script")


def _is_script(action) -> bool:
    action = action.get_object()
    return hasattr(action, "get") and action.get("/S") in ("/JavaScript", "/Launch")


def validate_photo(upload):
    """Accept JPEG, PNG and WebP images whose content Pillow can decode (no SVG, no HTML)."""
    from PIL import Image, UnidentifiedImageError

    validate_upload_size(upload)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise ValidationError(_("The file is not a valid JPEG, PNG or WebP photo.")) from error
    finally:
        upload.seek(0)
    if image_format not in {"JPEG", "PNG", "WEBP"}:
        raise ValidationError(_("The file is not a valid JPEG, PNG or WebP photo."))


def store_upload(field_file, extension: str, content) -> None:
    """Save ``content`` under a new random name; if the disk fills up midway, the partial file
    is removed before the error goes on (the name is unique, so nothing else can be hit)."""
    import uuid

    field = field_file.field
    name = field.generate_filename(field_file.instance, f"{uuid.uuid4().hex}.{extension}")
    try:
        # Saved through the storage under exactly this name (FieldFile.save would draw a new
        # random one from upload_to, and the clean-up below would look for the wrong file).
        field_file.name = field_file.storage.save(name, content, max_length=field.max_length)
    except OSError:
        if field_file.storage.exists(name):
            field_file.storage.delete(name)
        raise
    setattr(field_file.instance, field.attname, field_file.name)
    field_file._committed = True
