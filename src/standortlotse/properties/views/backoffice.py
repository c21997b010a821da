"""Back office (Datenpflege) of the property register: the editor's list, form, status actions,
photos, documents, history and the freshness dashboard. Editors only; records outside their
scope answer 404."""

import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import editor_required
from standortlotse.core import ratelimit
from standortlotse.properties import facts, freshness, history, publication, selectors, services
from standortlotse.properties.facts import postcode_warning
from standortlotse.properties.forms import (
    OVERRIDE_PREFIX,
    DocumentForm,
    LocationFactsForm,
    PhotoForm,
    PropertyForm,
)
from standortlotse.properties.models import Property, PropertyDocument, PropertyPhoto, Status


def editable_property(request, pk) -> Property:
    # Records outside the editor's scope do not exist for them: 404, nothing revealed.
    return get_object_or_404(policy.editable_records(request.user, Property.objects.all()), pk=pk)


@editor_required
def editor_list(request):
    records = (
        policy.editable_records(request.user, Property.objects.all())
        .select_related("municipality")
        .annotate(photo_count=Count("photos"))
        .order_by("-updated_at")
    )
    status = request.GET.get("status", "")
    if status in Status.values:
        records = records.filter(status=status)
    text = request.GET.get("q", "").strip()
    if text:
        records = records.filter(title__icontains=text)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    gaps = selectors.publication_gaps(page)
    for prop in page:
        prop.completeness = services.completeness(prop, prop.photo_count)
        prop.gaps = publication.labels(gaps[prop.pk])
    return render(
        request,
        "properties/editor_list.html",
        {
            "page": page,
            "status": status,
            "q": text,
            "statuses": Status.choices,
            "is_moderator": policy.is_moderator(request.user),
            "back": _list_query(request.GET),
        },
    )


def _new_record_initial(user) -> dict:
    """A new record's form: an editor with exactly one municipality finds it chosen."""
    only = list(policy.editable_municipalities(user).values_list("pk", flat=True)[:2])
    return {"municipality": only[0]} if len(only) == 1 else {}


def _list_query(params) -> str:
    """The editor list's own filters and page, to come back to after a bulk action."""
    kept = QueryDict(mutable=True)
    for name in ("q", "status", "page"):
        if params.get(name):
            kept[name] = params[name][:200]
    return kept.urlencode()


@editor_required
@require_POST
def editor_confirm_many(request):
    """'Still current' for the records the editor has checked in the list (only those the user
    may edit are confirmed; the others are counted, never named)."""
    chosen = request.POST.getlist("pk")
    if not chosen:
        messages.error(request, _("Select the records you have checked first."))
    else:
        result = services.confirm_current_many(request.user, chosen)
        if result.confirmed:
            count = len(result.confirmed)
            messages.success(
                request,
                ngettext(
                    "%(count)d record confirmed as current today.",
                    "%(count)d records confirmed as current today.",
                    count,
                )
                % {"count": count},
            )
        if result.refused:
            messages.error(
                request,
                ngettext(
                    "%(count)d record was not confirmed: you may not edit it.",
                    "%(count)d records were not confirmed: you may not edit them.",
                    result.refused,
                )
                % {"count": result.refused},
            )
    back = _list_query(QueryDict(request.POST.get("back", "")))
    return redirect(reverse("properties:editor_list") + (f"?{back}" if back else ""))


@editor_required
def editor_create(request):
    form = PropertyForm(
        request.POST or None, user=request.user, initial=_new_record_initial(request.user)
    )
    if request.method == "POST" and form.is_valid():
        prop = form.save(commit=False)
        if not policy.can_edit(request.user, prop):
            raise PermissionDenied
        prop._change_reason = "created"
        prop.save()
        messages.success(request, _("The record was saved as a draft. Add photos and publish it."))
        _after_save_notes(request, form)
        return redirect("properties:editor_edit", pk=prop.pk)
    return render(
        request, "properties/editor_form.html", _form_context(form, None, user=request.user)
    )


