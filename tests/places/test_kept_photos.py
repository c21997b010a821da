"""places/kept_photos.py: a photo of a failed submission is kept for the next attempt, once, and
cleared when the submission succeeds or the copy is old."""

import pytest

from tests.places.support import png

pytestmark = pytest.mark.django_db


def test_kept_photo_is_reused_then_removed(world, submit, settings):
    import os

    from standortlotse.places import kept_photos

    tmp = os.path.join(settings.MEDIA_ROOT, kept_photos.TEMP_PHOTO_DIR)
    first = submit(photo=png(), photo_alt="Foto", consent="")
    token = first.context["form"].data["photo_token"]
    second = submit(photo_token=token, photo_alt="Foto", consent="")
    assert second.context["form"].data["photo_token"] == token  # no second copy
    assert os.listdir(tmp) == [token]
    third = submit(photo=png("neu.png"), photo_token=token, photo_alt="Neu", consent="")
    new_token = third.context["form"].data["photo_token"]
    assert new_token != token and os.listdir(tmp) == [new_token]  # replaced, not piled up
    assert submit(photo_token=new_token, photo_alt="Neu").status_code == 302
    assert os.listdir(tmp) == []  # removed after success


def test_clear_removes_only_old_kept_photos(world, submit, settings):
    import os
    import time

    from standortlotse.places import kept_photos

    token = submit(photo=png(), photo_alt="Foto", consent="").context["form"].data["photo_token"]
    path = os.path.join(settings.MEDIA_ROOT, kept_photos.TEMP_PHOTO_DIR, token)
    assert kept_photos.clear() == 0
    old = time.time() - 2 * 86400
    os.utime(path, (old, old))
    assert kept_photos.clear() == 1 and not os.path.exists(path)
