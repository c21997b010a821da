"""The transparency index as computed on one day (``manage.py transparency_snapshot``, daily)."""

from django.db import models
from django.utils import timezone


class TransparencySnapshot(models.Model):
    """The figures per municipality and region at one time (``transparency/index.py``): counts
    and medians only, no record of a person."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    data = models.JSONField()

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
