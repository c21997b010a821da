from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from standortlotse.privacy import services


class AddressForm(forms.Form):
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_email(self):
        try:
            return services.normalise(self.cleaned_data["email"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["email"]) from None


class ExportForm(AddressForm):
    format = forms.ChoiceField(
        label=_("File"),
        widget=forms.RadioSelect,
        initial="json",
        choices=[
            ("json", _("JSON (machine-readable)")),
            ("zip", _("ZIP with JSON and an Excel workbook (one sheet per kind of record)")),
        ],
    )
