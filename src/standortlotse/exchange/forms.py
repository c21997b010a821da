from django import forms
from django.utils.translation import gettext_lazy as _

from standortlotse.core.tabular import coordinates, readers
from standortlotse.exchange import services


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (comma or semicolon, UTF-8 or Windows-1252), Excel (XLSX), GeoJSON, GeoPackage "
            "or a zipped Shapefile; at most 100 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > readers.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 100 MB."))
        return upload


class MappingForm(forms.Form):
    """One select per header of the file: which template column it fills (or none), shown with
    the first values of the column (``samples``: header → a few values as text)."""

    def __init__(self, *args, headers, columns, initial_mapping, samples=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("– do not import –"))] + columns
        self.headers = headers
        self.labels = dict(columns)
        self.samples = samples or {}
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=initial_mapping.get(header, ""),
                widget=forms.Select(attrs={"aria-describedby": f"id_col_{index}_samples"}),
            )

    def rows(self):
        """(select, sample values) per header, for the table of the mapping step."""
        return [(self[f"col_{i}"], self.samples.get(h, [])) for i, h in enumerate(self.headers)]

    def clean(self):
        cleaned = super().clean()
        for column, headers in services.duplicate_assignments(self.mapping()).items():
            message = services.duplicate_message(headers, str(self.labels.get(column, column)))
            for index, header in enumerate(self.headers):
                if header in headers:
                    self.add_error(f"col_{index}", message)
        return cleaned

    def submitted(self) -> dict[str, str]:
        """The mapping as sent, also when the form has errors (for its warnings)."""
        known = set(self.labels)
        return {
            header: value if (value := self.data.get(f"col_{i}", "")) in known else ""
            for i, header in enumerate(self.headers)
        }

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"col_{i}", "") for i, header in enumerate(self.headers)
        }


class CoordinateSystemForm(forms.Form):
    """The coordinate system of the file's coordinate columns, as detected or as the user says."""

    prefix = "crs"
    crs = forms.ChoiceField(
        label=_("Coordinate system of the coordinate columns"),
        required=False,
        choices=lambda: [("", _("detect from the values")), *coordinates.choices()],
        help_text=_(
            "Gauß-Krüger lists of the surveying offices in Saxony-Anhalt were mostly kept in "
            "42/83, West German ones in DHDN; the two differ by about 600 m. UTM 32 and 33 "
            "differ by hundreds of kilometres: the detection chooses the one that puts the rows "
            "into their municipalities."
        ),
    )


class ConfirmForm(forms.Form):
    publish = forms.BooleanField(
        label=_("Publish new records at once"),
        required=False,
        help_text=_("Otherwise they are created as drafts that you publish after a check."),
    )
    skip_errors = forms.BooleanField(label=_("Skip the rows with errors"), required=False)
    rest = forms.ChoiceField(
        label=_("Possible duplicates without a choice"),
        required=False,
        choices=[
            ("", _("ask me per row")),
            ("skip", _("skip them")),
            ("create", _("create them anyway")),
        ],
        help_text=_("With “ask me per row” the import waits until every row has a choice."),
    )
