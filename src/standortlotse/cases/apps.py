from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "standortlotse.cases"
    verbose_name = _("Investor service")

    def ready(self):
        from standortlotse.cases import signals  # noqa: F401
