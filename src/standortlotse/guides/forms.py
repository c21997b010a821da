from django import forms
from django.utils.translation import gettext_lazy as _

from standortlotse.core.collation import CollatedModelChoiceField, CollatedModelMultipleChoiceField
from standortlotse.core.fields import WebURLFormField
from standortlotse.geo.models import Municipality
from standortlotse.guides.models import Audience, Contact, Event, Guide, Theme, Topic
from standortlotse.places.selectors import published_places


class EntryForm(forms.Form):
    who = forms.ChoiceField(
        label=_("Who are you?"), choices=Audience.choices, widget=forms.RadioSelect
    )
    theme = forms.ChoiceField(
        label=_("What matters to you?"), choices=Theme.choices, widget=forms.RadioSelect
    )
    municipality = CollatedModelChoiceField(
        label=_("Where?"),
        required=False,
        empty_label=_("anywhere in the region"),
        queryset=Municipality.objects.filter(district__regions__isnull=False)
        .distinct()
        .order_by("name"),
    )

    def add_prefix(self, field_name):
        # Short German parameter names in the shared URL: /lotse/?wer=…&thema=…&gemeinde=…
        return {"who": "wer", "theme": "thema", "municipality": "gemeinde"}.get(
            field_name, field_name
        )


class _RegionScoped(forms.ModelForm):
    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = None


def _multi(choices, label):
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class GuideForm(_RegionScoped):
    audiences = _multi(Audience.choices, _("Target groups"))

    class Meta:
        model = Guide
        fields = [
            "region",
            "slug",
            "theme",
            "audiences",
            "title_de",
            "title_en",
            "summary_de",
            "summary_en",
            "body_de",
            "body_en",
            "image",
            "image_alt",
            "contact",
            "status",
        ]
        widgets = {
            "body_de": forms.Textarea(attrs={"rows": 14}),
            "body_en": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, regions=regions, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(region__in=regions)
        self.fields["audiences"].help_text = _("None: for everybody.")

    def clean(self):
        data = super().clean()
        if data.get("image") and not data.get("image_alt"):
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return data


class ContactForm(_RegionScoped):
    topics = _multi(Topic.choices, _("Topics"))
    website = WebURLFormField(label=_("website"), required=False)
    audiences = _multi(Audience.choices, _("Target groups"))

    class Meta:
        model = Contact
        fields = [
            "region",
            "organisation",
            "person",
            "role_de",
            "role_en",
            "email",
            "phone",
            "website",
            "topics",
            "audiences",
            "districts",
            "municipalities",
            "description_de",
            "description_en",
            "status",
        ]
        field_classes = {
            "districts": CollatedModelMultipleChoiceField,
            "municipalities": CollatedModelMultipleChoiceField,
        }
        widgets = {
            "districts": forms.CheckboxSelectMultiple,
            "municipalities": forms.SelectMultiple(attrs={"size": 8}),
        }

    def clean_topics(self):
        topics = self.cleaned_data.get("topics")
        if not topics:
            raise forms.ValidationError(_("Choose at least one topic."))
        return topics


class EventForm(_RegionScoped):
    url = WebURLFormField(label=_("further information"), required=False)

    class Meta:
        model = Event
        fields = [
            "region",
            "title_de",
            "title_en",
            "starts_at",
            "ends_at",
            "location",
            "municipality",
            "place",
            "description_de",
            "description_en",
            "organiser",
            "url",
            "status",
        ]
        field_classes = {"municipality": CollatedModelChoiceField}
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, regions=regions, **kwargs)
        self.fields["organiser"].queryset = Contact.objects.filter(region__in=regions)
        self.fields["place"].queryset = published_places().filter(region__in=regions)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        return data
