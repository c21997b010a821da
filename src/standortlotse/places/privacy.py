"""Personal data of creative places (submitters/owners and public contacts) for the data
subject rights (privacy app)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts import policy
from standortlotse.places.models import PendingUpdate, Place, RegionSettings, Status, Transition
from standortlotse.privacy.registry import Provider, address_in, register, visible_by


@register
class PlaceProvider(Provider):
    """A submission that never went public is deleted with its submitter; a published place
    stays (it belongs to the region's map), without the person's name, address and phone, and
    its owner link stops working."""

    key = "places"
    label = _("creative places (submitters, owners, contacts)")
    model = Place
    email_fields = {
        "owner_email": ("owner_name", "owner_phone"),
        "contact_email": ("contact_name", "contact_phone"),
    }
    text_fields = (
        "name",
        "pitch",
        "story",
        "opening_info",
        "social_links",
        "accessibility",
        "website",
        "tags",
    )
    export_fields = (
        "uid",
        "name",
        "status",
        "created_at",
        "owner_name",
        "owner_email",
        "owner_phone",
        "owner_language",
        "contact_name",
        "contact_email",
        "contact_phone",
        "street",
        "postcode",
        "locality",
        "website",
        "social_links",
        "story",
    )
    links_of = {"owner_email": "owner_links"}  # the owner's private links stop working
    visible = visible_by(policy.moderated_records)

    def action(self, place, email):
        owner = address_in(place, "owner_email", email)
        return "delete" if owner and place.status != Status.PUBLISHED else "anonymise"


@register
class PlaceUpdateProvider(Provider):
    """An owner's proposed change that quotes the address: the proposal is dropped."""

    key = "place_updates"
    label = _("proposed changes of places")
    model = PendingUpdate
    text_fields = ("data",)
    export_fields = ("place_id", "created_at", "data")
    visible = visible_by(policy.moderated_records, through="place")

    def condition(self, email, identifiers):
        return Q(place__owner_email__iexact=email)


@register
class PlaceReviewLogProvider(Provider):
    """Log entries that quote the address, and the owner's own messages to the editorial team
    (found through the place's owner address): those are deleted, the rest anonymised."""

    key = "place_review_log"
    label = _("review log of places")
    model = Transition
    text_fields = ("message",)
    export_fields = ("place_id", "created_at", "kind", "to_status", "message")
    erase_by = "anonymise"
    order = 90  # before the places, whose owner address finds the owner's messages
    visible = visible_by(policy.moderated_records, through="place")

    def condition(self, email, identifiers):
        return Q(kind=Transition.Kind.REPLY, place__owner_email__iexact=email)

    def action(self, entry, email):
        own = entry.kind == Transition.Kind.REPLY and address_in(entry.place, "owner_email", email)
        return "delete" if own else "anonymise"


@register
class ModerationAddressProvider(Provider):
    """A region's moderation mailbox, when it is a person's own address."""

    key = "moderation_addresses"
    label = _("moderation addresses of regions")
    model = RegionSettings
    email_fields = {"moderator_email": ()}
    export_fields = ("region", "moderator_email")
    erase_by = "anonymise"
