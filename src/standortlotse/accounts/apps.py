from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "standortlotse.accounts"
    verbose_name = _("Organisations and roles")

    def ready(self):
        from standortlotse.core import mail

        mail.fallback_notice_recipients = state_agency_emails


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with ``adminsite.StaffAdminSite`` as ``admin.site`` (named in
    INSTALLED_APPS instead of django.contrib.admin)."""

    default = False  # named explicitly; AccountsConfig stays this module's default
    default_site = "standortlotse.accounts.adminsite.StaffAdminSite"


def state_agency_emails() -> list[str]:
    """The state agency's address and its active members' addresses (the last resort for notices)."""
    from standortlotse.accounts.models import Membership, Organisation

    agency = Organisation.objects.filter(kind=Organisation.Kind.STATE_AGENCY).order_by("pk").first()
    if agency is None:
        return []
    emails = {agency.email} if agency.email else set()
    emails |= set(Membership.objects.filter(organisation=agency, user__is_active=True)
                  .exclude(user__email="").values_list("user__email", flat=True))
    return sorted(emails)
