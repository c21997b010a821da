"""The history page of a record (Datenpflege → History of changes): each saved version as one
sentence in the active language, with who and when, field and choice labels instead of internal
keys, values with their units, and where a change came from (an import, the API, the owner):

    12.03.2026, 14:05 – A. Beispiel (Stadt Stendal): Status veröffentlicht → archiviert;
    Verfügbare Fläche 12.500 m² → 10.000 m²
    11.03.2026, 09:12 – A. Beispiel (Stadt Stendal), Import von flaechen.csv: angelegt

The history rows are django-simple-history's (``Property.history``); their change reason is a
key written in code (``prop._change_reason = "api"``) or, for imports, the sentence
``exchange`` stores ("import of %(file)s", in the language the import ran in), read back here in
every language.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.accounts import people
from standortlotse.properties import publication
from standortlotse.properties.models import Property
from standortlotse.properties.services import history_value

PER_PAGE = 50

# Change reasons written in code, and how the history names them (None: the changes say it all).
REASONS = {
    "created": None,
    "edited": None,
    "publish": None,
    "archive": None,
    "unpublish": None,
    "confirmed": gettext_lazy("confirmed as current"),
    "api": gettext_lazy("via the API"),
    "owner consent refused": gettext_lazy("owner refused consent, taken offline"),
    "demo data": gettext_lazy("demo data"),
}
# The import's reason as exchange.services.apply writes it (gettext, in the import's language).
IMPORT_REASON = "import of %(file)s"
# Longer than this, a field's value is not quoted: "Description (German) changed".
QUOTED_TEXT_MAX = 80
UNIT_MAX = 6  # a numeric field's help text this short is its unit ("m²", "km", "Mbit/s", "€/m²")


@dataclass
class Entry:
    when: object
    when_text: str
    actor: str
    source: str
    changes: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def text(self) -> str:
        """Everything after the time: "A. Beispiel (Stadt Stendal), Import von x.csv: …"."""
        who = f"{self.actor}, {self.source}" if self.source else self.actor
        return f"{who}: {self.summary}"

    @property
    def sentence(self) -> str:
        return f"{self.when_text} – {self.text}"


def when_text(moment) -> str:
    """ "12.03.2026, 14:05" / "12 Mar 2026, 14:05" (local time, the active language)."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'SHORT_DATE_FORMAT')}, {time_format(local, 'TIME_FORMAT')}"


def _import_file(reason: str) -> str | None:
    """The file name if ``reason`` is an import's, in any of the site's languages."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            prefix, _mark, suffix = _(IMPORT_REASON).partition("%(file)s")
        if reason.startswith(prefix) and reason.endswith(suffix) and len(reason) > len(prefix):
            return reason[len(prefix) : len(reason) - len(suffix)]
    return None


def source_text(reason: str) -> str:
    """Where a change came from, for the sentence ("" when the changes say it all)."""
    reason = (reason or "").strip()
    if not reason:
        return ""
    if reason in REASONS:
        label = REASONS[reason]
        return str(label) if label else ""
    override = publication.parse_override(reason)
    if override is not None:
        missing, why = override
        return _(
            "published below the publication requirements (missing: %(missing)s), reason: "
            "%(reason)s"
        ) % {"missing": publication.missing_text(missing), "reason": why}
    file = _import_file(reason)
    if file is not None:
        return _(IMPORT_REASON) % {"file": file}
    return reason  # a reason written elsewhere: as it was written


def _unit(model_field) -> str:
    if isinstance(model_field, models.IntegerField | models.DecimalField | models.FloatField):
        help_text = str(model_field.help_text or "")
        if 0 < len(help_text) <= UNIT_MAX:
            return help_text
    return ""


def _value(model_field, value) -> str:
    text = history_value(model_field, value)
    if not text:
        return "–"
    unit = _unit(model_field)
    return f"{text} {unit}" if unit else text


def change_text(model_field, old, new) -> str:
    """ "Status veröffentlicht → archiviert", "Verfügbare Fläche 12.500 m² → 10.000 m²"; a long
    text or an outline only says that it changed."""
    label = capfirst(str(model_field.verbose_name))
    long_text = isinstance(model_field, models.TextField | models.JSONField) and not getattr(
        model_field, "item_choices", None
    )
    if long_text or any(len(history_value(model_field, v)) > QUOTED_TEXT_MAX for v in (old, new)):
        return _("%(field)s changed") % {"field": label}
    return f"{label} {_value(model_field, old)} → {_value(model_field, new)}"


def _shown(model_field) -> bool:
    # Fields without a label of their own (created_at, published_at) are bookkeeping: the status
    # change says what happened.
    return model_field._verbose_name is not None


def entries(prop: Property, page_number=None):
    """One page of the record's history, newest first: (page, [Entry])."""
    rows = prop.history.select_related("history_user").order_by("-history_date", "-history_id")
    page = Paginator(rows, PER_PAGE).get_page(page_number)
    versions = list(page.object_list)
    if not versions:
        return page, []
    # The version before the page's oldest, to tell what that one changed.
    older = rows[page.end_index() : page.end_index() + 1]
    versions_and_older = versions + (list(older) or [None])
    organisations = people.organisation_names(
        {v.history_user_id for v in versions if v.history_user_id}
    )
    result = []
    for newer, older in zip(versions, versions_and_older[1:], strict=True):
        result.append(_entry(newer, older, organisations))
    return page, result


def _actor(version, organisations) -> str:
    user = version.history_user
    if user is None:
        if version.history_change_reason == "owner consent refused":
            return _("the owner")
        return _("system")
    return people.with_organisation(user, organisations)


def _entry(newer, older, organisations) -> Entry:
    changes = []
    if older is not None and newer.history_type != "+":
        for change in newer.diff_against(older).changes:
            model_field = Property._meta.get_field(change.field)
            if _shown(model_field):
                changes.append(change_text(model_field, change.old, change.new))
    if newer.history_type == "+":
        summary = _("created")
    elif newer.history_type == "-":
        summary = _("deleted")
    else:
        summary = "; ".join(changes) or _("saved without changes")
    return Entry(
        when=newer.history_date,
        when_text=when_text(newer.history_date),
        actor=_actor(newer, organisations),
        source=source_text(newer.history_change_reason),
        changes=changes,
        summary=summary,
    )
