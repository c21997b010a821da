from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "standortlotse.search"
    verbose_name = _("Search")

    def ready(self):
        from standortlotse.search import privacy, signals  # noqa: F401
