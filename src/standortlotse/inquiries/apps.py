from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "standortlotse.inquiries"
    verbose_name = _("Inquiries")
