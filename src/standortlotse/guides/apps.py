from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "standortlotse.guides"
    verbose_name = _("Guides, contacts and events")
