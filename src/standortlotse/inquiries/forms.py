"""The contact form shown on every property, place and guide page, and on its own."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from standortlotse.core.forms import HoneypotMixin
from standortlotse.core.validators import TEXT
from standortlotse.inquiries.models import Inquiry, Status


class InquiryForm(HoneypotMixin, forms.ModelForm):
    consent = forms.BooleanField(
        label=_(
            "I agree that my details are passed on to the responsible office (for a creative place: "
            "to the place) to answer my inquiry, as described in the privacy notice."
        ),
    )

    class Meta:
        model = Inquiry
        fields = ["name", "organisation_name", "email", "phone", "topic", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise ValidationError(
                _("Please describe your request in a few words (at least 10 characters).")
            )
        if len(message) > 5000:
            raise ValidationError(_("Please keep the message under 5,000 characters."))
        return message


class AnswerForm(forms.Form):
    # Several forms share the inquiry page: each gets its own ids.
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_answer_%s")
        super().__init__(*args, **kwargs)

    text = forms.CharField(
        label=_("Answer to the inquirer (sent by email)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=TEXT,
    )


class NoteForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_note_%s")
        super().__init__(*args, **kwargs)

    text = forms.CharField(
        label=_("Internal note (not sent)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=TEXT,
    )


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=None, required=False, empty_label=_("nobody")
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = members


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
