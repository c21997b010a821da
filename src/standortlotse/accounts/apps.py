from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "standortlotse.accounts"
    verbose_name = _("Organisations and roles")

    def ready(self):
        from standortlotse.core import mail

        mail.fallback_notice_recipients = state_agency_emails


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
