"""Privacy-friendly reach figures: views per page and day, counted on the server.

No cookies, no IP addresses, no user agents are stored: only the day, the page (path without
query), the listing it shows, the referring *domain* and the campaign tag (utm_*). Nothing can be
traced back to a person, so no consent is needed.
"""

from django.db import models


class PageViewDay(models.Model):
    day = models.DateField()
    path = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, blank=True)  # property, place, guide, event, ""
    object_id = models.PositiveIntegerField(null=True, blank=True)
    referrer = models.CharField(max_length=100, blank=True)  # domain only
    campaign = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=100, blank=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "path", "referrer", "campaign", "source"],
                name="pageviewday_unique",
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id", "day"]), models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.day} {self.path}: {self.views}"
