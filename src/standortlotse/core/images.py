"""Photos keep their pixel size in the database.

Pages need width and height for every <img> (no layout shift). Asking the ImageField for them
opens and decodes the file on every page view, which costs time on disk and a download per photo
on object storage, and breaks the page when a file is missing. So the size is read once, when
the photo is saved (the upload is at hand then), and stored.

Cards and result lists show a photo at 320 x 200 or 160 x 100 CSS pixels; sending them the
stored photo (up to 1920 px, often 300 KB from a municipality's camera) would make a search page
weigh megabytes. So each photo also gets two small copies, cut to the cards' 16:10 frame and
encoded as WebP, made when it is saved (every write path: forms, API, import, partner feeds,
admin, demo data) and named after the photo, so a replaced photo gets new ones.
"""

import posixpath
import re
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.translation import gettext_lazy as _

from standortlotse.core.validators import TEXT_LINE

# "Foto: Erika Muster" as people type a credit: the pages say "Photo:" themselves.
CREDIT_PREFIX = re.compile(r"^\s*(?:foto|photo|bild|fotos|fotograf(?:ie|in)?)\s*[:.-]\s*", re.I)


def plain_credit(text: str) -> str:
    """The credit without a leading "Foto:"/"Photo:"/"Bild:" (the page puts its own label)."""
    return CREDIT_PREFIX.sub("", text or "").strip()


# (name suffix, width, height): the card size and the same at double density.
THUMBNAIL_SIZES = (("320", 320, 200), ("640", 640, 400))
THUMBNAIL_QUALITY = 70


def thumbnail_path(instance, filename):
    """``upload_to`` of the thumbnails: beside the photo, in ``thumbs/``."""
    return posixpath.join(posixpath.dirname(instance.image.name), "thumbs", filename)


def thumbnail_name(image_name: str, suffix: str) -> str:
    stem = posixpath.splitext(posixpath.basename(image_name))[0]
    return f"{stem}-{suffix}.webp"


def _decoded(image):
    """The stored photo's pixels, read and decoded once for all its copies."""
    from PIL import Image

    image.open("rb")
    try:
        image.seek(0)
        with Image.open(image) as opened:
            return opened.convert("RGB")
    finally:
        image.close()


def make_thumbnail(picture, width: int, height: int) -> ContentFile:
    """The decoded photo cut to ``width`` x ``height`` around its centre (never enlarged), as
    WebP."""
    from PIL import Image, ImageOps

    if picture.width < width or picture.height < height:  # a small photo: same frame, smaller
        scale = min(picture.width / width, picture.height / height)
        width, height = max(1, int(width * scale)), max(1, int(height * scale))
    picture = ImageOps.fit(picture, (width, height), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    picture.save(buffer, format="WEBP", quality=THUMBNAIL_QUALITY, method=4)
    return ContentFile(buffer.getvalue())


def make_thumbnails(photo) -> bool:
    """Make the card copies of ``photo`` (a Photo, or its historical model in a migration); an
    unreadable file keeps none (the cards then show the photo itself)."""
    if not photo.image._committed:  # a new upload gets its name (and folder) first
        photo.image.save(photo.image.name, photo.image.file, save=False)
    try:
        picture = _decoded(photo.image)
        copies = [make_thumbnail(picture, w, h) for _suffix, w, h in THUMBNAIL_SIZES]
    except (OSError, ValueError, SyntaxError):  # missing or broken file
        photo.thumbnail, photo.thumbnail_2x = "", ""
        return False
    for field, (suffix, _w, _h), content in zip(
        ("thumbnail", "thumbnail_2x"), THUMBNAIL_SIZES, copies, strict=True
    ):
        copy = getattr(photo, field)
        if copy:  # the copies of a replaced photo (or left by an earlier run) go
            copy.delete(save=False)
        name = thumbnail_name(photo.image.name, suffix)
        target = thumbnail_path(photo, name)
        if copy.storage.exists(target):  # named after the photo: ours, so replaced, not renamed
            copy.storage.delete(target)
        copy.save(name, content, save=False)
    return True


class StoredDimensions(models.Model):
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image: ImageFieldFile  # each concrete model declares its own field (see Photo)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.image and (self.width is None or self.height is None):
            self.width, self.height = read_dimensions(self.image)
        super().save(*args, **kwargs)


class Photo(StoredDimensions):
    """A photo of a record: alternative text, credit, position in the gallery, stored size.

    Each concrete photo model declares its own ``image = PhotoField(_("photo"), folder=...)``
    (the folder is the only difference) and its link to the record."""

    alt_text = models.CharField(_("alternative text"), max_length=250, validators=TEXT_LINE)
    credit = models.CharField(_("photo credit"), max_length=150, blank=True, validators=TEXT_LINE)
    position = models.PositiveSmallIntegerField(default=0)

    thumbnail = models.ImageField(upload_to=thumbnail_path, blank=True, editable=False)
    thumbnail_2x = models.ImageField(upload_to=thumbnail_path, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        self.credit = plain_credit(self.credit)
        if self.image and not (self.thumbnail.name or "").endswith(
            "/" + thumbnail_name(self.image.name or "", THUMBNAIL_SIZES[0][0])
        ):
            self.make_thumbnails()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "thumbnail", "thumbnail_2x"}
        super().save(*args, **kwargs)

    def make_thumbnails(self) -> bool:
        return make_thumbnails(self)

    def delete_files(self) -> None:
        """Remove the photo's file and its card copies from the storage."""
        for field in (self.image, self.thumbnail, self.thumbnail_2x):
            if field:
                field.delete(save=False)

    @property
    def card_url(self) -> str:
        """The photo for a card or a result list (its small copy, else the photo)."""
        return self.thumbnail.url if self.thumbnail else self.image.url

    @property
    def card_srcset(self) -> str:
        """``srcset`` for a card: the two copies by width (empty without copies)."""
        if not (self.thumbnail and self.thumbnail_2x):
            return ""
        return f"{self.thumbnail.url} 320w, {self.thumbnail_2x.url} 640w"


def read_dimensions(image) -> tuple[int | None, int | None]:
    try:
        return image.width, image.height
    except (OSError, ValueError, TypeError):  # missing or unreadable file: no size, no error
        return None, None


def backfill_thumbnails(model) -> None:
    """For migrations and after restoring media: card copies of photos that have none."""
    for photo in model.objects.filter(thumbnail="").exclude(image="").iterator():
        if make_thumbnails(photo):
            model.objects.filter(pk=photo.pk).update(
                thumbnail=photo.thumbnail.name, thumbnail_2x=photo.thumbnail_2x.name
            )


def backfill(model) -> None:
    """For migrations: the size of photos saved before the columns existed."""
    for photo in model.objects.filter(width__isnull=True).exclude(image="").iterator():
        width, height = read_dimensions(photo.image)
        if width:
            model.objects.filter(pk=photo.pk).update(width=width, height=height)
