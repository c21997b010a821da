"""Forms of the places: public submission, owner update, moderation, search, import."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from standortlotse.core.collation import CollatedModelChoiceField
from standortlotse.core.fields import WebURLFormField
from standortlotse.core.forms import HoneypotMixin, checkboxes
from standortlotse.core.sanitize import clean_html
from standortlotse.core.validators import TEXT, TEXT_LINE, validate_photo
from standortlotse.geo.models import Municipality, Region
from standortlotse.places.models import (
    FeedFormat,
    Field,
    Offer,
    Place,
    PlaceType,
    RegionSettings,
    Status,
)

CONTENT_FIELDS = [
    "name",
    "pitch",
    "story",
    "pitch_en",
    "story_en",
    "municipality",
    "street",
    "postcode",
    "locality",
    "lat",
    "lon",
    "opening_info",
    "website",
    "social_links",
    "contact_name",
    "contact_email",
    "contact_phone",
    "former_use",
    "languages",
    "accessibility",
    "tags",
]
OWNER_FIELDS = ["owner_name", "owner_email", "owner_phone"]


class PlaceForm(forms.ModelForm):
    """Content of a place plus its fields, types and offers; one optional photo."""

    place_fields = forms.MultipleChoiceField(
        label=_("Fields"),
        choices=Field.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one."),
    )
    types = forms.MultipleChoiceField(
        label=_("Type of place"),
        choices=PlaceType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one."),
    )
    offers = forms.MultipleChoiceField(
        label=_("Offers"),
        choices=Offer.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    website = WebURLFormField(label=_("website"), required=False, max_length=200)
    photo = forms.ImageField(label=_("Photo"), required=False, validators=[validate_photo])
    photo_alt = forms.CharField(
        label=_("What does the photo show?"),
        max_length=250,
        required=False,
        validators=TEXT_LINE,
        help_text=_("Short description for people who cannot see the photo."),
    )
    photo_credit = forms.CharField(
        label=_("Photo credit"), max_length=150, required=False, validators=TEXT_LINE
    )

    class Meta:
        model = Place
        fields = CONTENT_FIELDS + OWNER_FIELDS
        field_classes = {"municipality": CollatedModelChoiceField}
        # Optional: the public /en/ pages show the German text where no English one is written.
        labels = {
            "pitch_en": _("Short pitch in English (optional)"),
            "story_en": _("Story in English (optional)"),
        }
        widgets = {
            "pitch": forms.TextInput(attrs={"maxlength": 200}),
            "story": forms.Textarea(attrs={"rows": 8}),
            "pitch_en": forms.TextInput(attrs={"maxlength": 200, "lang": "en"}),
            "story_en": forms.Textarea(attrs={"rows": 8, "lang": "en"}),
            "social_links": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "lat": forms.NumberInput(attrs={"step": "0.000001"}),
            "lon": forms.NumberInput(attrs={"step": "0.000001"}),
        }

    def __init__(self, *args, region: Region | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region or getattr(self.instance, "region", None)
        municipalities = Municipality.objects.all()
        if self.region is not None:
            municipalities = municipalities.filter(district__regions=self.region)
        self.fields["municipality"].queryset = municipalities
        self.fields["lat"].required = False
        self.fields["lon"].required = False
        # Blank in the model only for imported places without a partner contact (models.py).
        self.fields["owner_name"].required = True
        self.fields["owner_email"].required = True
        self.fields["lat"].help_text = _(
            "Optional: click on the map, or leave empty for the centre of the municipality."
        )
        if self.instance.pk and not self.is_bound:
            self.initial["place_fields"] = self.instance.values_of("field")
            self.initial["types"] = self.instance.values_of("type")
            self.initial["offers"] = self.instance.values_of("offer")

    def clean_story(self):
        return clean_html(self.cleaned_data.get("story", ""))

    def clean_story_en(self):
        return clean_html(self.cleaned_data.get("story_en", ""))

    def clean_social_links(self):
        lines = [
            line.strip()
            for line in self.cleaned_data.get("social_links", "").splitlines()
            if line.strip()
        ]
        validator = (
            WebURLFormField()
        )  # the same rule as the website and the feed import: http(s) only
        cleaned = []
        for line in lines:
            try:
                cleaned.append(validator.clean(line))
            except ValidationError as error:
                message = _("'%(line)s' is not a valid web address.") % {"line": line}
                raise ValidationError(message + " " + " ".join(error.messages)) from error
        return "\n".join(cleaned)

    def clean(self):
        data = super().clean()
        if data.get("photo") and not data.get("photo_alt"):
            self.add_error("photo_alt", _("Please describe the photo in a few words."))
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            self.add_error("lon", _("Give both latitude and longitude, or neither."))
        municipality = data.get("municipality")
        if municipality and lat is None and lon is None:
            data["lat"], data["lon"] = municipality.lat, municipality.lon
        return data

    def attribute_values(self) -> dict:
        return {
            "field": self.cleaned_data["place_fields"],
            "type": self.cleaned_data["types"],
            "offer": self.cleaned_data.get("offers") or [],
        }


class SubmissionForm(HoneypotMixin, PlaceForm):
    """The public call for participation: adds consent and a honeypot."""

    consent = forms.BooleanField(
        label=_(
            "I agree that my details are processed to review and publish the place, as described in the privacy notice."
        ),
    )
    photo_token = forms.CharField(required=False, widget=forms.HiddenInput)


class OwnerPlaceForm(PlaceForm):
    """The owner's private page: the place form, and the photos to take off the place."""

    remove_photos = forms.ModelMultipleChoiceField(
        label=_("Remove photos"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_photos"].queryset = self.instance.photos.all()
        self.fields["remove_photos"].label_from_instance = lambda photo: photo.alt_text


MESSAGE_MAX_LENGTH = 4000


def message_field(label, required=False, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=TEXT,
        help_text=help_text,
    )


class OwnerReplyForm(forms.Form):
    """The owner's message to the editorial team, on the private page."""

    reply = message_field(_("Your message to the editorial team"), required=True)


class OwnerMessageForm(forms.Form):
    """A moderator's message to the submitter/owner, on the review page."""

    message = message_field(
        _("Message to the owner"),
        required=True,
        help_text=_("Sent by mail with the owner's private link; the answer appears here."),
    )


class UpdateDecisionForm(forms.Form):
    """The moderator's decision on one pending update (``proposals.Proposal``): which changes,
    new photos and photo removals to take, or decline, or ask the owner back."""

    ACCEPT, DECLINE, ASK = "accept", "decline", "ask"
    decision = forms.ChoiceField(
        choices=[(ACCEPT, _("Accept")), (DECLINE, _("Decline")), (ASK, _("Ask back"))]
    )
    # Set by the page's form: the checkboxes below are the choice (none ticked: nothing). A
    # post without it (an older form, a script) takes the whole update, as "accept" did.
    partial = forms.BooleanField(required=False, widget=forms.HiddenInput)
    changes = forms.MultipleChoiceField(required=False)
    photos = forms.MultipleChoiceField(required=False)
    removals = forms.MultipleChoiceField(required=False)
    message = message_field(
        _("Message to the owner"),
        help_text=_(
            "Optional when accepting or declining (it goes into the mail to the owner); "
            "required when asking back."
        ),
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["changes"].choices = [(c.name, c.label) for c in proposal.changes]
        self.fields["photos"].choices = [(str(h.pk), h.alt_text) for h in proposal.added_photos]
        self.fields["removals"].choices = [(str(p.pk), p.alt_text) for p in proposal.removed_photos]
        prefix = f"update-{proposal.update.pk}"
        self.auto_id = f"id_{prefix}_%s"

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.ASK and not data.get("message", "").strip():
            self.add_error("message", _("Please write your question to the owner."))
        return data

    def checked(self, name: str) -> set[str]:
        """The ticked values of a checkbox list as the page shows them (all before a post)."""
        if self.is_bound:
            return set(self.data.getlist(name))
        return {str(value) for value, _label in self.fields[name].choices}

    @property
    def checked_changes(self):
        return self.checked("changes")

    @property
    def checked_photos(self):
        return self.checked("photos")

    @property
    def checked_removals(self):
        return self.checked("removals")

    def choice(self, name: str):
        """The values chosen of ``name`` for services.decide_update (None: all)."""
        return self.cleaned_data[name] if self.cleaned_data.get("partial") else None


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (Status.IN_REVIEW, _("Start review")),
            (Status.CHANGES_REQUESTED, _("Request changes")),
            (Status.PUBLISHED, _("Publish")),
            (Status.REJECTED, _("Reject")),
        ],
        label=_("Decision"),
    )
    message = forms.CharField(
        label=_("Message to the submitter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=TEXT,
        help_text=_("Required when requesting changes or rejecting."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("action") in (Status.CHANGES_REQUESTED, Status.REJECTED)
            and not data.get("message", "").strip()
        ):
            self.add_error(
                "message",
                _("Please tell the submitter what to change or why the place is rejected."),
            )
        return data


class PlaceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search text"), required=False, max_length=200)
    region = CollatedModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("all regions"),
        to_field_name="slug",
    )
    field = checkboxes(pgettext_lazy("places filter", "Field"), Field.choices)
    type = checkboxes(_("Type of place"), PlaceType.choices)
    offer = checkboxes(_("Offers"), Offer.choices)
    municipality = CollatedModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("all municipalities"),
    )


class RegionSettingsForm(forms.ModelForm):
    class Meta:
        model = RegionSettings
        fields = [
            "intro_de",
            "intro_en",
            "criteria_de",
            "criteria_en",
            "moderator_email",
            "confirm_every_days",
            "confirm_grace_days",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["intro_de", "intro_en", "criteria_de", "criteria_en"]
        }


class ImportForm(forms.Form):
    source = forms.CharField(
        label=_("Source (name of the partner network)"),
        max_length=100,
        required=False,
        validators=TEXT_LINE,
        help_text=_(
            "Places are matched by this source and their ID in it. "
            "Not needed when you choose a partner feed."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=FeedFormat.choices, initial=FeedFormat.AUTO, required=False
    )
    file = forms.FileField(
        label=_(
            "File (JSON, GeoJSON, CSV, Excel, GeoPackage or zipped Shapefile; Karte von morgen, "
            "GoGoCarto or schema.org JSON-LD)"
        )
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("The file is too large (at most 20 MB)."))
        return upload

    def clean(self):
        data = super().clean()
        data["format"] = data.get("format") or FeedFormat.AUTO
        if not data.get("source") and not data.get("feed"):
            self.add_error("source", _("Name the source or choose a partner feed."))
        return data
