"""Bulk imports: the uploaded file, the column mapping, the preview per row and the outcome.

Uploaded import files are never served (``core.privatestorage``)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from standortlotse.core.privatestorage import private_storage
from standortlotse.core.validators import TEXT_LINE


class ImportJob(models.Model):
    class State(models.TextChoices):
        MAPPING = "mapping", _("columns to assign")
        ANALYSING = "analysing", _("checking")
        PREVIEW = "preview", _("preview ready")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")
        DISCARDED = "discarded", _("discarded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    target = models.CharField(max_length=30, default="properties")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL
    )
    file = models.FileField(storage=private_storage, upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=255)
    file_kind = models.CharField(max_length=20)
    file_note = models.CharField(max_length=200, blank=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # header → column ("" = ignore)
    # The coordinate system of the table's coordinate columns (core.tabular.coordinates.SYSTEMS),
    # detected at upload and confirmed in the mapping step; "" when the file has none.
    crs = models.CharField(max_length=20, blank=True)
    # The target's own parameters, chosen at upload (places: region, source, feed, format) and
    # what the upload found for the preview ("warnings": e.g. partner categories without mapping).
    options = models.JSONField(default=dict, blank=True)
    # The language of the user who uploaded the file (settings.LANGUAGES): the check and the
    # import run in it, so the row notes and the job's message are stored in it ("" = the site's).
    language = models.CharField(max_length=10, blank=True)
    publish = models.BooleanField(default=False)
    skip_errors = models.BooleanField(default=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.MAPPING)
    counts = models.JSONField(default=dict)  # outcome → rows
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

    @property
    def busy(self):
        return self.state in (self.State.ANALYSING, self.State.IMPORTING)

    @property
    def row_total(self):
        return sum(
            self.counts.get(k, 0) for k in ("new", "update", "unchanged", "conflict", "error")
        )

    @property
    def error_rows(self):
        return self.counts.get("error", 0)


class ImportRow(models.Model):
    """What the preview found for one row of the file (and what the import then did)."""

    class Outcome(models.TextChoices):
        NEW = "new", _("new")
        UPDATE = "update", _("update")
        UNCHANGED = "unchanged", _("unchanged")
        # A place changed here and at the partner: kept for the moderators' review (places).
        CONFLICT = "conflict", _("conflict")
        ERROR = "error", _("error")

    class Decision(models.TextChoices):
        """What to do with a possible duplicate ("" = the row is none)."""

        ASK = "ask", _("not decided yet")
        UPDATE = "update", _("update the existing record")
        CREATE = "create", _("create anyway")
        SKIP = "skip", _("skip")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    external_id = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200, blank=True)
    messages = models.JSONField(default=list)  # [[column, message], ...] errors, then ["", warning]
    changed = models.JSONField(default=list)
    # A possible duplicate: of an earlier row of the file and/or of a record of the register.
    duplicate_of_row = models.PositiveIntegerField(null=True, blank=True)
    duplicate_identical = models.BooleanField(default=False)
    duplicate_of_record = models.PositiveIntegerField(null=True, blank=True)
    duplicate_record_title = models.CharField(max_length=200, blank=True)
    duplicate_reasons = models.JSONField(default=list)  # "position", "title", "area"
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    # 64-bit hash of the row's parsed values (properties.duplicates.fingerprint): the check
    # finds a row identical to an earlier one with it in SQL, batch by batch.
    fingerprint = models.BigIntegerField(null=True, blank=True)
    # What the target's near-identical check compares after the last batch (properties: the
    # municipality, the available and the total area; the title is ``title``), so that it keeps
    # no index of the file's rows in memory while the batches are read (None: not compared).
    near_group = models.BigIntegerField(null=True, blank=True)
    near_a = models.BigIntegerField(null=True, blank=True)
    near_b = models.BigIntegerField(null=True, blank=True)
    # A new row's record as the preview built it, ready to write (the target's ``stage``: JSON
    # text of the prepared column values): the import writes it without converting and checking
    # the row a second time. Cleared when the import has run.
    staged = models.TextField(blank=True, default="")

    class Result(models.TextChoices):
        """What the import did with the row ("" = not imported yet)."""

        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        CONFLICT = "conflict", _("kept as a conflict for review")
        UNCHANGED = "unchanged", _("unchanged")
        SKIPPED = "skipped", _("skipped")
        SKIPPED_ERROR = "error", _("skipped (error)")

    result = models.CharField(max_length=10, choices=Result.choices, blank=True)
    record_id = models.PositiveIntegerField(null=True, blank=True)  # the record created or updated

    class Meta:
        ordering = ["number"]
        indexes = [
            models.Index(fields=["job", "fingerprint", "number"], name="exchange_row_fingerprint"),
            models.Index(fields=["job", "decision", "number"]),
            models.Index(fields=["job", "outcome", "number"]),
            models.Index(fields=["job", "number"]),
            models.Index(fields=["job", "external_id"]),
        ]

    def __str__(self):
        return f"row {self.number}: {self.outcome}"

    REASONS = {
        "position": _("within 100 m"),
        "title": _("similar title"),
        "area": _("same area"),
    }

    @property
    def duplicate_reason_labels(self) -> str:
        return ", ".join(str(self.REASONS[r]) for r in self.duplicate_reasons if r in self.REASONS)


class ColumnMemory(models.Model):
    """The column an organisation assigned to a header last time, suggested next time.

    With ``shape`` (``core.tabular.columns.file_shape``: the set of a file's folded headers) the
    row is part of a whole confirmed mapping for files of that shape, ``header`` folded; those
    are offered first. Without it, ``header`` as written, for files of any shape."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE)
    target = models.CharField(max_length=30)
    shape = models.CharField(max_length=64, blank=True, default="")
    header = models.CharField(max_length=200)
    column = models.CharField(max_length=60, blank=True)
    # With a shape: the coordinate system confirmed with that mapping ("" = none, or detected).
    crs = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "target", "shape", "header"],
                name="column_memory_unique",
            )
        ]

    def __str__(self):
        return f"{self.target}: {self.header} → {self.column or '–'}"


class ApiKey(models.Model):
    """A read key of a consumer organisation (state system, partner portal) for the change feed.

    Only a hash of the secret is stored; the key is shown once when it is created.
    """

    class Scope(models.TextChoices):
        PROPERTIES = "properties", _("properties")
        PLACES = "places", _("places")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100, validators=TEXT_LINE)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    requests_per_hour = models.PositiveIntegerField(_("requests per hour"), default=600)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.organisation} – {self.name} ({self.prefix}…)"


class Tombstone(models.Model):
    """A record that was deleted, so the change feed can tell consumers."""

    entity = models.CharField(max_length=20)  # "properties" or "places"
    key = models.CharField(max_length=64)
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["entity", "deleted_at", "id"])]

    def __str__(self):
        return f"{self.entity}/{self.key}"
