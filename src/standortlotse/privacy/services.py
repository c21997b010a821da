"""Data subject rights for one email address: the access export (art. 15 GDPR) and the erasure
in one step (art. 17), with a record of the erasure that holds no personal data.

The providers (``registry``) know the records of each app. Behind them a sweep goes through
every text and JSON column of every model (history tables and task rows included): the export
lists what the sweep finds beyond the providers, the erasure replaces the address there, and
what still contains the address afterwards is counted in the erasure record.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.core.spreadsheet import safe_cell
from standortlotse.privacy.models import ErasureRecord
from standortlotse.privacy.registry import (
    Provider,
    address_in,
    history_model_of,
    plain,
    providers,
    scrub,
)

# A plain check, not RFC 5322: enough that no search runs for "" or for a fragment.
ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
OTHER_TEXTS = "other_texts"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def normalise(email: str) -> str:
    email = (email or "").strip().lower()
    if not ADDRESS.match(email) or len(email) > 254:
        raise ValidationError(
            {"email": _("Enter one complete email address, e.g. name@example.org.")}
        )
    return email


def address_hash(email: str) -> str:
    return salted_hmac(
        "standortlotse.privacy.erasure", normalise(email), algorithm="sha256"
    ).hexdigest()


@dataclass
class Found:
    provider: Provider
    records: list
    history: list = field(default_factory=list)

    @property
    def key(self):
        return self.provider.key


def collect(email: str, user=None) -> tuple[list[Found], set[str]]:
    """What every provider holds about the address (with a user: only what they may see), and
    the names and phone numbers of the person in their own records."""
    complete = user is None or policy.is_state_admin(user)
    identifiers: set[str] = set()
    found = []
    for provider in providers():
        queryset = provider.find(email, identifiers if provider.uses_identifiers else frozenset())
        if user is not None:
            queryset = provider.visible(user, queryset)
        records = list(queryset)
        for record in records:
            identifiers |= provider.identifiers(record, email)
        history = []
        history_model = history_model_of(provider.model)
        if history_model is not None and complete:
            history = list(provider.find(email, model=history_model))
        found.append(Found(provider, records, history))
    return found, identifiers


def _text_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]


def _swept_models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or model is ErasureRecord or model._meta.label == "sessions.Session":
            continue  # sessions hold only signed, encoded data
        if _text_fields(model):
            yield model


def sweep(email: str) -> list[tuple]:
    """(model, pk, field name, value) of every text/JSON cell that contains the address."""
    hits = []
    for model in _swept_models():
        fields = _text_fields(model)
        queryset = model._base_manager.all()
        condition = Q(pk__in=[])
        for f in fields:
            lookup = f.name
            if isinstance(f, models.JSONField):
                lookup = f"privacy_text_{f.name}"
                queryset = queryset.annotate(**{lookup: Cast(f.name, models.TextField())})
            condition |= Q(**{f"{lookup}__icontains": email})
        for row in queryset.filter(condition).values("pk", *[f.name for f in fields]):
            for f in fields:
                value = row[f.name]
                text = (
                    json.dumps(value, ensure_ascii=False)
                    if isinstance(f, models.JSONField)
                    else value
                )
                if text and email in str(text).lower():
                    hits.append((model, row["pk"], f.name, value))
    return hits


# --- export -----------------------------------------------------------------------------------


def export_data(email: str, user) -> dict:
    """The access export: every record of the address this user may see (``None``: the
    management command, everything), by kind."""
    email = normalise(email)
    complete = user is None or policy.is_state_admin(user)
    data = {"email": email, "generated_at": timezone.now().isoformat(), "complete": complete}
    shown = set()
    for item in collect(email, user)[0]:
        data[item.key] = [item.provider.export_for(record, email) for record in item.records]
        shown |= {(record._meta.label, record.pk) for record in item.records}
        if history_model_of(item.provider.model) is not None:
            data[f"{item.key}_history"] = [
                item.provider.export_history(row) for row in item.history
            ]
            shown |= {(row._meta.label, row.pk) for row in item.history}
    data[OTHER_TEXTS] = []
    if complete:
        data[OTHER_TEXTS] = [
            {"kind": model._meta.label, "id": plain(pk), "field": name, "value": plain(value)}
            for model, pk, name, value in sweep(email)
            if (model._meta.label, pk) not in shown
        ]
    return data


def _cell(value):
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return safe_cell(value)


def export_xlsx(data: dict) -> bytes:
    """One sheet per kind of record, one row per record."""
    from openpyxl import Workbook

    workbook = Workbook()
    about = workbook.active
    about.title = "Auskunft"
    for key in ("email", "generated_at", "complete"):
        about.append([key, _cell(data[key])])
    for key, records in data.items():
        if not isinstance(records, list):
            continue
        sheet = workbook.create_sheet(key[:31])
        columns = list(dict.fromkeys(name for record in records for name in record))
        sheet.append(columns or [_("no records")])
        for record in records:
            sheet.append([_cell(record.get(name)) for name in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def export_zip(data: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("auskunft.json", export_json(data))
        archive.writestr("auskunft.xlsx", export_xlsx(data))
    return buffer.getvalue()


# --- erasure ----------------------------------------------------------------------------------


def plan(email: str) -> list[dict]:
    """What the erasure would do, per kind: {key, label, delete, anonymise, history}."""
    email = normalise(email)
    rows = []
    shown = set()
    for item in collect(email)[0]:
        actions = [item.provider.action(record, email) for record in item.records]
        shown |= {(r._meta.label, r.pk) for r in item.records} | {
            (r._meta.label, r.pk) for r in item.history
        }
        if item.records or item.history:
            rows.append(
                {
                    "key": item.key,
                    "label": item.provider.label,
                    "delete": actions.count("delete"),
                    "anonymise": actions.count("anonymise"),
                    "history": len(item.history),
                }
            )
    others = {(model._meta.label, pk) for model, pk, _name, _value in sweep(email)} - shown
    if others:
        rows.append(
            {
                "key": OTHER_TEXTS,
                "label": labels()[OTHER_TEXTS],
                "delete": 0,
                "anonymise": len(others),
                "history": 0,
            }
        )
    return rows


def _fresh(record):
    return type(record)._base_manager.filter(pk=record.pk).first()


@transaction.atomic
def erase(email: str, *, by=None, via=ErasureRecord.Via.BACK_OFFICE) -> ErasureRecord:
    """Delete or anonymise everything about the address, in one transaction, and record it."""
    email = normalise(email)
    if by is not None and address_in(by, "email", email):
        raise ValidationError({"email": _("You cannot erase the address of your own account.")})
    counts = {}
    found, identifiers = collect(email)
    for item in found:
        done = {"deleted": 0, "anonymised": 0}
        for record in item.records:
            record = _fresh(record)  # an earlier deletion may have taken it along
            if record is None:
                continue
            if item.provider.action(record, email) == "delete":
                item.provider.delete(record, email)
                done["deleted"] += 1
            else:
                item.provider.anonymise(record, email, identifiers)
                done["anonymised"] += 1
        if any(done.values()):
            counts[item.key] = done
    # History rows last: deleting or saving a record has just written another copy.
    for item in found:
        history_model = history_model_of(item.provider.model)
        if history_model is None:
            continue
        rows = list(item.provider.find(email, model=history_model))
        for row in rows:
            item.provider.anonymise_history(row, email, identifiers)
        if rows:
            counts[f"{item.key}_history"] = {"deleted": 0, "anonymised": len(rows)}
    swept = 0
    for model, pk, name, value in sweep(email):
        new = scrub(value, email, identifiers)
        max_length = model._meta.get_field(name).max_length
        if isinstance(new, str) and max_length:
            new = new[:max_length]
        model._base_manager.filter(pk=pk).update(**{name: new})
        swept += 1
    if swept:
        counts[OTHER_TEXTS] = {"deleted": 0, "anonymised": swept}
    remaining = len(sweep(email))
    return ErasureRecord.objects.create(
        erased_by=by, via=via, address_hash=address_hash(email), counts=counts, remaining=remaining
    )


def labels() -> dict[str, str]:
    """Kind of record (the keys of an export and of ``ErasureRecord.counts``) -> its name."""
    names = {OTHER_TEXTS: _("other texts that quote the address")}
    for provider in providers():
        names[provider.key] = str(provider.label)
        names[f"{provider.key}_history"] = _("%(kind)s: versions in the history") % {
            "kind": provider.label
        }
    return names


def was_erased(email: str):
    return ErasureRecord.objects.filter(address_hash=address_hash(email))
