from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "standortlotse.accounts"
    verbose_name = _("Organisations and roles")

    def ready(self):
        # A run-time hook, not a cycle (core imports no domain app): core/mail.py tells the state
        # agency about undeliverable mail, in each recipient's language. Imported here because
        # recipients needs the models, which cannot be imported before the app registry is ready.
        from standortlotse.accounts import recipients
        from standortlotse.core import mail

        mail.fallback_notice_recipients = recipients.state_agency
        mail.notice_languages = recipients.by_language


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with ``adminsite.StaffAdminSite`` as ``admin.site`` (named in
    INSTALLED_APPS instead of django.contrib.admin)."""

    default = False  # named explicitly; AccountsConfig stays this module's default
    default_site = "standortlotse.accounts.adminsite.StaffAdminSite"
