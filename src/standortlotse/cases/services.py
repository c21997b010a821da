"""Investor service: profiles become cases; cases move through the pipeline; alerts go out."""

import csv
import io

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from standortlotse.accounts import policy
from standortlotse.accounts.models import Organisation
from standortlotse.accounts.recipients import organisation_addresses, queue_staff_email
from standortlotse.cases import matching
from standortlotse.cases.models import (
    Activity,
    AlertSent,
    Case,
    CaseShare,
    CaseTask,
    SearchProfile,
    Source,
    Stage,
)
from standortlotse.core.mail import queue_email
from standortlotse.core.spreadsheet import safe_cell
from standortlotse.guides.models import Topic
from standortlotse.inquiries import routing
from standortlotse.properties.models import Property


def _log(case, user, text):
    org = None
    if user is not None:
        membership = (
            user.memberships.select_related("organisation").first()
            if user.is_authenticated
            else None
        )
        org = membership.organisation if membership else None
    Activity.objects.create(case=case, actor=user, organisation=org, text=text)


def _tell_staff(organisation, template, context) -> None:
    """A mail to the organisation and its members, each in the language they read mail in."""
    queue_staff_email(organisation_addresses(organisation), template, context)


def results_url(profile: SearchProfile) -> str:
    with translation.override(profile.language or settings.LANGUAGE_CODE):
        return settings.SITE_URL.rstrip("/") + profile.get_absolute_url()


@transaction.atomic
def case_from_profile(profile: SearchProfile, data: dict) -> Case:
    """The investor's profile becomes a case of the responsible agency (once: a second request
    of the same profile updates the contact of its case)."""
    case = Case.objects.filter(profile=profile).order_by("pk").first()
    contact = {
        "company": data["company"],
        "contact_name": data.get("name", ""),
        "contact_email": data.get("email", ""),
    }
    if case is not None:
        for name, value in contact.items():
            setattr(case, name, value)
        if data.get("confidential"):
            case.confidential = True
        case.save()
        return case
    region = None
    district = profile.districts.order_by("pk").first()
    if district is not None:
        region = district.region
    owner, _region = routing.route(topic=Topic.INVESTMENT, region=region)
    case = Case.objects.create(
        **contact,
        profile=profile,
        source=Source.PROFILE,
        confidential=data.get("confidential", False),
        owner=owner,
    )
    _log(case, None, _("Case created from a search profile on the website."))
    _tell_staff(owner, "cases/email/new_case", {"case": case})
    return case


@transaction.atomic
def send_results_link(profile: SearchProfile, data: dict) -> Case:
    """Step 3 of the profile: the investor asks for the results link by email; their contact
    becomes the case of the investor service (as the profile did before it asked no data)."""
    if data["email"] != profile.email:
        profile.alerts_confirmed_at = None  # a new address confirms for itself
    profile.email = data["email"]
    profile.alerts = bool(data.get("alerts"))
    profile.save(update_fields=["email", "alerts", "alerts_confirmed_at"])
    case = case_from_profile(profile, data)
    with translation.override(profile.language or settings.LANGUAGE_CODE):
        queue_email(
            profile.email,
            "cases/email/results_link",
            {
                "name": data.get("name", ""),
                "profile": profile,
                "results_url": results_url(profile),
                "valid_until": profile.results_valid_until(),
                "unsubscribe_url": settings.SITE_URL.rstrip("/")
                + reverse("cases:unsubscribe", args=[profile.unsubscribe_token]),
                "confirm_url": (
                    settings.SITE_URL.rstrip("/")
                    + reverse("cases:alerts_confirm", args=[alerts_token(profile)])
                    if profile.alerts and profile.alerts_confirmed_at is None
                    else ""
                ),
                "confirm_days": ALERTS_CONFIRM_DAYS,
            },
        )
    return case


# --- double opt-in of a profile's alerts ---------------------------------------------------------

ALERTS_CONFIRM_DAYS = 7
_ALERTS_SALT = "standortlotse.cases.alerts"


def alerts_token(profile: SearchProfile) -> str:
    """The confirmation link's token: signed, naming the profile and the address it was sent to
    (a changed address makes it invalid), valid for ALERTS_CONFIRM_DAYS."""
    return signing.dumps({"p": profile.pk, "e": profile.email}, salt=_ALERTS_SALT, compress=True)


