from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    name = "standortlotse.reach"
    verbose_name = _("Reach")
