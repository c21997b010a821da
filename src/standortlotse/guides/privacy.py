"""Personal data of the directory of contact persons (also the organisers of events) for the
data subject rights (privacy app)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts import policy
from standortlotse.guides.models import Contact, Event
from standortlotse.privacy.registry import Provider, register, visible_by


@register
class DirectoryContactProvider(Provider):
    """The entry stays (the organisation still helps with its topics), without the person."""

    key = "directory_contacts"
    label = _("contact persons in the directory and of events")
    model = Contact
    email_fields = {"email": ("person", "phone")}
    text_fields = ("description_de", "description_en", "website")
    export_fields = (
        "id",
        "organisation",
        "region",
        "person",
        "role_de",
        "email",
        "phone",
        "description_de",
    )
    erase_by = "anonymise"
    visible = visible_by(policy.moderated_records)

    def export(self, contact):
        data = super().export(contact)
        data["events"] = [event.title_de for event in contact.event_set.order_by("starts_at")]
        return data


@register
class EventProvider(Provider):
    """Events organised by the person (their contact is anonymised above) or quoting the address."""

    key = "events"
    label = _("events")
    model = Event
    text_fields = ("title_de", "title_en", "location", "description_de", "description_en", "url")
    export_fields = ("uid", "title_de", "starts_at", "location", "organiser", "description_de")
    erase_by = "anonymise"
    visible = visible_by(policy.moderated_records)

    def condition(self, email, identifiers):
        return Q(organiser__email__iexact=email)