def profile_for_alerts_token(token: str) -> tuple[SearchProfile | None, str]:
    """(profile, state) for a confirmation link: state "ask", "done", "expired" or "unknown"."""
    try:
        value = signing.loads(token, salt=_ALERTS_SALT, max_age=ALERTS_CONFIRM_DAYS * 86400)
    except signing.SignatureExpired:
        return None, "expired"
    except signing.BadSignature:
        return None, "unknown"
    profile = SearchProfile.objects.filter(pk=value.get("p"), email=value.get("e")).first()
    if profile is None or not profile.alerts:
        return None, "unknown"
    return profile, "done" if profile.alerts_confirmed_at else "ask"


def confirm_alerts(profile: SearchProfile) -> None:
    if profile.alerts_confirmed_at is None:
        profile.alerts_confirmed_at = timezone.now()
        profile.save(update_fields=["alerts_confirmed_at"])


@transaction.atomic
def inquire(profile: SearchProfile, properties, data: dict, language: str) -> list:
    """One inquiry of the investor about several properties of their results: an inquiry per
    property for the office responsible for it (routed, in its inbox, staff told in their own
    language), the case of the investor service noting them, one confirmation to the investor
    in the investor's language naming each property and its reference number."""
    from standortlotse.inquiries import services as inquiries
    from standortlotse.inquiries.forms import InquiryForm

    properties = list(properties)
    case = case_from_profile(profile, data)
    titles = ", ".join(p.title for p in properties)
    with translation.override(settings.LANGUAGE_CODE):
        note = _(
            "One inquiry from the search profile results about %(count)d properties: %(titles)s."
        ) % {
            "count": len(properties),
            "titles": titles,
        }
    form = InquiryForm(
        {
            "name": data["name"],
            "organisation_name": data["company"],
            "email": data["email"],
            "phone": "",
            "topic": Topic.PROPERTY,
            "message": data["message"],
            "consent": "on",
        }
    )
    if not form.is_valid():  # the fields were checked by ResultsInquiryForm already
        raise ValidationError(form.errors.as_text())
    # The same path as the comparison's inquiry: one per property, one confirmation with the
    # reference numbers (inquiries.services.receive_many).
    made = inquiries.receive_many(form, properties, language=language, note=note)
    _log(case, None, note)
    return made


def _require_owner(user, case):
    if not policy.owns_case(user, case):
        raise PermissionDenied


def _require_visible(user, case):
    if not policy.visible_cases(user, Case.objects.filter(pk=case.pk)).exists():
        raise PermissionDenied


@transaction.atomic
def change_stage(user, case: Case, stage: str, lost_reason: str = "") -> None:
    _require_owner(user, case)
    if stage not in Stage.values:
        raise ValidationError(_("Unknown stage."))
    if stage == Stage.LOST and not lost_reason.strip():
        raise ValidationError(_("Please give the reason why the case was lost."))
    previous = case.get_stage_display()
    case.stage = stage
    case.lost_reason = lost_reason if stage == Stage.LOST else ""
    case.stage_changed_at = timezone.now()
    case.save()
    _log(
        case,
        user,
        _("Stage: %(old)s → %(new)s.") % {"old": previous, "new": case.get_stage_display()}
        + (f" {lost_reason}" if stage == Stage.LOST else ""),
    )


@transaction.atomic
def offer_property(user, case: Case, prop) -> None:
    _require_owner(user, case)
    case.offered_properties.add(prop)
    _log(case, user, _("Property offered: %(title)s.") % {"title": prop.title})


@transaction.atomic
def share(user, case: Case, organisation: Organisation, disclose: bool = False) -> CaseShare:
    _require_owner(user, case)
    if organisation.pk == case.owner_id:
        raise ValidationError(_("The case already belongs to this organisation."))
    item, _created = CaseShare.objects.update_or_create(
        case=case, organisation=organisation, defaults={"company_disclosed": disclose}
    )
    _log(
        case,
        user,
        _("Shared with %(org)s%(disclosed)s.")
        % {"org": organisation.name, "disclosed": _(" (company disclosed)") if disclose else ""},
    )
    return item


