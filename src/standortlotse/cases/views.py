"""Investor pages (search profile, ranked results) and the investor-service back office."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.accounts.decorators import editor_required
from standortlotse.accounts.models import Organisation
from standortlotse.cases import matching, services
from standortlotse.cases.forms import (
    ActivityForm,
    BoardFilterForm,
    CaseForm,
    ProfileForm,
    ShareForm,
    StageForm,
    TaskForm,
)
from standortlotse.cases.models import Case, CaseTask, SearchProfile
from standortlotse.core.forms import within_rate_limit
from standortlotse.properties.selectors import published_properties


def profile(request):
    form = ProfileForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if within_rate_limit(request, form, "profile", settings.INQUIRIES_PER_HOUR):
                saved = form.save()
                services.case_from_profile(saved, form.cleaned_data)
                return redirect("cases:profile_results", uid=saved.uid)
            status = 429
    return render(request, "cases/profile.html", {"form": form}, status=status)


def profile_results(request, uid):
    saved = get_object_or_404(SearchProfile, uid=uid)
    return render(
        request, "cases/results.html", {"profile": saved, "matches": matching.match(saved)}
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
            "activities": case.activities.select_related("actor", "organisation")[:100],
            "offered": case.offered_properties.all(),
            **forms,
        },
    )


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
