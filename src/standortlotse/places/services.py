"""Writing places: submission, review workflow, owner updates, owner links, confirmations."""

from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.accounts.recipients import moderators_of_region, queue_staff_email
from standortlotse.core.mail import queue_email
from standortlotse.core.uploads import normalised_image
from standortlotse.core.validators import store_upload
from standortlotse.geo.models import Municipality
from standortlotse.places import proposals
from standortlotse.places.log import field_label
from standortlotse.places.models import (
    HeldPhoto,
    OwnerLink,
    PendingUpdate,
    Place,
    PlacePhoto,
    RegionSettings,
    Status,
    Transition,
)

# Which review decisions are allowed from which status.
MODERATOR_TRANSITIONS = {
    Status.SUBMITTED: {
        Status.IN_REVIEW,
        Status.CHANGES_REQUESTED,
        Status.PUBLISHED,
        Status.REJECTED,
    },
    Status.IN_REVIEW: {Status.CHANGES_REQUESTED, Status.PUBLISHED, Status.REJECTED},
    Status.CHANGES_REQUESTED: {Status.IN_REVIEW, Status.PUBLISHED, Status.REJECTED},
    Status.PUBLISHED: {Status.IN_REVIEW, Status.REJECTED},
    Status.REJECTED: {Status.IN_REVIEW},
}


