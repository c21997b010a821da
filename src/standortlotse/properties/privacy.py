"""Personal data of the property register (contact persons, private owners asked for consent)
for the data subject rights (privacy app). The register's version history holds copies of the
contact fields; the privacy app anonymises those rows too."""

from django.utils.translation import gettext_lazy as _

from standortlotse.accounts import policy
from standortlotse.privacy.registry import Provider, register, visible_by
from standortlotse.properties.models import OwnerConsent, Property


@register
class PropertyContactProvider(Provider):
    key = "property_contacts"
    label = _("contact persons of properties")
    model = Property
    email_fields = {"contact_email": ("contact_name", "contact_phone")}
    text_fields = ("description_de", "description_en", "data_source", "title")
    export_fields = (
        "id",
        "title",
        "status",
        "contact_name",
        "contact_organisation",
        "contact_email",
        "contact_phone",
        "data_source",
    )
    erase_by = "anonymise"

    visible = visible_by(policy.editable_records)


@register
class OwnerConsentProvider(Provider):
    """The consent record stays as the proof why a plot was (not) published: its state, date
    and channel, without the owner's name, address, email and the notes about them."""

    key = "owner_consents"
    label = _("owner consents (with postal addresses)")
    model = OwnerConsent
    email_fields = {"owner_email": ("owner_name", "owner_address", "note")}
    text_fields = ("note",)
    export_fields = (
        "property",
        "owner_name",
        "owner_email",
        "owner_address",
        "owner_language",
        "state",
        "requested_at",
        "responded_on",
        "how",
        "note",
    )
    erase_by = "anonymise"
    links_of = {"owner_email": "links"}  # the answer links stop working
    visible = visible_by(policy.editable_records, through="property")
