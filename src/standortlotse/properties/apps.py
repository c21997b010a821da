from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    name = "standortlotse.properties"
    verbose_name = _("Property register")

    def ready(self):
        from standortlotse.properties import signals  # noqa: F401
