"""Investor cases for agency staff (session login); confidential names stay hidden from sharers."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from standortlotse.accounts import policy
from standortlotse.accounts.apiauth import staff_session
from standortlotse.cases import services
from standortlotse.cases.models import Case
from standortlotse.core.apischema import errors

router = Router(tags=["investor cases"], auth=staff_session)


class CaseOut(Schema):
    id: int
    company: str
    sector: str
    stage: str
    source: str
    owner: str
    confidential: bool
    jobs_planned: int | None
    investment_eur: int | None
    created_at: datetime


def _out(user, case) -> dict:
    return {
        "id": case.pk,
        "company": services.company_label(user, case),
        "sector": case.sector,
        "stage": case.stage,
        "source": case.source,
        "owner": case.owner.name,
        "confidential": case.confidential,
        "jobs_planned": case.jobs_planned,
        "investment_eur": case.investment_eur,
        "created_at": case.created_at,
    }


@router.get(
    "/cases",
    response={200: list[CaseOut], **errors(401)},
    summary="Cases visible to the logged-in staff member",
)
def list_cases(request, stage: str | None = None):
    cases = policy.visible_cases(request.user, Case.objects.select_related("owner"))
    if stage:
        cases = cases.filter(stage=stage)
    return [_out(request.user, c) for c in cases[:500]]


@router.get("/cases/{int:pk}", response={200: CaseOut, **errors(401, 404)}, summary="One case")
def get_case(request, pk: int):
    case = get_object_or_404(
        policy.visible_cases(request.user, Case.objects.select_related("owner")), pk=pk
    )
    return _out(request.user, case)
