"""Photos chosen in a submission that failed validation, kept so nobody has to pick them again.

Stored under places/tmp with a random name that the form carries back in a hidden field; removed
when the submission succeeds, replaced when another photo is chosen, and cleared daily.
"""

import uuid
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from standortlotse.core import ratelimit
from standortlotse.core.uploads import normalised_image

TEMP_PHOTO_DIR = "places/tmp"


def keep(request, form, kept: str | None) -> None:
    """Keep a valid photo across a failed submission so nobody has to pick it again.

    A photo restored from an earlier attempt keeps its copy; a newly chosen one replaces it.
    """
    photo = form.cleaned_data.get("photo") if hasattr(form, "cleaned_data") else None
    if not photo:
        return
    token = kept
    if token is None:
        if not ratelimit.hit(request, "photo-keep", 30, 3600):
            return
        # The re-encoded pixels, not the upload: the copy sits in public media until it is used.
        copy = normalised_image(photo)
        token = default_storage.save(f"{TEMP_PHOTO_DIR}/{uuid.uuid4().hex}.img", copy).rsplit(
            "/", 1
        )[-1]
        discard(form.data.get("photo_token"))
    form.data = form.data.copy()
    form.data["photo_token"] = token


def _valid_token(token) -> bool:
    return bool(token) and "/" not in token and token.endswith(".img")


def discard(token) -> None:
    if _valid_token(token):
        default_storage.delete(f"{TEMP_PHOTO_DIR}/{token}")


def restore(request, data):
    """The request's files, with the kept photo put back when no new one was chosen."""
    token = data.get("photo_token", "")
    if request.FILES.get("photo") or not _valid_token(token):
        return request.FILES, None
    path = f"{TEMP_PHOTO_DIR}/{token}"
    if not default_storage.exists(path):
        return request.FILES, None
    files = request.FILES.copy()
    with default_storage.open(path) as handle:
        files["photo"] = SimpleUploadedFile("kept-photo.jpg", handle.read())
    return files, token


def clear(older_than_hours: int = 24) -> int:
    """Remove kept photos of submissions that were never completed (run daily)."""
    if not default_storage.exists(TEMP_PHOTO_DIR):
        return 0
    limit = timezone.now() - timedelta(hours=older_than_hours)
    removed = 0
    for name in default_storage.listdir(TEMP_PHOTO_DIR)[1]:
        path = f"{TEMP_PHOTO_DIR}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
            removed += 1
    return removed