@transaction.atomic
def unshare(user, case: Case, organisation: Organisation) -> None:
    _require_owner(user, case)
    CaseShare.objects.filter(case=case, organisation=organisation).delete()
    _log(case, user, _("No longer shared with %(org)s.") % {"org": organisation.name})


@transaction.atomic
def add_task(user, case, title, due_on=None) -> CaseTask:
    _require_visible(user, case)
    item = CaseTask.objects.create(case=case, title=title, due_on=due_on)
    _log(case, user, _("Task added: %(title)s.") % {"title": title})
    return item


@transaction.atomic
def complete_task(user, item: CaseTask) -> None:
    _require_visible(user, item.case)
    item.done = True
    item.save(update_fields=["done"])
    _log(item.case, user, _("Task done: %(title)s.") % {"title": item.title})


@transaction.atomic
def add_activity(user, case, text) -> None:
    _require_visible(user, case)
    _log(case, user, text)


def company_label(user, case) -> str:
    return (
        case.company
        if policy.may_see_company(user, case)
        else _("confidential (%(id)s)") % {"id": f"#{case.pk}"}
    )


def board(user, *, stage=None, source=None, since=None, until=None):
    cases = policy.visible_cases(user, Case.objects.select_related("owner"))
    if source:
        cases = cases.filter(source=source)
    if since:
        cases = cases.filter(created_at__date__gte=since)
    if until:
        cases = cases.filter(created_at__date__lte=until)
    counts = {
        row["stage"]: row["n"]
        for row in cases.values("stage").annotate(n=Count("pk", distinct=True))
    }
    if stage:
        cases = cases.filter(stage=stage)
    columns = []
    for value, label in Stage.choices:
        items = [c for c in cases if c.stage == value]
        for c in items:
            c.company_label = company_label(user, c)
        columns.append(
            {"stage": value, "label": label, "count": counts.get(value, 0), "cases": items}
        )
    return columns


EXPORT_COLUMNS = [
    "id",
    "company",
    "sector",
    "stage",
    "source",
    "owner",
    "jobs_planned",
    "investment_eur",
    "created_at",
    "stage_changed_at",
    "lost_reason",
    "offered_properties",
]


def export_rows(user, cases):
    for case in cases.prefetch_related("offered_properties"):
        yield [
            case.pk,
            company_label(user, case),
            case.sector,
            case.get_stage_display(),
            case.get_source_display(),
            case.owner.name,
            case.jobs_planned,
            case.investment_eur,
            timezone.localtime(case.created_at).strftime("%Y-%m-%d"),
            timezone.localtime(case.stage_changed_at).strftime("%Y-%m-%d"),
            case.lost_reason,
            "; ".join(p.title for p in case.offered_properties.all()),
        ]


def export_csv(user, cases) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(user, cases):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def export_xlsx(user, cases) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ansiedlungsprojekte"
    sheet.append(EXPORT_COLUMNS)
    for row in export_rows(user, cases):
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- alerts ----------------------------------------------------------------------------------


@task()
def alert_profiles_task(property_id: int) -> int:
    prop = Property.objects.filter(pk=property_id).select_related("municipality").first()
    if prop is None:
        return 0
    sent = 0
    confirmed = SearchProfile.objects.filter(alerts=True, alerts_confirmed_at__isnull=False)
    for profile in confirmed.exclude(email=""):
        if AlertSent.objects.filter(profile=profile, property=prop).exists():
            continue
        if matching.matches_property(profile, prop):
            AlertSent.objects.create(profile=profile, property=prop)
            with translation.override(profile.language or settings.LANGUAGE_CODE):
                _alert(profile, prop)
            sent += 1
    return sent


def _alert(profile, prop) -> None:
    queue_email(
        profile.email,
        "cases/email/alert",
        {
            "property": prop,
            "url": settings.SITE_URL.rstrip("/") + prop.get_absolute_url(),
            "results_url": settings.SITE_URL.rstrip("/") + profile.get_absolute_url(),
            "unsubscribe_url": settings.SITE_URL.rstrip("/")
            + reverse("cases:unsubscribe", args=[profile.unsubscribe_token]),
        },
    )


def unsubscribe(token: str) -> bool:
    return SearchProfile.objects.filter(unsubscribe_token=token).update(alerts=False) > 0
