"""How back-office people are named on pages (histories, inquiry threads): "A. Beispiel (Stadt
Stendal)", from the account's name and today's memberships; the login name stands in for a
missing name. Not for mail headers or logs."""

from standortlotse.accounts.models import Membership


def display_name(user) -> str:
    """ "A. Beispiel" (initial and surname), else the one name given, else the login name."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last:
        return f"{first[0]}. {last}"
    return (first or last) or user.get_username()


def organisation_names(user_ids) -> dict[int, str]:
    """Per user: the names of their organisations, sorted and joined ("Stadt Stendal, …"); users
    without a membership are left out."""
    names: dict[int, list[str]] = {}
    memberships = Membership.objects.filter(user_id__in=list(user_ids)).select_related(
        "organisation"
    )
    for membership in memberships.order_by("organisation__name", "pk"):
        found = names.setdefault(membership.user_id, [])
        if membership.organisation.name not in found:
            found.append(membership.organisation.name)
    return {user_id: ", ".join(found) for user_id, found in names.items()}


def with_organisation(user, organisations: dict[int, str] | None = None) -> str:
    """ "A. Beispiel (Stadt Stendal)"; ``organisations`` from ``organisation_names`` saves the
    query when naming many."""
    if organisations is None:
        organisations = organisation_names([user.pk])
    name, organisation = display_name(user), organisations.get(user.pk)
    return f"{name} ({organisation})" if organisation else name
