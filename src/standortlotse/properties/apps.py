from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    name = "standortlotse.properties"
    verbose_name = _("Property register")

    def ready(self):
        from standortlotse.core import imports
        from standortlotse.properties import importing, signals  # noqa: F401

        imports.register(importing.KEY, importing)
