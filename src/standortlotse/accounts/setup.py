"""First start of a region in production (`manage.py setup_region`, docs/deployment.md): the
region's offices (its marketing organisation, each district's economic development office,
municipal offices where editors work) and the first accounts with their roles. Idempotent: an
office is found again by its name, an account by its email; a second run adds what is missing
and changes nothing else."""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from standortlotse.accounts.models import Membership, Organisation
from standortlotse.geo.models import Municipality, Region


class SetupError(ValueError):
    """Bad input, with the option and value at fault and what is accepted."""


@dataclass
class Account:
    email: str
    organisation: str
    role: str
    created: bool
    password: str | None = None  # set only for an account created now


@dataclass
class Result:
    region: Region
    organisations: list[tuple[Organisation, bool]] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)

    def warnings(self) -> list[str]:
        return [
            f"{org.name}: no email address yet, so inquiries routed to it reach nobody "
            "(set it in /admin/ or with --district-email / --marketing-email)"
            for org, _created in self.organisations
            if not org.email
        ]


def _email(value: str, option: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise SetupError(f"{option}: {value!r} is not an email address") from None
    return value.strip().lower()


def _office(result: Result, name: str, **fields) -> Organisation:
    email = fields.pop("email", "")
    org, created = Organisation.objects.get_or_create(
        name=name, defaults={**fields, "email": email}
    )
    if not created and email and not org.email:
        org.email = email
        org.save(update_fields=["email"])
    org.full_clean()
    result.organisations.append((org, created))
    return org


def _account(result, email, organisation, role, password_for) -> None:
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    password = None
    if created:
        user = User(username=email, email=email, is_staff=role == Membership.Role.STATE_ADMIN)
        password = password_for(email) or secrets.token_urlsafe(12)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise SetupError(f"password for {email}: {' '.join(error.messages)}") from None
        user.set_password(password)
        user.save()
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    result.accounts.append(Account(email, organisation.name, role, created, password))


@transaction.atomic
def setup_region(
    slug: str,
    moderator: str,
    marketing_name: str = "",
    marketing_email: str = "",
    district_emails: dict[str, str] | None = None,
    editors: list[tuple[str, str]] | None = None,
    password_for=lambda email: None,
) -> Result:
    """The region ``slug``'s offices and first accounts. ``moderator``: email of the regional
    moderator (member of the marketing organisation); ``district_emails``: district key →
    office address; ``editors``: (email, AGS of the municipality) for municipal editors, each
    in an office of their municipality. ``password_for(email)`` gives a new account's password
    (None: a random one, returned once in the result)."""
    region = Region.objects.filter(slug=slug).first()
    if region is None:
        known = ", ".join(Region.objects.order_by("slug").values_list("slug", flat=True))
        raise SetupError(
            f"region {slug!r} is not loaded (loaded: {known or 'none'}); "
            "load it first with `load_geo` or `add_region <file>`"
        )
    districts = {d.key: d for d in region.districts.all()}
    district_emails = {
        k: _email(v, f"--district-email {k}") for k, v in (district_emails or {}).items()
    }
    unknown = sorted(set(district_emails) - set(districts))
    if unknown:
        raise SetupError(
            f"--district-email: district {', '.join(unknown)} is not in {region.name} "
            f"(its districts: {', '.join(sorted(districts))})"
        )
    moderator = _email(moderator, "--moderator")
    wanted = []
    for email, ags in editors or []:
        municipality = Municipality.objects.filter(ags=ags, district__regions=region).first()
        if municipality is None:
            raise SetupError(
                f"--editor {email}={ags}: no municipality with the AGS {ags!r} in {region.name} "
                "(8 digits, e.g. 15090535 for Stendal; /standort/ lists them)"
            )
        wanted.append((_email(email, "--editor"), municipality))

    result = Result(region)
    marketing = _office(
        result,
        marketing_name or f"Regionalmarketing {region.name}",
        kind=Organisation.Kind.REGIONAL_MARKETING,
        region=region,
        email=_email(marketing_email, "--marketing-email") if marketing_email else "",
    )
    for key, district in sorted(districts.items()):
        _office(
            result,
            f"Wirtschaftsförderung {district.name}",
            kind=Organisation.Kind.ECONOMIC_DEVELOPMENT,
            district=district,
            region=region,
            email=district_emails.get(key, ""),
        )
    _account(result, moderator, marketing, Membership.Role.REGIONAL_MODERATOR, password_for)
    for email, municipality in wanted:
        office = _office(
            result,
            f"Verwaltung {municipality.name}",
            kind=Organisation.Kind.MUNICIPALITY,
            municipality=municipality,
            district=municipality.district,
        )
        _account(result, email, office, Membership.Role.MUNICIPAL_EDITOR, password_for)
    return result
