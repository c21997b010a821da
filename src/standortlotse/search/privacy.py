"""Search alerts hold an email address: exported and deleted on request (privacy app)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from standortlotse.privacy.registry import Provider, plain, register
from standortlotse.search.models import SearchAlert, SearchAlertSent


@register
class SearchAlertProvider(Provider):
    key = "search_alerts"
    label = _("search alerts")
    model = SearchAlert
    email_fields = {"email": ()}
    export_fields = ("query", "language", "created_at", "confirmed_at", "unsubscribed_at")


@register
class SearchAlertSentProvider(Provider):
    key = "search_alerts_sent"
    label = _("search alert mails sent")
    model = SearchAlertSent
    order = 90  # before the alerts they belong to

    def condition(self, email, identifiers):
        return Q(alert__email__iexact=email)

    def export(self, sent):
        return {"property": sent.property.title, "sent_at": plain(sent.sent_at)}