def owner_url(place: Place, token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("places:owner", args=[token])


def new_owner_url(place: Place) -> str:
    """A new private link for a mail to the owner. Each owner mail carries its own link and
    issuing one never ends another: a link from an older mail keeps working until it expires
    or the owner explicitly asks for a new one (rotate_link)."""
    return owner_url(place, place.new_owner_token())


Kind = Transition.Kind


def _language(code: str | None) -> str:
    """One of the site's languages for ``code`` ("en-gb" → "en"); else the site's."""
    base = (code or "").split("-")[0].lower()
    return base if base in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@contextmanager
def in_owner_language(place: Place):
    """Render a mail to the submitter/owner (text, subject, private link with its language
    prefix) in the language they used, whoever's request sends it (a moderator's decision, the
    yearly question)."""
    with translation.override(_language(place.owner_language)):
        yield


def _owner_used(place: Place) -> None:
    """The owner acts on their private link: the language they use now is theirs for mails."""
    place.owner_language = _language(translation.get_language())


def _log(
    place, to_status, kind, *, actor=None, label="", message="", details=None, from_status=None
):
    """One entry of the place's log: what happened (``kind`` and its ``details``, read as a
    sentence in the reader's language by places/log.py) and what a person wrote (``message``)."""
    return Transition.objects.create(
        place=place,
        from_status=place.status if from_status is None else from_status,
        to_status=to_status,
        kind=kind,
        details=details or {},
        actor=actor,
        actor_label=label,
        message=message,
    )


def moderator_emails(region) -> list[str]:
    """The region's configured moderation address, else its moderators (accounts.recipients)."""
    configured = RegionSettings.for_region(region).moderator_email
    return [configured] if configured else moderators_of_region(region)


def _notify_moderators(place, template, **context):
    """A mail to the region's moderators, each in the language they read mail in (not the
    submitter's or owner's, whose request caused it)."""
    queue_staff_email(moderator_emails(place.region), template, {"place": place, **context})


def _save_photo(place, photo, alt_text, credit=""):
    item = PlacePhoto(place=place, alt_text=alt_text, credit=credit, position=place.photos.count())
    store_upload(item.image, "jpg", normalised_image(photo))
    item.save()
    return item


def region_for(municipality):
    region = municipality.region
    if region is None:
        raise ValidationError(_("This municipality belongs to no region with a places portal."))
    return region


@transaction.atomic
def submit(form, region=None, language: str | None = None) -> tuple[Place, str]:
    """A new place from the public form; returns it and the raw owner token. ``language``: the
    one the submitter used (default: the active language, the request's)."""
    place = form.save(commit=False)
    place.region = region or region_for(place.municipality)
    place.status = Status.SUBMITTED
    place.owner_language = _language(language or translation.get_language())
    place.save()
    token = place.new_owner_token()
    for group, values in form.attribute_values().items():
        place.set_values(group, values)
    photo = form.cleaned_data.get("photo")
    if photo:
        _save_photo(
            place, photo, form.cleaned_data["photo_alt"], form.cleaned_data.get("photo_credit", "")
        )
    _log(place, Status.SUBMITTED, Kind.SUBMITTED, label="submitter", from_status="")
    with in_owner_language(place):
        queue_email(
            place.owner_email,
            "places/email/submitted",
            {"place": place, "link": owner_url(place, token)},
        )
    _notify_moderators(place, "places/email/new_submission")
    return place, token


@transaction.atomic
def moderate(user, place: Place, to_status: str, message: str = "") -> Place:
    if not policy.can_moderate(user, place):
        raise PermissionDenied
    if to_status not in MODERATOR_TRANSITIONS.get(place.status, set()):
        raise ValidationError(
            _("A place with status '%(status)s' cannot be changed this way.")
            % {"status": place.get_status_display()}
        )
    if to_status in (Status.CHANGES_REQUESTED, Status.REJECTED) and not message.strip():
        raise ValidationError(_("A message to the submitter is required."))
    _log(place, to_status, Kind.STATUS, actor=user, message=message)
    previous = place.status
    place.status = to_status
    if to_status == Status.PUBLISHED:
        place.published_at = place.published_at or timezone.now()
        place.verified_on = place.verified_on or timezone.localdate()
    place.save()
    template = {
        Status.CHANGES_REQUESTED: "places/email/changes_requested",
        Status.PUBLISHED: "places/email/published",
        Status.REJECTED: "places/email/rejected",
    }.get(to_status)
    if template and previous != to_status and place.has_owner_address:
        with in_owner_language(place):
            queue_email(
                place.owner_email,
                template,
                {"place": place, "message": message, "link": new_owner_url(place)},
            )
    return place


def place_for_token(token: str) -> Place | None:
    """The place an owner link points to, if the link is valid (not expired, not revoked)."""
    link = OwnerLink.objects.select_related("place").find(token)
    return link.place if link else None


def _apply(place: Place, data: dict, attributes: dict):
    for name, value in data.items():
        setattr(place, name, value)
    place.save()
    for group, values in attributes.items():
        place.set_values(group, values)


def _remove_photos(photos) -> None:
    """Photos off the place; their files (and card copies) go once the removal is committed."""
    for photo in photos:
        photo.delete()
        transaction.on_commit(photo.delete_files)


@transaction.atomic
def owner_update(place: Place, form) -> str:
    """The owner's edit: applied directly before publication or for trusted owners,
    otherwise kept whole, a new photo and photos to remove included, as a pending update for
    review. Returns 'applied' or 'pending'."""
    data = {name: form.cleaned_data[name] for name in form.Meta.fields}
    attributes = form.attribute_values()
    photo = form.cleaned_data.get("photo")
    photo_text = (form.cleaned_data.get("photo_alt", ""), form.cleaned_data.get("photo_credit", ""))
    removals = list(form.cleaned_data.get("remove_photos") or [])
    _owner_used(place)
    if place.status != Status.PUBLISHED or place.owner_trusted:
        from_status = place.status
        if place.status == Status.CHANGES_REQUESTED:
            place.status = Status.SUBMITTED
        _apply(place, data, attributes)
        _remove_photos(removals)
        if photo:
            _save_photo(place, photo, *photo_text)
        _log(
            place,
            place.status,
            Kind.OWNER_EDIT,
            label="owner",
            details={"resubmitted": from_status == Status.CHANGES_REQUESTED},
            from_status=from_status,
        )
        if from_status == Status.CHANGES_REQUESTED:
            _notify_moderators(place, "places/email/resubmitted")
        return "applied"
    place.save(update_fields=["owner_language"])
    serialisable = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    update = PendingUpdate.objects.create(
        place=place,
        data={
            "fields": serialisable,
            "attributes": attributes,
            "remove_photos": [p.pk for p in removals],
        },
    )
    if photo:  # held outside the public media with the update, like every other part of it
        held = HeldPhoto(update=update, alt_text=photo_text[0], credit=photo_text[1])
        store_upload(held.image, "jpg", normalised_image(photo))
        held.save()
    _log(place, place.status, Kind.UPDATE_PROPOSED, label="owner")
    _notify_moderators(place, "places/email/update_proposed")
    return "pending"


def _publish_held(place: Place, held: HeldPhoto) -> None:
    """A held photo copied into the public media; the held file goes with the update."""
    item = PlacePhoto(
        place=place, alt_text=held.alt_text, credit=held.credit, position=place.photos.count()
    )
    with held.image.open("rb") as handle:
        store_upload(item.image, "jpg", ContentFile(handle.read()))
    item.save()


def _chosen(offered: list, wanted) -> tuple[list, list]:
    """(taken, left) of what was offered; ``wanted`` None takes everything."""
    if wanted is None:
        return list(offered), []
    wanted = {str(w) for w in wanted}
    taken = [o for o in offered if str(getattr(o, "pk", o)) in wanted]
    return taken, [o for o in offered if o not in taken]


@transaction.atomic
def decide_update(
    user,
    update: PendingUpdate,
    accept: bool,
    *,
    fields=None,
    photos=None,
    removals=None,
    message: str = "",
) -> dict:
    """The moderator's decision on an owner's pending update. ``accept`` False declines it
    whole. With ``accept``, ``fields`` names the changes to take (``proposals.Proposed.name``,
    the map point as one), ``photos`` the held photos to publish and ``removals`` the photo
    removals to carry out (primary keys); None takes all of a kind. What is not taken stays as
    it is on the place. The update is settled either way (the owner proposes again for more);
    the log and the mail to the owner say what was taken. Returns the logged details."""
    place = update.place
    if not policy.can_moderate(user, place):
        raise PermissionDenied
    found = proposals.proposal(update)
    names = [c.name for c in found.changes]
    if accept:
        taken, kept = _chosen(names, fields)
        new_photos, old_photos = _chosen(found.added_photos, photos)
        gone, stay = _chosen(found.removed_photos, removals)
        if not (taken or new_photos or gone) and not found.is_empty:
            raise ValidationError(_("Choose at least one change to accept, or decline the update."))
    else:
        taken, kept = [], names
        new_photos, old_photos = [], found.added_photos
        gone, stay = [], found.removed_photos
    values = proposals.proposed_values(update)
    data, attributes = {}, {}
    groups = {n: g for g, n in proposals.GROUP_NAMES.items()}
    for name in taken:
        if name == proposals.POINT:
            data["lat"], data["lon"] = (float(v) for v in values[name])
        elif name in groups:
            attributes[groups[name]] = values[name]
        elif name == "municipality":
            data["municipality"] = Municipality.objects.get(pk=values[name])
        else:
            data[name] = values[name]
    if data or attributes:
        _apply(place, data, attributes)
        errors = place.record_errors()
        if errors:
            raise ValidationError(errors)
    _remove_photos(gone)
    for held in new_photos:
        _publish_held(place, held)
    left = kept or old_photos or stay
    outcome = "none" if not accept else ("some" if left else "all")
    details = {
        "update": update.pk,
        "outcome": outcome,
        "accepted": taken,
        "kept": kept,
        "photos_accepted": [h.alt_text for h in new_photos],
        "photos_declined": [h.alt_text for h in old_photos],
        "removals_accepted": [p.alt_text for p in gone],
        "removals_declined": [p.alt_text for p in stay],
    }
    _log(place, place.status, Kind.UPDATE_DECIDED, actor=user, message=message, details=details)
    update.delete()  # its held photos' files are removed after commit (places/signals.py)
    if place.has_owner_address:
        with in_owner_language(place):  # the field names too
            queue_email(
                place.owner_email,
                "places/email/update_decided",
                {
                    "place": place,
                    "outcome": outcome,
                    "accepted": [field_label(n) for n in taken],
                    "kept": [field_label(n) for n in kept],
                    "details": details,
                    "message": message,
                    "link": new_owner_url(place),
                },
            )
    return details


@transaction.atomic
def ask_owner(user, place: Place, message: str, update: PendingUpdate | None = None):
    """A moderator's question to the submitter/owner (about a pending update, which stays
    pending, or about the place), mailed with a private link to answer on the owner's page."""
    if not policy.can_moderate(user, place):
        raise PermissionDenied
    if update is not None and update.place_id != place.pk:
        raise PermissionDenied
    if not message.strip():
        raise ValidationError(_("Please write your question to the owner."))
    if not place.has_owner_address:
        raise ValidationError(no_owner_message(place))
    entry = _log(
        place,
        place.status,
        Kind.QUESTION,
        actor=user,
        message=message.strip(),
        details={"update": update.pk} if update else {},
    )
    with in_owner_language(place):
        queue_email(
            place.owner_email,
            "places/email/question",
            {
                "place": place,
                "message": entry.message,
                "update": update,
                "link": new_owner_url(place),
            },
        )
    return entry


REPLY_MAX_LENGTH = 4000


@transaction.atomic
def owner_reply(place: Place, message: str):
    """The owner's answer on their private page: into the place's thread, and the region's
    moderators are told."""
    message = message.strip()
    if not message:
        raise ValidationError(_("Please write your message."))
    _owner_used(place)
    place.save(update_fields=["owner_language"])
    entry = _log(place, place.status, Kind.REPLY, label="owner", message=message)
    _notify_moderators(place, "places/email/owner_reply", message=message)
    return entry


@transaction.atomic
def set_trusted(user, place: Place, trusted: bool) -> None:
    if not policy.can_moderate(user, place):
        raise PermissionDenied
    place.owner_trusted = trusted
    place.save(update_fields=["owner_trusted", "updated_at"])
    _log(place, place.status, Kind.TRUST, actor=user, details={"trusted": trusted})


def no_owner_message(place: Place) -> str:
    if place.source:
        return _(
            "This place has no owner address: it was imported from %(source)s and is maintained "
            "there. No link was sent."
        ) % {"source": place.source}
    return _("This place has no owner address. No link was sent.")


@transaction.atomic
def rotate_link(place: Place, *, actor=None) -> str:
    """The owner's or a moderator's explicit "new link": every earlier link of the place stops
    working (e.g. one was forwarded by mistake) and a new one is sent to the stored address.
    A place without an owner address (imported, maintained at the partner) gets none."""
    if not place.has_owner_address:
        raise ValidationError(no_owner_message(place))
    place.owner_links.revoke()
    token = place.new_owner_token()
    if actor is None:  # the owner, on their page
        _owner_used(place)
    place.save(update_fields=["updated_at", "owner_language"])
    _log(place, place.status, Kind.NEW_LINK, actor=actor, label="" if actor else "owner")
    with in_owner_language(place):
        queue_email(
            place.owner_email,
            "places/email/new_link",
            {"place": place, "link": owner_url(place, token)},
        )
    return token


FRESH_LINK_MAX_PLACES = 10


@transaction.atomic
def send_fresh_links(email: str, name: str = "") -> int:
    """The "send me a fresh link" form: a new link for each place whose stored submitter/owner
    address is ``email`` (optionally only those whose name contains ``name``), mailed to the
    stored address. Earlier links keep working, so a stranger who knows the address can neither
    end the owner's links nor learn anything. Returns how many places matched (never shown)."""
    if not email.strip():
        return 0
    places = Place.objects.filter(owner_email__iexact=email.strip())
    if name.strip():
        places = places.filter(name__icontains=name.strip())
    count = 0
    for place in places.order_by("pk")[:FRESH_LINK_MAX_PLACES]:
        _log(place, place.status, Kind.FRESH_LINK, label="system")
        queue_email(
            place.owner_email,
            "places/email/fresh_link",
            {"place": place, "link": new_owner_url(place)},
        )
        count += 1
    return count


@transaction.atomic
def confirm_by_owner(place: Place) -> None:
    place.verified_on = timezone.localdate()
    place.unconfirmed = False
    place.confirmation_requested_at = None
    _owner_used(place)
    place.save(
        update_fields=[
            "verified_on",
            "unconfirmed",
            "confirmation_requested_at",
            "owner_language",
            "updated_at",
        ]
    )
    _log(place, place.status, Kind.CONFIRMED, label="owner")


def send_confirmation_requests(now=None) -> dict:
    """The yearly question to owners, and flags for places whose owners did not answer."""
    now = now or timezone.now()
    asked = flagged = 0
    # Places without an owner address (imported, maintained at the partner) are neither asked
    # nor flagged: nobody here could answer.
    for place in Place.objects.published().exclude(owner_email="").select_related("region"):
        rules = RegionSettings.for_region(place.region)
        if place.confirmation_requested_at is None:
            # Dates of the site's time zone on both sides: verified_on is one (a UTC date of
            # `now` skipped the reminders between midnight in Berlin and in UTC).
            last = place.verified_on or timezone.localdate(place.published_at or place.created_at)
            if last <= timezone.localdate(now - timedelta(days=rules.confirm_every_days)):
                with transaction.atomic():
                    place.confirmation_requested_at = now
                    place.save(update_fields=["confirmation_requested_at"])
                    _log(place, place.status, Kind.CONFIRM_REQUESTED, label="system")
                    with in_owner_language(place):
                        queue_email(
                            place.owner_email,
                            "places/email/confirm_request",
                            {"place": place, "link": new_owner_url(place)},
                        )
                asked += 1
        elif not place.unconfirmed and place.confirmation_requested_at <= now - timedelta(
            days=rules.confirm_grace_days
        ):
            with transaction.atomic():
                place.unconfirmed = True
                place.save(update_fields=["unconfirmed"])
                _log(place, place.status, Kind.FLAGGED, label="system")
            flagged += 1
    return {"asked": asked, "flagged": flagged}


# --- partner feeds -----------------------------------------------------------------------------


def _check_feed_region(user, feed) -> None:
    if not policy.moderated_regions(user).filter(pk=feed.region_id).exists():
        raise PermissionDenied


def save_feed(user, feed, mapping: dict):
    """Store a partner feed's settings and mapping (only in a region the user moderates)."""
    from standortlotse.places import partners

    _check_feed_region(user, feed)
    # An empty table, or one equal to the defaults of the format, keeps the feed on the defaults.
    empty = not any(partners.normal_mapping(mapping).values())
    feed.mapping = {} if empty or partners.is_default_mapping(mapping, feed.format) else mapping
    feed.full_clean()
    feed.save()
    return feed


def pull_feed(user, feed):
    """Pull a feed by its URL now (what the schedule does) and return its run."""
    from standortlotse.places import partners

    _check_feed_region(user, feed)
    if not feed.url:
        raise ValidationError(_("This feed has no address; upload its file in the import."))
    return partners.pull(feed)
