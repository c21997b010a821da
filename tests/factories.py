"""factory_boy factories shared by the tests of all apps: each test builds what it needs."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from standortlotse.accounts.models import Membership, Organisation
from standortlotse.geo.models import District, Municipality, Region, State
from standortlotse.properties.models import Kind, Property, Status


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = State
        django_get_or_create = ["code"]

    name = "Sachsen-Anhalt"
    code = "15"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    state = factory.SubFactory(StateFactory)
    name = factory.Sequence(lambda n: f"Landkreis {n}")
    key = factory.Sequence(lambda n: f"15{n:03d}")
    outline = {
        "type": "Polygon",
        "coordinates": [[[11.0, 52.3], [12.3, 52.3], [12.3, 53.1], [11.0, 53.1], [11.0, 52.3]]],
    }


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Gemeinde {n}")
    ags = factory.Sequence(lambda n: f"15{n:06d}")
    lat = 52.6
    lon = 11.85


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.add(*extracted)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MUNICIPALITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("secret-pass-123")


def member(role, *, municipality=None, region=None, username=None):
    """A user with one membership of the given role, scoped as the role needs."""
    kind = {
        Membership.Role.MUNICIPAL_EDITOR: Organisation.Kind.MUNICIPALITY,
        Membership.Role.REGIONAL_MODERATOR: Organisation.Kind.REGIONAL_MARKETING,
        Membership.Role.STATE_ADMIN: Organisation.Kind.STATE_AGENCY,
    }[role]
    org = OrganisationFactory(kind=kind, municipality=municipality, region=region)
    user = UserFactory(**({"username": username} if username else {}))
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    title = factory.Sequence(lambda n: f"Gewerbefläche {n}")
    kind = Kind.PLOT
    status = Status.PUBLISHED
    municipality = factory.SubFactory(MunicipalityFactory)
    lat = factory.LazyAttribute(lambda p: p.municipality.lat)
    lon = factory.LazyAttribute(lambda p: p.municipality.lon)
    area_total_m2 = 20_000
    area_available_m2 = 15_000
    published_at = factory.LazyFunction(timezone.now)
