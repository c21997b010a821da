from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "standortlotse.geo"
    verbose_name = _("Geography")

    def ready(self):
        from standortlotse.geo import context_processors  # noqa: F401  (connects its signals)
