"""Forms of the accounts app: a staff member's own settings (mail language, single mails or a
daily summary)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from standortlotse.accounts.models import StaffPreference


class StaffPreferenceForm(forms.ModelForm):
    class Meta:
        model = StaffPreference
        fields = ["language", "delivery"]
        widgets = {"language": forms.RadioSelect, "delivery": forms.RadioSelect}
        labels = {
            "language": _("Language of my mails"),
            "delivery": _("How my notifications come"),
        }
        help_texts = {
            "language": _(
                "Notifications about new cases, inquiries, places and records to confirm come "
                "in this language, whatever language the visitor used."
            ),
            "delivery": _(
                "The daily summary collects notifications about places to review, proposed "
                "changes and new investor cases into one mail each morning. New inquiries and "
                "records taken offline still come at once."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without the choice (an older page) keeps what was chosen before.
        self.fields["delivery"].required = False

    def clean_delivery(self):
        return self.cleaned_data.get("delivery") or self.instance.delivery