@editor_required
def editor_edit(request, pk):
    prop = editable_property(request, pk)
    form = PropertyForm(request.POST or None, instance=prop, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            prop = form.save(commit=False)
            prop._change_reason = "edited"
            prop.save()
            messages.success(request, _("Your changes were saved."))
            _after_save_notes(request, form)
            return redirect("properties:editor_edit", pk=prop.pk)
        messages.error(request, _("Please correct the marked fields. Nothing was saved yet."))
    return render(
        request, "properties/editor_form.html", _form_context(form, prop, user=request.user)
    )


def _after_save_notes(request, form):
    """What the editor should check after saving: a postcode of another municipality, and the
    overridden location facts that stayed when the point moved."""
    if form.postcode_warning:
        messages.warning(request, form.postcode_warning)
    if form.kept_overrides:
        messages.warning(
            request,
            _(
                "The point moved: the computed location facts followed it, the values entered "
                "with a reason were kept (%(facts)s). Please check that they still apply."
            )
            % {"facts": ", ".join(form.kept_overrides)},
        )


def _facts_panel(prop, form) -> dict:
    """The summary of the location facts beside the map (``prop`` as computed, saved or
    previewed), the computed fields as ``form`` shows them, and the values the computation
    filled in (posted back with the next preview, see LocationFactsForm.facts_shown)."""
    available = {
        name.removeprefix(OVERRIDE_PREFIX)
        for name in form.fields
        if name.startswith(OVERRIDE_PREFIX)
    }
    shown = {}
    for spec in facts.FACTS.values():
        if facts.provenance(prop, spec.key).state == "computed":
            for name in spec.fields:
                bound = form[name]
                shown[name] = bound.field.widget.format_value(bound.value())
    datasets = [
        {"name": d["name"], "as_of": datetime.date.fromisoformat(d["as_of"])}
        for d in (prop.location_facts or {}).get("datasets", [])
    ]
    rows = facts.panel(prop, available)
    return {
        "fact_rows": rows,
        "distances_computed": any(r.state == "computed" and r.key != "funding" for r in rows),
        "fact_fields": [form[name] for name in facts.COMPUTED_FIELDS if name in form.fields],
        "facts_shown": json.dumps(shown),
        "fact_datasets": datasets,
        "has_point": prop.lat is not None and prop.lon is not None,
    }


def _preview_of_bound(form) -> Property:
    """The record as the bound form (shown again with its errors) would be saved: the point,
    municipality and reasons posted, the facts computed for them (a copy, never saved)."""
    import copy

    shown = copy.copy(form.instance)
    data = getattr(form, "cleaned_data", {})
    reasons = {key: (data.get(OVERRIDE_PREFIX + key) or "").strip() for key in facts.FACTS}
    facts.preview(shown, data.get("lat"), data.get("lon"), data.get("municipality"), reasons)
    return shown


def _form_context(form, prop, photo_form=None, document_form=None, user=None):
    gaps = prop.publication_gaps() if prop else []
    if form.is_bound and not {"lat", "lon"} & set(form.errors):
        shown = _preview_of_bound(form)
    else:
        shown = prop or Property()
    return {
        **_facts_panel(shown, form),
        "facts_url": reverse("properties:editor_location_facts", args=[prop.pk])
        if prop
        else reverse("properties:editor_location_facts_new"),
        "form": form,
        "prop": prop,
        "postcode_warning": form.postcode_warning
        if form.is_bound
        else postcode_warning(prop.postcode, prop.municipality)
        if prop
        else "",
        "completeness": services.completeness(prop) if prop else None,
        # What publishing still needs, each linked to where it is filled in.
        "gaps": [publication.REQUIREMENTS[key] for key in gaps],
        "may_override": bool(
            gaps and user is not None and prop and policy.can_override_gate(user, prop)
        ),
        "override_max": publication.OVERRIDE_REASON_MAX,
        "photo_form": photo_form or PhotoForm(),
        "document_form": document_form or DocumentForm(),
        "municipality_centres": {
            str(m.pk): [m.lat, m.lon] for m in form.fields["municipality"].queryset
        },
    }


@editor_required
@require_POST
def editor_location_facts(request, pk=None):
    """The location facts for the point, municipality and postcode as the editor form holds
    them now, computed as a save would (nothing is saved): the summary beside the map, and the
    computed fields swapped into the form (htmx, out of band). A value given with a reason
    stays as typed. Whoever may use the form may ask, for a record they may edit (else 404)
    and a municipality they may edit (else 422, as the form's choice)."""
    prop = editable_property(request, pk) if pk is not None else Property()
    context = {"prop": prop, "facts_shown": request.POST.get("facts_shown", "")}
    limit = settings.LOCATION_FACTS_PER_HOUR
    if not ratelimit.hit(request, f"location-facts:{request.user.pk}", limit, 3600):
        return render(
            request, "properties/_location_facts.html", context | {"refused": True}, status=429
        )
    query = LocationFactsForm(request.POST, user=request.user)
    if not query.is_valid():
        context["facts_errors"] = query.error_lines()
        return render(request, "properties/_location_facts.html", context, status=422)
    municipality = query.cleaned_data.get("municipality")
    before = set(((prop.location_facts or {}).get("computed")) or {})
    facts.preview(prop, *query.point(), municipality, query.reasons())
    # What the editor typed stays: a value given with a reason, or one for a fact not
    # computable here (unless it is what the previous preview computed, which goes with it).
    typed = {}
    for spec in facts.FACTS.values():
        state = facts.provenance(prop, spec.key).state
        if state == "computed" or (state == "entered" and spec.key in before):
            continue  # computed now, or cleared as a save clears it
        for name in spec.fields:
            raw = request.POST.get(name, "")
            if state == "entered" and raw == query.cleaned_data["facts_shown"].get(name):
                raw = ""
            typed[name] = raw
    form = PropertyForm(instance=prop, user=request.user, initial=typed)
    context |= _facts_panel(prop, form)
    context["postcode_warning"] = postcode_warning(query.cleaned_data["postcode"], municipality)
    return render(request, "properties/_location_facts.html", context | {"oob": True})


@editor_required
@require_POST
def editor_action(request, pk, action):
    prop = editable_property(request, pk)
    try:
        if action == "confirm":
            services.confirm_current(request.user, prop)
            messages.success(request, _("Confirmed as current today."))
        else:
            services.change_status(
                request.user, prop, action, override_reason=request.POST.get("override_reason", "")
            )
            messages.success(
                request, _("Status is now: %(status)s.") % {"status": prop.get_status_display()}
            )
            if not prop.is_public and (gaps := prop.publication_gaps()):
                messages.warning(
                    request,
                    _("Publishing it again needs: %(missing)s.")
                    % {"missing": publication.missing_text(gaps)},
                )
    except publication.BelowGate as refused:
        messages.error(request, refused.summary)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    next_url = request.POST.get("next")
    if next_url == "list":
        return redirect("properties:editor_list")
    if next_url == "freshness":
        return redirect("properties:freshness")
    return redirect("properties:editor_edit", pk=prop.pk)


@editor_required
def freshness_dashboard(request):
    """How current the data of each municipality is, and the records nobody confirmed."""
    rows = freshness.dashboard(request.user)
    totals = {
        key: sum(getattr(r, key) for r in rows)
        for key in ("published", "current", "due", "not_confirmed")
    }
    return render(
        request,
        "properties/freshness.html",
        {
            "rows": rows,
            "totals": totals,
            "flagged": freshness.flagged(request.user)[:200],
            "reminder_months": round(settings.PROPERTY_REMINDER_DAYS / 30.4),
            "flag_months": round(
                (settings.PROPERTY_REMINDER_DAYS + settings.PROPERTY_FLAG_DAYS) / 30.4
            ),
        },
    )


def _photo_panel(request, prop, photo_form):
    """The photos after an htmx upload or removal, and what publishing still needs (a photo is
    one of the requirements) swapped in beside them."""
    gaps = prop.publication_gaps()
    return render(
        request,
        "properties/_photos.html",
        {
            "prop": prop,
            "photo_form": photo_form,
            "gaps": [publication.REQUIREMENTS[key] for key in gaps],
            "gate_oob": True,
        },
    )


@editor_required
@require_POST
def editor_photo_add(request, pk):
    prop = editable_property(request, pk)
    photo_form = PhotoForm(request.POST, request.FILES)
    if photo_form.is_valid():
        services.add_photo(
            request.user,
            prop,
            photo_form.cleaned_data["image"],
            photo_form.cleaned_data["alt_text"],
            photo_form.cleaned_data["credit"],
        )
        if request.htmx:
            photo_form = PhotoForm()
        else:
            messages.success(request, _("The photo was added."))
            return redirect(reverse("properties:editor_edit", args=[pk]) + "#photos")
    if request.htmx:
        return _photo_panel(request, prop, photo_form)
    form = PropertyForm(instance=prop, user=request.user)
    messages.error(request, _("The photo could not be added."))
    return render(
        request,
        "properties/editor_form.html",
        _form_context(form, prop, photo_form=photo_form, user=request.user),
        status=422,
    )


@editor_required
@require_POST
def editor_photo_delete(request, pk, photo_pk):
    prop = editable_property(request, pk)
    photo = get_object_or_404(PropertyPhoto, pk=photo_pk, property=prop)
    services.remove_photo(request.user, photo)
    if request.htmx:
        return _photo_panel(request, prop, PhotoForm())
    messages.success(request, _("The photo was removed."))
    if prop.is_public and "photo" in prop.publication_gaps():
        # Never refused (a photo may have to go at once), but the record now lacks one.
        messages.warning(
            request,
            _("The record is public without a photo now, which its region requires: add one."),
        )
    return redirect(reverse("properties:editor_edit", args=[pk]) + "#photos")


@editor_required
@require_POST
def editor_document_add(request, pk):
    prop = editable_property(request, pk)
    document_form = DocumentForm(request.POST, request.FILES)
    if document_form.is_valid():
        document = document_form.save(commit=False)
        document.property = prop
        document.save()
        messages.success(request, _("The document was added."))
        return redirect(reverse("properties:editor_edit", args=[pk]) + "#documents")
    form = PropertyForm(instance=prop, user=request.user)
    messages.error(request, _("The document could not be added."))
    return render(
        request,
        "properties/editor_form.html",
        _form_context(form, prop, document_form=document_form, user=request.user),
        status=422,
    )


@editor_required
@require_POST
def editor_document_delete(request, pk, document_pk):
    prop = editable_property(request, pk)
    document = get_object_or_404(PropertyDocument, pk=document_pk, property=prop)
    document.file.delete(save=False)
    document.delete()
    messages.success(request, _("The document was removed."))
    return redirect(reverse("properties:editor_edit", args=[pk]) + "#documents")


@editor_required
def editor_history(request, pk):
    prop = editable_property(request, pk)
    page, entries = history.entries(prop, request.GET.get("page"))
    return render(
        request, "properties/editor_history.html", {"prop": prop, "page": page, "entries": entries}
    )
