"""Pages of the property register. Views parse input, call services/selectors, render."""

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from standortlotse.accounts import policy, twofactor
from standortlotse.accounts.decorators import editor_required
from standortlotse.core import embed
from standortlotse.core.links import FreshLinkForm, fresh_link_request
from standortlotse.core.ogimage import card_response
from standortlotse.properties import exports, selectors, services
from standortlotse.properties.forms import DocumentForm, PhotoForm, PropertyForm, SearchForm
from standortlotse.properties.models import Property, PropertyDocument, PropertyPhoto, Status
from standortlotse.properties.presenters import compare_rows, fact_rows, json_ld

PAGE_SIZE = 20


def _search_form(request):
    """The search form and its criteria: errors are shown, the valid filters still apply."""
    form = SearchForm(request.GET or None)
    if not form.is_bound:
        return form, selectors.SearchCriteria()
    form.is_valid()
    return form, form.criteria()


def search(request):
    form, criteria = _search_form(request)
    map_query = form.api_query() if form.is_bound else ""
    results = selectors.search(criteria).prefetch_related("photos")
    page = selectors.CappedPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "properties/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "map_query": map_query,
            "compare_ids": _compare_ids(request),
            "max_compare": selectors.MAX_COMPARE,
        },
    )


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
    "geojson": ("application/geo+json", exports.to_geojson),
    "gpkg": ("application/geopackage+sqlite3", exports.to_gpkg),
}
EXPORT_LIMIT = 20_000


