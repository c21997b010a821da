"""The one place that decides who may see and change what.

Records that belong to a municipality (properties) are editable by: state administrators and
superusers (everything), regional moderators (all municipalities of their organisation's region)
and municipal editors (their organisation's municipality only). Records that belong to a region
(creative places, guides, contacts, events) are moderated by the regional moderators of that
region and by state administrators; they alone may publish a property of their region that lacks
what the region requires for publishing, giving a reason. Inquiries reach the members of the
receiving organisation, investor cases their owning organisation and those it shares them with.
Views, API endpoints, imports, exports and the privacy export ask these functions and nothing
else.
"""

from django.db.models import Q, QuerySet

from standortlotse.accounts.models import Membership
from standortlotse.geo.models import Municipality, Region

Role = Membership.Role


def _memberships(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = getattr(user, "_standortlotse_memberships", None)
    if cache is None:
        cache = list(user.memberships.select_related("organisation"))
        user._standortlotse_memberships = cache
    return cache


def is_state_admin(user) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(m.role == Role.STATE_ADMIN for m in _memberships(user))


def is_editor(user) -> bool:
    """True for anyone who may use the back office (Datenpflege)."""
    return is_state_admin(user) or bool(_memberships(user))


def municipality_scope(user) -> Q | None:
    """A filter on Municipality for what the user may edit; None means everything."""
    if is_state_admin(user):
        return None
    condition = Q(pk__in=[])
    for membership in _memberships(user):
        org = membership.organisation
        if membership.role == Role.MUNICIPAL_EDITOR and org.municipality_id:
            condition |= Q(pk=org.municipality_id)
        elif membership.role == Role.REGIONAL_MODERATOR and org.region_id:
            condition |= Q(district__regions=org.region_id)
    return condition


def editable_municipalities(user) -> QuerySet:
    scope = municipality_scope(user)
    municipalities = Municipality.objects.select_related("district")
    if scope is None:
        return municipalities.all()
    return municipalities.filter(scope).distinct()


def editable_records(user, queryset: QuerySet) -> QuerySet:
    """Restrict a queryset of municipality-bound records to those the user may edit."""
    scope = municipality_scope(user)
    if scope is None:
        return queryset
    if not is_editor(user):
        return queryset.none()
    return queryset.filter(municipality__in=editable_municipalities(user).values("pk"))


def can_edit_in(user, municipality) -> bool:
    if municipality is None:
        return False
    if is_state_admin(user):
        return True
    return editable_municipalities(user).filter(pk=municipality.pk).exists()


def can_edit(user, record) -> bool:
    return can_edit_in(user, getattr(record, "municipality", None))


def moderated_regions(user) -> QuerySet:
    """Regions whose places the user reviews: regional moderators their region, admins all."""
    if is_state_admin(user):
        return Region.objects.all()
    ids = [
        m.organisation.region_id
        for m in _memberships(user)
        if m.role == Role.REGIONAL_MODERATOR and m.organisation.region_id
    ]
    return Region.objects.filter(pk__in=ids)


def is_moderator(user) -> bool:
    return is_state_admin(user) or moderated_regions(user).exists()


def can_moderate(user, record) -> bool:
    region_id = getattr(record, "region_id", None)
    if region_id is None:
        return False
    return is_state_admin(user) or moderated_regions(user).filter(pk=region_id).exists()


def moderated_records(user, queryset: QuerySet) -> QuerySet:
    if is_state_admin(user):
        return queryset
    return queryset.filter(region__in=moderated_regions(user))


def back_office_areas(user) -> frozenset[str]:
    """The parts of the back office the user can work in, for the menus (each view's guard still
    decides): every member the records, inquiries, investor cases and reach of their scope; the
    moderators of a region (and state administrators) also the places to review and the guides,
    contacts and events; somebody without a role none."""
    if not is_editor(user):
        return frozenset()
    areas = {"properties", "inquiries", "cases", "reach"}
    if is_moderator(user):
        areas |= {"places", "guides"}
    if sees_all_regions(user):
        areas.add("regions")
    return frozenset(areas)


def sees_all_regions(user) -> bool:
    """The state and cross-state overview of all regions (/datenpflege/regionen/): the state
    agency's and the platform's staff (state administrators), not a region's moderators or a
    municipality's editors."""
    return is_state_admin(user)


def can_override_gate(user, record) -> bool:
    """Publishing a property below its region's publication gate (with a reason): the regional
    moderators of the record's region and state administrators; never a municipal editor."""
    municipality = getattr(record, "municipality", None)
    if municipality is None:
        return False
    if is_state_admin(user):
        return True
    return moderated_regions(user).filter(districts=municipality.district_id).exists()


def organisation_ids(user) -> list[int]:
    return sorted({m.organisation_id for m in _memberships(user)})


def visible_inquiries(user, queryset: QuerySet) -> QuerySet:
    """Inquiries reach the members of the receiving organisation; state admins see all."""
    if is_state_admin(user):
        return queryset
    return queryset.filter(recipient_id__in=organisation_ids(user))


def visible_cases(user, queryset: QuerySet) -> QuerySet:
    """Investor cases: the owning organisation and organisations it was shared with."""
    if is_state_admin(user):
        return queryset
    orgs = organisation_ids(user)
    return queryset.filter(Q(owner_id__in=orgs) | Q(shares__organisation_id__in=orgs)).distinct()


def owned_cases(user, queryset: QuerySet) -> QuerySet:
    """Investor cases of the user's own organisations (not those shared with them)."""
    if is_state_admin(user):
        return queryset
    return queryset.filter(owner_id__in=organisation_ids(user))


def owns_case(user, case) -> bool:
    return is_state_admin(user) or case.owner_id in organisation_ids(user)


def may_see_company(user, case) -> bool:
    """Confidential cases show the company only to the owner and to sharers it was disclosed to."""
    if not case.confidential or owns_case(user, case):
        return True
    return case.shares.filter(
        organisation_id__in=organisation_ids(user), company_disclosed=True
    ).exists()
