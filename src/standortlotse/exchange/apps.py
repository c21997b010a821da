from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "standortlotse.exchange"
    verbose_name = _("Data exchange")

    def ready(self):
        from standortlotse.exchange import changes  # noqa: F401  (deletion signals)
