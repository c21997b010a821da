"""The forms of the partner-feed pages (places/views/feeds.py): the feed's settings and its mapping
of the partner's categories and tags as a table, one row per partner word.

The table is turned into the JSON mapping `partners.apply_mapping` reads (`mapping_from_rows`) and
back (`mapping_rows`); the mapping is checked by `partners.mapping_errors`, each message prefixed
with the row it comes from. A table equal to the defaults of the format is stored as an empty
mapping, so the feed keeps following the defaults."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from standortlotse.core.validators import TEXT_LINE
from standortlotse.places import partners
from standortlotse.places.models import Field, Offer, PartnerFeed, PlaceType

BOTH = "both"
APPLIES = [
    ("categories", _("category")),
    ("tags", _("tag")),
    (BOTH, _("category and tag")),
]
TARGET_KEYS = ("fields", "types", "offers")


class LooseMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes whose values are checked by partners.mapping_errors (so the message names the
    row, the value and what is accepted) rather than by Django's generic choice error."""

    def valid_value(self, value):
        return True


def _checkboxes(label, choices):
    return LooseMultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class FeedForm(forms.ModelForm):
    # The format whose defaults the mapping table was filled with: a form posted with another
    # format comes back with that format's defaults added, unsaved (places/views/feeds.py).
    # (checked by the view: an unknown value counts as the stored format, never as an error)
    prefilled_for = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)

    class Meta:
        model = PartnerFeed
        fields = ["name", "region", "format", "url", "active"]

    def __init__(self, *args, regions=None, refresh_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        if refresh_url:  # progressive enhancement: the table follows the chosen format
            self.fields["format"].widget.attrs.update(
                {
                    "hx-post": refresh_url,
                    "hx-trigger": "change",
                    "hx-target": "#mapping",
                    "hx-select": "#mapping",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                    "hx-sync": "this:replace",
                    "aria-controls": "mapping",
                }
            )
        if regions is not None:
            self.fields["region"].queryset = regions
            if not self.instance.pk and len(regions) == 1:
                self.initial["region"] = regions[0].pk
        self.fields["url"].help_text = gettext(
            "Optional. With an address, the feed is pulled on schedule and by the button "
            "“Pull now”; without one, its files are uploaded in the import."
        )


class ChosenLabelsMixin:
    """The labels of the chosen values, for the summary of a collapsed list of checkboxes."""

    def _chosen(self, name) -> str:
        value = self[name].value() or []
        choices = dict(self.fields[name].choices)
        return ", ".join(str(choices.get(v, v)) for v in value)

    @property
    def chosen_fields(self):
        return self._chosen("fields")

    @property
    def chosen_types(self):
        return self._chosen("types")

    @property
    def chosen_offers(self):
        return self._chosen("offers")


class MappingRowForm(ChosenLabelsMixin, forms.Form):
    applies = forms.ChoiceField(label=_("Applies to"), choices=APPLIES, initial=BOTH)
    word = forms.CharField(
        label=_("Partner's category or tag"),
        max_length=100,
        required=False,
        validators=TEXT_LINE,
    )
    fields = _checkboxes(_("Our field"), Field.choices)
    types = _checkboxes(_("Place types"), PlaceType.choices)
    offers = _checkboxes(_("Offers"), Offer.choices)
    tags = forms.CharField(
        label=_("Our tags (comma separated)"), max_length=300, required=False, validators=TEXT_LINE
    )
    seen = forms.BooleanField(required=False, widget=forms.HiddenInput)

    @property
    def word_hint(self):
        """What an opaque partner word means (Karte von morgen's category IDs)."""
        return partners.WORD_LABELS.get((self["word"].value() or "").strip(), "")

    def has_target(self) -> bool:
        data = self.cleaned_data
        return any(data.get(k) for k in TARGET_KEYS) or bool(_tag_list(data.get("tags")))


class DefaultTargetForm(ChosenLabelsMixin, forms.Form):
    """What a record gets when none of its categories and tags is mapped to a field or type."""

    fields = _checkboxes(_("Our field"), Field.choices)
    types = _checkboxes(_("Place types"), PlaceType.choices)
    offers = _checkboxes(_("Offers"), Offer.choices)


MappingFormSet = forms.formset_factory(MappingRowForm, extra=3, max_num=500, validate_max=True)


def _tag_list(text) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _target(data: dict) -> dict:
    target = {key: list(data.get(key) or []) for key in TARGET_KEYS}
    tags = _tag_list(data.get("tags"))
    if tags:
        target["tags"] = tags
    return {k: v for k, v in target.items() if v}


def mapping_rows(mapping: dict, unmapped=()) -> tuple[list[dict], dict]:
    """(initial rows, initial default) of the table for a mapping: a word mapped alike as
    category and tag is one row; the partner's categories no mapping names come first."""
    categories = mapping.get("categories") or {}
    tags = mapping.get("tags") or {}
    known = {partners._key(w) for w in categories}
    rows = [{"applies": "categories", "word": word, "seen": True} for word in unmapped]
    rows = [r for r in rows if partners._key(r["word"]) not in known]

    def row(applies, word, target):
        return {
            "applies": applies,
            "word": word,
            **{key: list(target.get(key) or []) for key in TARGET_KEYS},
            "tags": ", ".join(target.get("tags") or []),
        }

    tag_keys = {partners._key(w): (w, t) for w, t in tags.items()}
    for word, target in categories.items():
        same = tag_keys.get(partners._key(word))
        if same is not None and partners.normal_mapping(
            {"default": same[1]}
        ) == partners.normal_mapping({"default": target}):
            rows.append(row(BOTH, word, target))
            del tag_keys[partners._key(word)]
        else:
            rows.append(row("categories", word, target))
    rows.extend(row("tags", word, target) for word, target in tag_keys.values())
    default = mapping.get("default") or {}
    return rows, {key: list(default.get(key) or []) for key in TARGET_KEYS}


def mapping_from_rows(formset, default_form) -> tuple[dict, list[str]]:
    """The mapping the table describes, and its errors (each naming the row)."""
    mapping: dict = {"categories": {}, "tags": {}, "default": _target(default_form.cleaned_data)}
    errors: list[str] = []
    where: dict[tuple[str, str], int] = {}
    for number, form in enumerate(formset.forms, start=1):
        data = form.cleaned_data
        if not data:
            continue
        word = (data.get("word") or "").strip()
        if not word:
            if form.has_target():
                errors.append(
                    gettext("Row %(row)d: enter the partner's category or tag.") % {"row": number}
                )
            continue
        if data.get("seen") and not form.has_target():
            continue  # offered from the last run and left empty: stays without mapping
        target = _target(data)
        sections = ["categories", "tags"] if data["applies"] == BOTH else [data["applies"]]
        for section in sections:
            key = (section, partners._key(word))
            if key in where:
                errors.append(
                    gettext(
                        "Row %(row)d: “%(word)s” is already mapped in row %(other)d "
                        "(each category or tag once)."
                    )
                    % {"row": number, "word": word, "other": where[key]}
                )
                continue
            where[key] = number
            mapping[section][word] = target
        errors.extend(
            gettext("Row %(row)d: %(error)s") % {"row": number, "error": error}
            for error in partners.mapping_errors({sections[0]: {word: target}})
        )
    errors.extend(
        gettext("Default: %(error)s") % {"error": error}
        for error in partners.mapping_errors({"default": mapping["default"]})
    )
    return mapping, errors


def _row_key(row: dict) -> tuple:
    """A row as compared: which sections, the word folded and its targets."""
    return (
        row.get("applies"),
        partners._key(row.get("word") or ""),
        *(tuple(sorted(row.get(key) or [])) for key in TARGET_KEYS),
        tuple(_tag_list(row.get("tags"))),
    )


def _posted_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or not (data.get("word") or "").strip():
            continue
        rows.append(
            {
                "applies": data.get("applies") or BOTH,
                "word": data["word"].strip(),
                **{key: list(data.get(key) or []) for key in TARGET_KEYS},
                "tags": data.get("tags") or "",
                "seen": bool(data.get("seen")),
                "targeted": form.has_target(),
            }
        )
    return rows


def with_defaults(formset, default_form, shown: str, format: str) -> tuple[list[dict], dict, bool]:
    """(rows, default, added) of a table switched from the defaults of format ``shown`` to those
    of ``format``: the moderator's rows win for the same word; a row equal to a default row of
    ``shown`` was prefilled, not typed, and gives way to the new defaults, as does a row offered
    from the last run and left empty; ``added`` says whether the table changed."""
    old_rows, old_default = mapping_rows(partners.default_mapping(shown))
    new_rows, new_default = mapping_rows(partners.default_mapping(format))
    prefilled = {_row_key(row) for row in old_rows}
    posted = _posted_rows(formset)
    kept = [
        row
        for row in posted
        if _row_key(row) not in prefilled and (row["targeted"] or not row["seen"])
    ]
    words = {partners._key(row["word"]) for row in kept}
    added_rows = [row for row in new_rows if partners._key(row["word"]) not in words]
    words |= {partners._key(row["word"]) for row in added_rows}
    # offered from the last run, left empty and named by no default: still offered
    waiting = [
        row
        for row in posted
        if row["seen"] and not row["targeted"] and partners._key(row["word"]) not in words
    ]
    rows = waiting + kept + added_rows
    theirs = {key: list(default_form.cleaned_data.get(key) or []) for key in TARGET_KEYS}
    untouched = not any(theirs.values()) or _row_key(theirs) == _row_key(old_default)
    default = new_default if untouched else theirs
    changed = bool(added_rows) or len(rows) != len(posted) or default != theirs
    for row in rows:
        row.pop("targeted", None)
    return rows, default, changed
