"""Pieces shared by the public forms: a honeypot against bots, and rate-limit handling."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.core import ratelimit


class HoneypotMixin(forms.Form):
    """Bots fill every field; people never see this one (rendered by core/_honeypot.html)."""

    homepage = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"))

    def clean_homepage(self):
        if self.cleaned_data.get("homepage"):
            raise ValidationError(_("This form could not be sent. Please try again."))
        return ""


def checkboxes(label, choices) -> forms.MultipleChoiceField:
    """An optional multiple choice shown as checkboxes (the search and profile filters)."""
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def within_rate_limit(request, form, scope: str, per_hour: int) -> bool:
    """Count one complete submission; over the limit the form gets an error and keeps every entry."""
    if ratelimit.hit(request, scope, per_hour, 3600):
        return True
    form.add_error(
        None,
        _(
            "Many submissions came from your connection in a short time. "
            "Please try again in an hour; your entries are kept in this form."
        ),
    )
    return False
