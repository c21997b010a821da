"""Personal data of back-office accounts and organisations' addresses for the data subject
rights (privacy app)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts.models import Organisation
from standortlotse.privacy.registry import Provider, plain, register


@register
class UserAccountProvider(Provider):
    """An account is never deleted (imports, notes and answers keep their author): it is closed
    and keeps no name, address or password."""

    key = "user_accounts"
    label = _("back-office accounts")
    model = get_user_model()
    email_fields = {"email": ("first_name", "last_name")}
    erase_by = "anonymise"

    def condition(self, email, identifiers):
        return Q(username__iexact=email)

    def export(self, user):
        return {
            "username": user.get_username(), "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "date_joined": plain(user.date_joined), "last_login": plain(user.last_login),
            "memberships": [str(m) for m in user.memberships.select_related("organisation")],
        }

    def anonymise(self, user, email, also=()):
        self.blank(user, email, also)
        if email in user.get_username().lower():
            user.username = f"erased-{user.pk}"
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.memberships.all().delete()


@register
class OrganisationAddressProvider(Provider):
    """An organisation is no person; only a personal address used as its address is removed."""

    key = "organisations"
    label = _("organisations' addresses")
    model = Organisation
    email_fields = {"email": ()}
    export_fields = ("name", "email", "phone")
    erase_by = "anonymise"
