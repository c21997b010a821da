"""Files that are never served (uploaded import files, photos held for review).

They live outside MEDIA_ROOT and have no URL. Not in ``core.storage``: that module needs the
optional S3 extra, these files are always local.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT, without a URL.

    The folder is read from the settings at each use, not when the model is loaded, so that
    STANDORTLOTSE_PRIVATE_ROOT (and a test's own folder) is where the files really go.
    """

    @property
    def base_location(self):
        return settings.PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None  # url() refuses: there is no address for these files


def private_storage():
    return PrivateStorage()
