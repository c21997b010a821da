from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "standortlotse.privacy"
    verbose_name = _("Data protection")

    def ready(self):
        # Every app describes its own personal data in its ``privacy.py`` (as admin.py does for
        # the admin); this app knows none of them by name.
        from standortlotse.privacy import providers  # noqa: F401  (Django's and third-party models)

        autodiscover_modules("privacy")