def export(request, fmt):
    """The current search result in the columns of the import template."""
    if fmt not in EXPORTS:
        raise Http404
    _form, criteria = _search_form(request)
    content_type, render_export = EXPORTS[fmt]
    ids = list(selectors.search(criteria).values_list("pk", flat=True)[:EXPORT_LIMIT])
    response = HttpResponse(render_export(Property.objects.filter(pk__in=ids).order_by("pk")), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="immobilien.{fmt}"'
    return response


def _compare_ids(request) -> list[int]:
    ids = []
    for raw in request.GET.getlist("ids"):
        for part in raw.split(","):
            if part.strip().isdigit():
                ids.append(int(part))
    return ids


def detail(request, pk):
    prop = selectors.visible_property(twofactor.acting_user(request), pk)
    return render(
        request,
        "properties/detail.html",
        {
            "prop": prop,
            "facts": fact_rows(prop),
            "description": prop.description(get_language() or "de"),
            "json_ld": json_ld(prop, request),
            "map_data": _map_data(prop),
            "absolute_url": request.build_absolute_uri(prop.get_absolute_url()),
            "og_image": request.build_absolute_uri(reverse("properties:og_image", args=[prop.pk])),
        },
    )


def _map_data(prop):
    return {"lat": prop.lat, "lon": prop.lon, "outline": prop.outline, "title": prop.title}


def compare(request):
    ids = _compare_ids(request)
    props = selectors.compare(ids)
    too_many = len(set(ids)) > selectors.MAX_COMPARE
    rows = compare_rows(props)
    return render(
        request,
        "properties/compare.html",
        {"props": props, "rows": rows, "too_many": too_many, "max_compare": selectors.MAX_COMPARE},
    )


# --- Back office (Datenpflege) -------------------------------------------------------------


def _editable(request, pk) -> Property:
    # Records outside the editor's scope do not exist for them: 404, nothing revealed.
    return get_object_or_404(
        policy.editable_records(request.user, Property.objects.all()), pk=pk
    )


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
    for prop in page:
        prop.completeness = services.completeness(prop, prop.photo_count)
    return render(
        request,
        "properties/editor_list.html",
        {"page": page, "status": status, "q": text, "statuses": Status.choices,
         "is_moderator": policy.is_moderator(request.user)},
    )


@editor_required
def editor_create(request):
    form = PropertyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        prop = form.save(commit=False)
        if not policy.can_edit(request.user, prop):
            raise PermissionDenied
        prop._change_reason = "created"
        prop.save()
        messages.success(request, _("The record was saved as a draft. Add photos and publish it."))
        return redirect("properties:editor_edit", pk=prop.pk)
    return render(request, "properties/editor_form.html", _form_context(form, None))


@editor_required
def editor_edit(request, pk):
    prop = _editable(request, pk)
    form = PropertyForm(request.POST or None, instance=prop, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            prop = form.save(commit=False)
            prop._change_reason = "edited"
            prop.save()
            messages.success(request, _("Your changes were saved."))
            return redirect("properties:editor_edit", pk=prop.pk)
        messages.error(request, _("Please correct the marked fields. Nothing was saved yet."))
    return render(request, "properties/editor_form.html", _form_context(form, prop))


def _form_context(form, prop, photo_form=None, document_form=None):
    return {
        "form": form,
        "prop": prop,
        "completeness": services.completeness(prop) if prop else None,
        "photo_form": photo_form or PhotoForm(),
        "document_form": document_form or DocumentForm(),
        "municipality_centres": {
            str(m.pk): [m.lat, m.lon] for m in form.fields["municipality"].queryset
        },
    }


@editor_required
@require_POST
def editor_action(request, pk, action):
    prop = _editable(request, pk)
    try:
        if action == "confirm":
            services.confirm_current(request.user, prop)
            messages.success(request, _("Confirmed as current today."))
        else:
            services.change_status(request.user, prop, action)
            messages.success(
                request, _("Status is now: %(status)s.") % {"status": prop.get_status_display()}
            )
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
    from standortlotse.properties import freshness

    rows = freshness.dashboard(request.user)
    totals = {key: sum(getattr(r, key) for r in rows) for key in ("published", "current", "due", "not_confirmed")}
    return render(request, "properties/freshness.html", {
        "rows": rows, "totals": totals,
        "flagged": freshness.flagged(request.user)[:200],
        "reminder_months": round(settings.PROPERTY_REMINDER_DAYS / 30.4),
        "flag_months": round((settings.PROPERTY_REMINDER_DAYS + settings.PROPERTY_FLAG_DAYS) / 30.4),
    })


@editor_required
@require_POST
def editor_photo_add(request, pk):
    prop = _editable(request, pk)
    photo_form = PhotoForm(request.POST, request.FILES)
    if photo_form.is_valid():
        services.add_photo(
            request.user, prop, photo_form.cleaned_data["image"],
            photo_form.cleaned_data["alt_text"], photo_form.cleaned_data["credit"],
        )
        if request.htmx:
            photo_form = PhotoForm()
        else:
            messages.success(request, _("The photo was added."))
            return redirect(reverse("properties:editor_edit", args=[pk]) + "#photos")
    if request.htmx:
        return render(
            request, "properties/_photos.html", {"prop": prop, "photo_form": photo_form}
        )
    form = PropertyForm(instance=prop, user=request.user)
    messages.error(request, _("The photo could not be added."))
    return render(
        request, "properties/editor_form.html", _form_context(form, prop, photo_form=photo_form),
        status=422,
    )


@editor_required
@require_POST
def editor_photo_delete(request, pk, photo_pk):
    prop = _editable(request, pk)
    photo = get_object_or_404(PropertyPhoto, pk=photo_pk, property=prop)
    services.remove_photo(request.user, photo)
    if request.htmx:
        return render(request, "properties/_photos.html", {"prop": prop, "photo_form": PhotoForm()})
    messages.success(request, _("The photo was removed."))
    return redirect(reverse("properties:editor_edit", args=[pk]) + "#photos")


@editor_required
@require_POST
def editor_document_add(request, pk):
    prop = _editable(request, pk)
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
        request, "properties/editor_form.html",
        _form_context(form, prop, document_form=document_form), status=422,
    )


@editor_required
@require_POST
def editor_document_delete(request, pk, document_pk):
    prop = _editable(request, pk)
    document = get_object_or_404(PropertyDocument, pk=document_pk, property=prop)
    document.file.delete(save=False)
    document.delete()
    messages.success(request, _("The document was removed."))
    return redirect(reverse("properties:editor_edit", args=[pk]) + "#documents")


@editor_required
def editor_history(request, pk):
    prop = _editable(request, pk)
    return render(
        request, "properties/editor_history.html",
        {"prop": prop, "entries": services.changes_of(prop)},
    )



def statistics_page(request):
    from standortlotse.properties import statistics

    snap = statistics.latest()
    data = snap.data
    return render(request, "properties/statistics.html", {
        "snapshot": snap, "totals": data["totals"],
        "totals_ha": round(data["totals"]["area_m2"] / 10_000, 1),
        "charts": [
            ("district", _("Available area by district"), statistics.bars(data["district"])),
            ("zoning", _("Available area by zoning"), statistics.bars(data["zoning"])),
            ("availability", _("Available area by availability"), statistics.bars(data["availability"])),
        ],
        "regions": statistics.bars(data["region"]),
        "municipalities": statistics.bars(data["municipality"]),
    })


def statistics_csv(request):
    from standortlotse.exchange.readers import csv_text
    from standortlotse.properties import statistics

    snap = statistics.latest()
    body = csv_text(["dimension", "key", "label", "count", "area_available_m2"], statistics.csv_rows(snap.data))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="standortlotse-statistik.csv"'
    return response


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def expose(request, pk):
    """One-click PDF exposé in the page's language (German, or English under /en/)."""
    from standortlotse.properties import expose as pdf

    prop = selectors.visible_property(twofactor.acting_user(request), pk)
    return _pdf_response(pdf.property_pdf(prop, get_language() or "de"), f"expose-{prop.pk}.pdf")


def compare_pdf(request):
    from standortlotse.properties import expose as pdf

    props = selectors.compare(_compare_ids(request))
    if not props:
        raise Http404
    return _pdf_response(pdf.comparison_pdf(props, get_language() or "de"), "vergleich.pdf")


# --- Owner consent (private plots) ----------------------------------------------------------------


@editor_required
def consent_list(request):
    from standortlotse.properties import consent
    from standortlotse.properties.models import OwnerConsent

    records = list(consent.private_records(request.user))
    state = request.GET.get("state", "")
    rows = [(prop, consent.consent_of(prop)) for prop in records]
    if state in OwnerConsent.State.values:
        rows = [(p, c) for p, c in rows if c.state == state]
    if request.method == "POST":
        ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
        chosen = [p for p in records if p.pk in ids]
        channel = request.POST.get("channel")
        if not chosen or channel not in ("email", "letter"):
            messages.error(request, _("Choose at least one plot and how to ask."))
            return redirect("properties:consent_list")
        requested = consent.request(request.user, chosen, channel)
        if channel == "letter":
            if not any(url for _c, url in requested):
                messages.error(request, _("No letter to write: the chosen owners have already agreed."))
                return redirect("properties:consent_list")
            return _pdf_response(consent.letters_pdf(requested), "zustimmung-briefe.pdf")
        sent = sum(1 for _c, url in requested if url)
        missing = [c.property.title for c, url in requested if not url]
        messages.success(request, _("%(n)d owners were asked by email.") % {"n": sent})
        if missing:
            messages.warning(request, _("No email address for: %(titles)s. Send them a letter.") % {"titles": ", ".join(missing)})
        return redirect("properties:consent_list")
    return render(request, "properties/consent_list.html", {
        "rows": rows, "state": state, "states": OwnerConsent.State.choices,
    })


@editor_required
def consent_edit(request, pk):
    from standortlotse.properties import consent
    from standortlotse.properties.forms import ConsentRecordForm, OwnerForm

    prop = _editable(request, pk)
    current = consent.consent_of(prop)
    owner_form = OwnerForm(initial={"owner_name": current.owner_name, "owner_email": current.owner_email, "owner_address": current.owner_address})
    record_form = ConsentRecordForm(initial={"responded_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "owner":
            owner_form = OwnerForm(request.POST)
            if owner_form.is_valid():
                data = owner_form.cleaned_data
                consent.save_owner(request.user, prop, data["owner_name"], data["owner_email"], data["owner_address"])
                messages.success(request, _("The owner's details were saved."))
                return redirect("properties:consent_edit", pk=pk)
        else:
            record_form = ConsentRecordForm(request.POST)
            if record_form.is_valid():
                data = record_form.cleaned_data
                was_public = prop.is_public
                consent.record(request.user, prop, data["state"], data["responded_on"], data["how"], data["note"])
                messages.success(request, _("The owner's answer was recorded."))
                if was_public and not prop.is_public:
                    messages.warning(request, _(
                        "The owner refuses publication: the record was taken offline and is a draft again. "
                        "Its editors were informed by email."
                    ))
                return redirect("properties:consent_edit", pk=pk)
        status = 400
    return render(request, "properties/consent_edit.html", {
        "prop": prop, "consent": current, "owner_form": owner_form, "record_form": record_form,
    }, status=status)


def consent_response(request, token):
    """The owner's answer through the private link (no account needed)."""
    from standortlotse.properties import consent

    found = consent.by_token(token)
    if found is None:
        # Unknown and expired links look alike; the page offers a fresh link.
        return render(request, "properties/consent_response.html", {"invalid": True, "form": FreshLinkForm()},
                      status=404)
    if request.method == "POST" and found.state == consent.State.REQUESTED:
        answer = request.POST.get("answer")
        if answer in ("yes", "no"):
            done = consent.respond(token, answer == "yes")
            return render(request, "properties/consent_response.html", {"done": done, "prop": done.property})
    return render(request, "properties/consent_response.html", {"consent": found, "prop": found.property})


def consent_link_request(request):
    """"Send me a fresh link" for consent requests: the same answer whether or not the address is known."""
    from standortlotse.properties import consent

    form, status, sent = fresh_link_request(request, "consent-link", consent.send_fresh_links)
    return render(request, "properties/consent_link_request.html", {"form": form, "sent": sent}, status=status)


# --- Widget for municipality websites ------------------------------------------------------------

WIDGET_LIMIT = 50


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # other sites may frame the widget
def widget(request):
    """Properties of a municipality, district or region for an iframe on another website."""
    form, criteria = _search_form(request)
    props = selectors.search(criteria)[:WIDGET_LIMIT]
    return render(request, "properties/widget.html", {"props": props, "query": form.api_query() if form.is_bound else ""})


def embed_builder(request):
    form, _criteria = _search_form(request)
    query = form.api_query() if form.is_bound else ""
    snippet, src = embed.snippet(request, "properties:widget", query, _("Commercial properties"))
    return render(request, "properties/embed.html", {"form": form, "snippet": snippet, "src": src})


def og_image(request, pk):
    """The social card of a property (Open Graph image), drawn here and cached."""
    prop = selectors.visible_property(twofactor.acting_user(request), pk)
    return card_response(prop, prop.title, f"{prop.get_kind_display()} · {prop.municipality.name}")
