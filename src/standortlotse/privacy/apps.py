from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "standortlotse.privacy"
    verbose_name = _("Data protection")

    def ready(self):
        # Every app above privacy describes its own personal data in its ``privacy.py`` (as
        # admin.py does for the admin); this app knows none of them by name. ``providers`` holds
        # those of the third-party models and of accounts (below privacy). Imported here, not at
        # the top: models cannot be imported before the app registry is ready.
        from standortlotse.privacy import providers  # noqa: F401

        autodiscover_modules("privacy")
