from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "standortlotse.places"
    verbose_name = _("Creative places")

    def ready(self):
        from standortlotse.core import imports
        from standortlotse.places import importing, signals  # noqa: F401

        imports.register(importing.KEY, importing)
