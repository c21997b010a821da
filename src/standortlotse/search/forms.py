from django import forms
from django.utils.translation import gettext_lazy as _

from standortlotse.core.fields import EmailAddressFormField
from standortlotse.core.forms import HoneypotMixin


class AlertForm(HoneypotMixin, forms.Form):
    email = EmailAddressFormField(
        label=_("Your email address"),
        help_text=_(
            "We first send a link to confirm; every alert mail has a link to stop the alerts."
        ),
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
