"""Photos keep their pixel size in the database.

Pages need width and height for every <img> (no layout shift). Asking the ImageField for them
opens and decodes the file on every page view, which costs time on disk and a download per photo
on object storage, and breaks the page when a file is missing. So the size is read once, when
the photo is saved (the upload is at hand then), and stored.
"""

from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.translation import gettext_lazy as _

from standortlotse.core.validators import TEXT_LINE


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

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt_text


def read_dimensions(image) -> tuple[int | None, int | None]:
    try:
        return image.width, image.height
    except (OSError, ValueError, TypeError):  # missing or unreadable file: no size, no error
        return None, None


def backfill(model) -> None:
    """For migrations: the size of photos saved before the columns existed."""
    for photo in model.objects.filter(width__isnull=True).exclude(image="").iterator():
        width, height = read_dimensions(photo.image)
        if width:
            model.objects.filter(pk=photo.pk).update(width=width, height=height)
