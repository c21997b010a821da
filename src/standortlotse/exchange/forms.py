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

    NONE = _("– do not import –")

    def __init__(
        self,
        *args,
        headers,
        columns,
        initial_mapping,
        samples=None,
        required=(),
        looks_like=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        choices = [("", self.NONE)] + columns
        self.headers = headers
        self.labels = dict(columns)
        self.samples = samples or {}
        self.required = tuple(required)
        self.looks_like = looks_like  # (header, samples) → the field the column looks like, or ""
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
        """Two columns on one field: a message at each of their selects, naming the other
        columns; a required field no column fills: at the select of a column that looks like it
        (else for the whole form), naming the field. Each message is shown once beside its
        select and once in the summary at the top."""
        cleaned = super().clean()
        mapping = self.mapping()
        for column, headers in services.duplicate_assignments(mapping).items():
            label = str(self.labels.get(column, column))
            for index, header in enumerate(self.headers):
                if header in headers:
                    others = [h for h in headers if h != header]
                    self._select_error(index, services.duplicate_select_message(others, label))
        used = {c for c in mapping.values() if c}
        for column in self.required:
            if column in used:
                continue
            label = str(self.labels.get(column, column))
            found = self._looking_like(column, mapping)
            if found is None:
                self.add_error(None, services.required_message(label))
            else:
                self._select_error(found, services.required_select_message(label))
        return cleaned

    def _looking_like(self, column: str, mapping: dict[str, str]) -> int | None:
        """The first unassigned column that looks like ``column``."""
        if self.looks_like is None:
            return None
        for index, header in enumerate(self.headers):
            if (
                not mapping.get(header)
                and self.looks_like(header, self.samples_of(header)) == column
            ):
                return index
        return None

    def samples_of(self, header: str) -> list:
        return list(self.samples.get(header, []))

    def _select_error(self, index: int, message: str) -> None:
        name = f"col_{index}"
        self.add_error(name, message)
        attrs = self.fields[name].widget.attrs
        attrs["aria-describedby"] = f"id_{name}_error id_{name}_samples"
        attrs["aria-invalid"] = "true"

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
        help_text=_(
            "Otherwise they are created as drafts that you publish after a check. A record "
            "that lacks what its region requires for publishing stays a draft (its row says "
            "what is missing)."
        ),
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
