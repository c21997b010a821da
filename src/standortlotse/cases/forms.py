"""Forms of the investor service: the public search profile and the case back office."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts.models import Organisation
from standortlotse.cases.matching import NICE_TO_HAVES
from standortlotse.cases.models import Case, SearchProfile, Source, Stage, Verdict
from standortlotse.core.collation import CollatedModelMultipleChoiceField
from standortlotse.core.fields import EmailAddressFormField
from standortlotse.core.forms import HoneypotMixin, checkboxes
from standortlotse.core.validators import TEXT, TEXT_LINE
from standortlotse.geo.models import District
from standortlotse.properties.models import COMMERCIAL_KINDS, COMMERCIAL_ZONINGS

WEIGHT_CHOICES = [
    (0, _("not important")),
    (1, "1"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – very important")),
]


class ProfileForm(HoneypotMixin, forms.ModelForm):
    """Step 1: what the investor needs. No personal data: the results follow at once."""

    # The commercial register only: housing is not matched for investors (models.Segment).
    kinds = checkboxes(_("Kind of property"), [(k.value, k.label) for k in COMMERCIAL_KINDS])
    zoning = checkboxes(_("Zoning"), [(z.value, z.label) for z in COMMERCIAL_ZONINGS])
    districts = CollatedModelMultipleChoiceField(
        label=_("Preferred districts"),
        required=False,
        queryset=District.objects.filter(regions__isnull=False).distinct(),
        widget=forms.CheckboxSelectMultiple,
    )
    available_by = forms.DateField(
        label=_("available by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = SearchProfile
        fields = [
            "kinds",
            "area_min_m2",
            "area_max_m2",
            "zoning",
            "available_by",
            "price_max",
            "motorway_km_max",
            "districts",
            "need_rail_siding",
            "need_electricity_mw",
            "need_broadband_mbits",
            "need_operation_24_7",
            "need_grid_kva",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, (label, _full, _half) in NICE_TO_HAVES.items():
            self.fields[f"weight_{key}"] = forms.TypedChoiceField(
                label=label, choices=WEIGHT_CHOICES, coerce=int, required=False, initial=0
            )

    def weight_fields(self):
        return [self[f"weight_{key}"] for key in NICE_TO_HAVES]

    def clean(self):
        data = super().clean()
        low, high = data.get("area_min_m2"), data.get("area_max_m2")
        if low is not None and high is not None and low > high:
            self.add_error("area_max_m2", _("'at most' must not be smaller than 'at least'."))
        return data

    def save(self, commit=True):
        profile = super().save(commit=False)
        profile.weights = {
            key: self.cleaned_data.get(f"weight_{key}") or 0
            for key in NICE_TO_HAVES
            if self.cleaned_data.get(f"weight_{key}")
        }
        if commit:
            profile.save()
            self.save_m2m()
        return profile


class _ContactFields(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, validators=TEXT_LINE)
    company = forms.CharField(label=_("Company"), max_length=200, validators=TEXT_LINE)
    email = EmailAddressFormField(label=_("Email"), max_length=254)


class ResultsInquiryForm(HoneypotMixin, _ContactFields):
    """One inquiry about several of the shown properties (to the offices responsible)."""

    properties = forms.ModelMultipleChoiceField(
        label=_("Properties you ask about"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please select at least one property of the list.")},
    )
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=TEXT,
        max_length=4000,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my details are passed on to the offices responsible for these "
            "properties and to the investor service of the region to answer my inquiry, as "
            "described in the privacy notice."
        )
    )

    def __init__(self, *args, shown=None, **kwargs):
        kwargs.setdefault("auto_id", "id_inquiry_%s")
        super().__init__(*args, **kwargs)
        self.fields["properties"].queryset = shown
        self.fields["properties"].label_from_instance = lambda prop: prop.title

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(
                _("Please describe your request in a few words (at least 10 characters).")
            )
        return message


class ResultsLinkForm(_ContactFields):
    """Step 3, optional: the results link by email; the investor service gets the case."""

    confidential = forms.BooleanField(
        label=_("Treat my company name confidentially"), required=False
    )
    alerts = forms.BooleanField(label=_("Send me new matching properties"), required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that my details are passed to the investor service of the region to advise "
            "me, as described in the privacy notice."
        )
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_link_%s")
        super().__init__(*args, **kwargs)


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "company",
            "sector",
            "description",
            "jobs_planned",
            "investment_eur",
            "contact_name",
            "contact_email",
            "contact_phone",
            "source",
            "confidential",
            "owner",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else Organisation.objects.all()


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    lost_reason = forms.CharField(
        label=_("Reason for loss"), required=False, max_length=300, validators=TEXT_LINE
    )


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Share with"), queryset=Organisation.objects.all()
    )
    disclose = forms.BooleanField(label=_("Disclose the company name"), required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200, validators=TEXT_LINE)
    due_on = forms.DateField(
        label=_("due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ActivityForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), validators=TEXT
    )


class BoardFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("all"))] + list(Stage.choices), required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("all"))] + list(Source.choices), required=False
    )
    since = forms.DateField(
        label=_("created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("created until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class OfferForm(forms.Form):
    """The parts of a site offer that are not per property (those come as ``properties``,
    ``note_<pk>`` and ``position_<pk>``; see offer_views.offer_create)."""

    note = forms.CharField(
        label=_("Note to the investor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=TEXT,
        max_length=4000,
    )
    language = forms.ChoiceField(label=_("Language of the investor"), choices=settings.LANGUAGES)
    contact = forms.ModelChoiceField(label=_("Contact person"), queryset=None)
    expires_on = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts
        self.fields["contact"].label_from_instance = lambda u: u.get_full_name() or u.username


class OfferExtendForm(forms.Form):
    expires_on = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class OfferAnswerForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        validators=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OfferQuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=4000,
        validators=TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
