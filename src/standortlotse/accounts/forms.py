"""Forms of the accounts app: a staff member's own settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts.models import StaffPreference


class StaffPreferenceForm(forms.ModelForm):
    class Meta:
        model = StaffPreference
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}
        labels = {"language": _("Language of my mails")}
        help_texts = {
            "language": _(
                "Notifications about new cases, inquiries, places and records to confirm come "
                "in this language, whatever language the visitor used."
            )
        }
