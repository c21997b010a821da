"""Investor pages (search profile, ranked results) and the investor-service back office."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import editor_required
from standortlotse.accounts.models import Organisation
from standortlotse.cases import matching, offers, services
from standortlotse.cases.forms import (
    ActivityForm,
    BoardFilterForm,
    CaseForm,
    ProfileForm,
    ResultsInquiryForm,
    ResultsLinkForm,
    ShareForm,
    StageForm,
    TaskForm,
)
from standortlotse.cases.models import RESULTS_VALID_DAYS, Case, CaseTask, SearchProfile
from standortlotse.core.forms import within_rate_limit
from standortlotse.properties.models import Kind
from standortlotse.properties.selectors import MAX_COMPARE, published_properties


def profile(request):
    """Step 1: the requirement profile, no personal data; its results follow at once."""
    form = ProfileForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if within_rate_limit(request, form, "profile", settings.INQUIRIES_PER_HOUR):
                saved = form.save(commit=False)
                saved.language = get_language() or settings.LANGUAGE_CODE
                saved.save()
                form.save_m2m()
                return redirect("cases:profile_results", token=saved.uid)
            status = 429
    return render(request, "cases/profile.html", {"form": form}, status=status)


def _profile_for(request, token):
    """The profile behind a results link, or the page that says why there is none: unknown or
    mistyped (404), expired (410)."""
    try:
        uid = uuid.UUID(token)
    except ValueError:
        uid = None
    saved = SearchProfile.objects.filter(uid=uid).first() if uid else None
    if saved is None:
        return None, render(request, "cases/results_gone.html", {"expired": False}, status=404)
    if saved.results_expired():
        return None, render(
            request,
            "cases/results_gone.html",
            {"expired": True, "days": RESULTS_VALID_DAYS},
            status=410,
        )
    return saved, None


def _shown(saved):
    matches = matching.match(saved)
    near = matching.almost(saved)
    ids = [m.property.pk for m in matches + near]
    return matches, near, published_properties().filter(pk__in=ids)


def _results_page(request, saved, *, inquiry_form=None, link_form=None, status=200):
    matches, near, shown = _shown(saved)
    return render(
        request,
        "cases/results.html",
        {
            "profile": saved,
            "token": str(saved.uid),
            "matches": matches,
            "almost": near,
            "inquiry_form": inquiry_form or ResultsInquiryForm(shown=shown),
            "link_form": link_form or ResultsLinkForm(),
            "sent": request.GET.get("sent", ""),
            "selected": request.POST.getlist("properties") if request.method == "POST" else [],
            "valid_until": saved.results_valid_until(),
            "max_compare": MAX_COMPARE,
            "kind_choices": Kind.choices,
        },
        status=status,
    )


def profile_results(request, token):
    """Step 2: the ranked results, the near misses, compare, one inquiry for several."""
    saved, gone = _profile_for(request, token)
    return gone or _results_page(request, saved)


def _after(saved, sent):
    return redirect(reverse("cases:profile_results", args=[saved.uid]) + f"?sent={sent}#sent")


@require_POST
def results_inquiry(request, token):
    saved, gone = _profile_for(request, token)
    if gone:
        return gone
    if request.POST.get("action") == "compare":
        # The selection goes to the comparison (its own page); no personal data goes along.
        ids = [v for v in request.POST.getlist("properties") if v.isdigit()][:MAX_COMPARE]
        return redirect(reverse("properties:compare") + "?" + urlencode([("ids", v) for v in ids]))
    _matches, _near, shown = _shown(saved)
    form = ResultsInquiryForm(request.POST, shown=shown)
    if form.is_valid():
        if within_rate_limit(request, form, "inquiry", settings.INQUIRIES_PER_HOUR):
            services.inquire(
                saved,
                form.cleaned_data["properties"],
                form.cleaned_data,
                get_language() or settings.LANGUAGE_CODE,
            )
            return _after(saved, "inquiry")
        return _results_page(request, saved, inquiry_form=form, status=429)
    return _results_page(request, saved, inquiry_form=form, status=400)


@require_POST
def results_link(request, token):
    """Step 3, optional: the results link by email; the contact becomes a case."""
    saved, gone = _profile_for(request, token)
    if gone:
        return gone
    form = ResultsLinkForm(request.POST)
    if form.is_valid():
        if within_rate_limit(request, form, "profile", settings.INQUIRIES_PER_HOUR):
            services.send_results_link(saved, form.cleaned_data)
            return _after(saved, "link")
        return _results_page(request, saved, link_form=form, status=429)
    return _results_page(request, saved, link_form=form, status=400)


def results_geojson(request, token):
    """The shown properties for the results map (the features of /api/properties.geojson)."""
    saved, gone = _profile_for(request, token)
    if gone:
        raise Http404
    matches, near, _shown_qs = _shown(saved)
    near_ids = {m.property.pk for m in near}
    return map_features((m.property, {"almost": m.property.pk in near_ids}) for m in matches + near)


def map_features(shown) -> JsonResponse:
    """The results map's features (those of /api/properties.geojson) for ``shown``: (property,
    extra feature properties) pairs; a property without a point is left out. Not for search
    engines."""
    kinds = dict(Kind.choices)
    features = [
        {
            "type": "Feature",
            "id": prop.pk,
            "geometry": {"type": "Point", "coordinates": [prop.lon, prop.lat]},
            "properties": {
                "title": prop.title,
                "kind": prop.kind,
                "kind_label": str(kinds.get(prop.kind, prop.kind)),
                "area_available_m2": prop.area_available_m2,
                "availability": prop.availability,
                "municipality": prop.municipality.name,
                "url": prop.get_absolute_url(),
                **extra,
            },
        }
        for prop, extra in shown
        if prop.lat is not None and prop.lon is not None
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["X-Robots-Tag"] = "noindex"
    return response


def alerts_confirm(request, token):
    """The link of the results mail that starts the alerts: a button confirms (mail scanners
    only GET)."""
    profile, state = services.profile_for_alerts_token(token)
    if state == "ask" and request.method == "POST":
        services.confirm_alerts(profile)
        state = "done"
    return render(
        request,
        "cases/alerts_confirm.html",
        {"state": state, "profile": profile},
        status={"unknown": 404, "expired": 410}.get(state, 200),
    )


def unsubscribe(request, token):
    done = unknown = False
    if request.method == "POST":
        done = services.unsubscribe(token)
        unknown = not done
    return render(
        request,
        "cases/unsubscribe.html",
        {"done": done, "unknown": unknown, "token": token},
        status=404 if unknown else 200,
    )


# --- back office -------------------------------------------------------------------------------


def _visible(request):
    return policy.visible_cases(request.user, Case.objects.select_related("owner", "profile"))


@editor_required
def board(request):
    form = BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    columns = services.board(request.user, **{k: v for k, v in filters.items() if v})
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        cases = _visible(request).filter(pk__in=[c.pk for col in columns for c in col["cases"]])
        if fmt == "csv":
            response = HttpResponse(
                services.export_csv(request.user, cases), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                services.export_xlsx(request.user, cases),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="ansiedlungsprojekte.{fmt}"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request, "cases/board.html", {"form": form, "columns": columns, "query": query.urlencode()}
    )


def _owner_choices(user):
    if policy.is_state_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=policy.organisation_ids(user))


@editor_required
def create(request):
    form = CaseForm(request.POST or None, owners=_owner_choices(request.user))
    if request.method == "POST" and form.is_valid():
        case = form.save()
        services.add_activity(request.user, case, _("Case created."))
        return redirect(case)
    return render(request, "cases/form.html", {"form": form})


@editor_required
def detail(request, pk):
    case = get_object_or_404(_visible(request), pk=pk)
    owner = policy.owns_case(request.user, case)
    forms = {
        "stage_form": StageForm(initial={"stage": case.stage, "lost_reason": case.lost_reason}),
        "share_form": ShareForm(),
        "task_form": TaskForm(),
        "activity_form": ActivityForm(),
        "edit_form": CaseForm(instance=case, owners=_owner_choices(request.user))
        if owner
        else None,
    }
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if _handle(request, case, action, forms):
                return redirect(case)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    suggestions = matching.match(case.profile, limit=5) if case.profile and owner else []
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "owner": owner,
            "company": services.company_label(request.user, case),
            "suggestions": suggestions,
            "shares": case.shares.select_related("organisation"),
            "tasks": case.tasks.all(),
            "activities": _activities(request.user, case),
            "offered": case.offered_properties.all(),
            "offers": offers.visible_offers(request.user, case),
            **forms,
        },
    )


def _activities(user, case):
    """The log as the user may read it (a confidential company's name masked)."""
    items = list(case.activities.select_related("actor", "organisation")[:100])
    for item in items:
        item.text = offers.mask_company(user, case, item.text)
    return items


# Posted actions that come with a form: the form's name in the page (shown again with its errors).
FORM_ACTIONS = {
    "edit": ("edit_form", CaseForm),
    "stage": ("stage_form", StageForm),
    "share": ("share_form", ShareForm),
    "task": ("task_form", TaskForm),
    "activity": ("activity_form", ActivityForm),
}


def _handle(request, case, action, forms) -> bool:
    """Run one posted action; False re-renders with the form's errors."""
    user = request.user
    owner_only = {"edit", "stage", "share", "unshare", "offer"}
    if action in owner_only and not policy.owns_case(user, case):
        raise PermissionDenied
    if action in FORM_ACTIONS:
        name, form_class = FORM_ACTIONS[action]
        form = form_class(
            request.POST,
            **({"instance": case, "owners": _owner_choices(user)} if action == "edit" else {}),
        )
        if not form.is_valid():
            forms[name] = form
            return False
        data = form.cleaned_data
    if action == "edit":
        form.save()
        services.add_activity(user, case, _("Case details changed."))
    elif action == "stage":
        services.change_stage(user, case, data["stage"], data["lost_reason"])
    elif action == "share":
        services.share(user, case, data["organisation"], data["disclose"])
    elif action == "unshare":
        services.unshare(
            user, case, get_object_or_404(Organisation, pk=request.POST.get("organisation"))
        )
    elif action == "offer":
        services.offer_property(
            user, case, get_object_or_404(published_properties(), pk=request.POST.get("property"))
        )
    elif action == "task":
        services.add_task(user, case, data["title"], data["due_on"])
    elif action == "task_done":
        services.complete_task(
            user, get_object_or_404(CaseTask, pk=request.POST.get("task"), case=case)
        )
    elif action == "activity":
        services.add_activity(user, case, data["text"])
    else:
        raise PermissionDenied
    return True
