from django import forms
from django.utils.translation import gettext_lazy as _

from standortlotse.profiles import services
from standortlotse.profiles.models import Figure, Key
from standortlotse.profiles.tables import MAX_BYTES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Table (CSV from GENESIS or the Regionalstatistik)"),
        help_text=_(
            "Semicolon-separated, as the statistical offices publish it (header and footer lines "
            "may stay); one line per municipality with its AGS (8 digits) or ARS (12 digits)."
        ),
    )
    key = forms.ChoiceField(label=_("Figure"), choices=Key.choices)
    column = forms.CharField(
        label=_("Value column"),
        required=False,
        max_length=100,
        help_text=_(
            "Only for tables with several value columns: its number (1 = the first after the "
            "name) or a word of its heading, e.g. “insgesamt”."
        ),
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=DATE,
        help_text=_("The date the figures refer to; empty: the date line of the table."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("e.g. “Statistisches Landesamt Sachsen-Anhalt, Tabelle 12411-0015”."),
    )
    source_url = forms.URLField(label=_("Source address"), required=False, assume_scheme="https")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class FigureForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = ["municipality", "district", "key", "value", "as_of", "source", "source_url"]
        widgets = {"as_of": DATE}
        localized_fields = ["value"]  # "12.345,6" on the German pages

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["municipality"].queryset = services.editable_municipalities(user).order_by(
            "name"
        )
        self.fields["district"].queryset = services.editable_districts(user).order_by("name")
        self.fields["district"].help_text = _(
            "Only for a figure published for the whole district; leave the municipality empty then."
        )
        self.fields["source"].help_text = _("Where the figure comes from (office, table, year).")
        if self.instance.is_demo:
            # a demo value becomes an official one when an editor types it with its source
            self.initial["source"] = ""

    def clean(self):
        data = super().clean()
        self.instance.is_demo = False
        return data
