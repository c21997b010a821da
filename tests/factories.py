"""factory_boy factories shared by the tests of all apps: each test builds what it needs.

Every factory makes a valid record with as few fields as the model needs; a test passes the
fields its assertions are about (and the region or municipality of the shared `world`)."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from standortlotse.accounts.models import Membership, Organisation
from standortlotse.cases.models import Case, SearchProfile
from standortlotse.exchange import changes
from standortlotse.exchange.models import ApiKey, ImportJob
from standortlotse.geo.models import District, Municipality, Region, State
from standortlotse.guides.models import Contact, Event, Guide
from standortlotse.guides.models import Status as GuideStatus
from standortlotse.inquiries.models import Inquiry, RoutingRule
from standortlotse.places.models import Place
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
    key = factory.Sequence(lambda n: f"15{n % 1000:03d}")  # five characters in long runs too
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


def _jpeg(size=(40, 30)) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (120, 160, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


class PropertyFactory(factory.django.DjangoModelFactory):
    """A property as the register holds it (published, saved as it is: no rule runs). Area and
    availability are there; ``complete=True`` adds what the default publication gate asks for
    besides (a photo, a description, a named contact with an address), for tests that publish
    through a write path (``properties/publication.py``). Not the default: a photo, words in
    the search text and a named contact (who then gets the inquiries) would change what the
    tests of the other apps see, and a record published before stays editable on every path
    (an edit may keep its gaps, only not add one)."""

    class Meta:
        model = Property
        skip_postgeneration_save = True

    class Params:
        complete = factory.Trait(
            description_de="Erschlossene Fläche mit Zufahrt.",
            contact_name="Paula Planer",
            contact_email=factory.Sequence(lambda n: f"flaeche{n}@example.org"),
        )

    title = factory.Sequence(lambda n: f"Gewerbefläche {n}")
    kind = Kind.PLOT
    status = Status.PUBLISHED
    municipality = factory.SubFactory(MunicipalityFactory)
    lat = factory.LazyAttribute(lambda p: p.municipality.lat)
    lon = factory.LazyAttribute(lambda p: p.municipality.lon)
    area_total_m2 = 20_000
    area_available_m2 = 15_000
    published_at = factory.LazyFunction(timezone.now)

    # complete=True (or photo=True): one small real photo, with its card copies.
    photo = factory.Maybe(
        "complete",
        yes_declaration=factory.PostGeneration(
            lambda prop, create, extracted, **kw: _photo(prop, create)
        ),
        no_declaration=factory.PostGeneration(
            lambda prop, create, extracted, **kw: _photo(prop, create) if extracted else None
        ),
    )


def _photo(prop, create):
    if not create:
        return
    from django.core.files.base import ContentFile

    from standortlotse.properties.models import PropertyPhoto

    photo = PropertyPhoto(property=prop, alt_text=f"Ansicht {prop.title}")
    photo.image.save("ansicht.jpg", ContentFile(_jpeg()), save=True)


class PlaceFactory(factory.django.DjangoModelFactory):
    """A creative place as submitted (the model's default status); pass status and published_at
    for a published one."""

    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Ort {n}")
    pitch = "Ein Ort zum Arbeiten"
    region = factory.SubFactory(RegionFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    lat = factory.LazyAttribute(lambda p: p.municipality.lat)
    lon = factory.LazyAttribute(lambda p: p.municipality.lon)
    owner_name = "O"
    owner_email = "o@example.org"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    region = factory.SubFactory(RegionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.Sequence(lambda n: f"Person {n}")


class GuideFactory(factory.django.DjangoModelFactory):
    """A guide in draft (the model's default); pass status=Status.PUBLISHED for a public one."""

    class Meta:
        model = Guide

    region = factory.SubFactory(RegionFactory)
    slug = factory.Sequence(lambda n: f"ratgeber-{n}")
    theme = "work"
    title_de = factory.Sequence(lambda n: f"Ratgeber {n}")
    body_de = "Text"


class EventFactory(factory.django.DjangoModelFactory):
    """A published event three days from now."""

    class Meta:
        model = Event

    region = factory.SubFactory(RegionFactory)
    title_de = factory.Sequence(lambda n: f"Veranstaltung {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    location = "Stendal"
    status = GuideStatus.PUBLISHED


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    organisation = factory.SubFactory(OrganisationFactory)


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inquiry

    name = "Anna Anfrage"
    email = factory.Sequence(lambda n: f"anfrage{n}@example.org")
    message = "Bitte um Rückruf."
    recipient = factory.SubFactory(OrganisationFactory)


class SearchProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SearchProfile
        skip_postgeneration_save = True

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    company = factory.Sequence(lambda n: f"Firma {n} GmbH")
    owner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.STATE_AGENCY)


class ImportJobFactory(factory.django.DjangoModelFactory):
    """An uploaded import file waiting for its column mapping."""

    class Meta:
        model = ImportJob

    created_by = factory.SubFactory(UserFactory)
    filename = "flaechen.csv"
    file_kind = "csv"
    file = factory.django.FileField(filename="flaechen.csv", data=b"Titel;Gemeinde\n")


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """A key made as the back office makes it (exchange.changes.create_key); the plain key, shown
    once to its owner, is on `.plain`."""

    class Meta:
        model = ApiKey

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Partner"
    scopes = factory.LazyFunction(lambda: [ApiKey.Scope.PROPERTIES])

    @classmethod
    def _create(cls, model_class, organisation, name, scopes, **kwargs):
        key, key.plain = changes.create_key(organisation, name, scopes, **kwargs)
        return key


class World:
    """The records of `make_world`, as attributes."""


def make_world() -> World:
    """The records of the `world` fixture (tests/conftest.py): region Altmark with districts
    Stendal and Salzwedel, a third district outside it, municipalities A (Stendal),
    B (Gardelegen) inside and C outside, users of every role and one published property per
    municipality. Also built once per module (tests/once.py)."""
    w = World()
    w.district_stendal = DistrictFactory(name="Landkreis Stendal", key="15090")
    w.district_salzwedel = DistrictFactory(name="Altmarkkreis Salzwedel", key="15081")
    w.district_other = DistrictFactory(name="Landkreis Börde", key="15083")
    w.region = RegionFactory(
        name="Altmark", slug="altmark", districts=[w.district_stendal, w.district_salzwedel]
    )
    w.mun_a = MunicipalityFactory(
        name="Stendal", ags="15090535", district=w.district_stendal, lat=52.6, lon=11.86
    )
    w.mun_b = MunicipalityFactory(
        name="Gardelegen", ags="15081135", district=w.district_salzwedel, lat=52.53, lon=11.39
    )
    w.mun_c = MunicipalityFactory(
        name="Haldensleben", ags="15083270", district=w.district_other, lat=52.29, lon=11.41
    )
    w.editor_a = member(Membership.Role.MUNICIPAL_EDITOR, municipality=w.mun_a, username="editor_a")
    w.editor_b = member(Membership.Role.MUNICIPAL_EDITOR, municipality=w.mun_b, username="editor_b")
    w.moderator = member(Membership.Role.REGIONAL_MODERATOR, region=w.region, username="moderator")
    w.state_admin = member(Membership.Role.STATE_ADMIN, username="state_admin")
    w.prop_a = PropertyFactory(title="Gewerbepark Stendal Nord", municipality=w.mun_a)
    w.prop_b = PropertyFactory(title="Halle Gardelegen", municipality=w.mun_b, kind="hall")
    w.prop_c = PropertyFactory(title="Fläche Haldensleben", municipality=w.mun_c)
    return w
