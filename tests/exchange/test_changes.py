"""Change feed for the state system and partners: API keys, scopes, rate limit, deletions, paging."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from standortlotse.exchange import changes
from standortlotse.exchange.models import ApiKey
from standortlotse.places.models import Place
from standortlotse.properties import services
from standortlotse.properties.models import Property, Status
from tests.factories import OrganisationFactory, PropertyFactory

pytestmark = pytest.mark.django_db
URL = "/api/changes/properties"


@pytest.fixture
def key(world):
    _key, plain = changes.create_key(
        OrganisationFactory(name="Landesportal"), "Landesportal", ["properties"]
    )
    return plain


def feed(client, key, **params):
    return client.get(URL, params, HTTP_X_API_KEY=key)


def test_keys_are_required_hashed_scoped_and_revocable(client, world, key):
    assert client.get(URL).status_code == 401
    assert feed(client, "wrong.key").status_code == 401
    assert feed(client, key.split(".")[0] + ".guess").status_code == 401
    stored = ApiKey.objects.get()
    assert key.split(".")[1] not in stored.secret_hash  # only the hash is kept
    assert feed(client, key).status_code == 200
    assert client.get("/api/changes/places", HTTP_X_API_KEY=key).status_code == 403
    assert client.get("/api/changes/nothing", HTTP_X_API_KEY=key).status_code == 404
    stored.revoked_at = timezone.now()
    stored.save()
    assert feed(client, key).status_code == 401


def test_rate_limit_per_key(client, world, key):
    ApiKey.objects.update(requests_per_hour=3)
    assert [feed(client, key).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_changes_since_include_unpublishing_and_deletions(client, world, key):
    mark = timezone.now()
    first = feed(client, key).json()
    assert {c["id"] for c in first["changes"]} == {
        str(world.prop_a.pk),
        str(world.prop_b.pk),
        str(world.prop_c.pk),
    }
    assert all(c["action"] == "upsert" and c["record"]["title"] for c in first["changes"])
    draft = PropertyFactory(
        title="Nur Entwurf", municipality=world.mun_a, status=Status.DRAFT, published_at=None
    )
    services.change_status(world.state_admin, world.prop_b, "archive")
    deleted_pk = world.prop_c.pk
    world.prop_c.delete()
    world.prop_a.title = "Neu betitelt"
    world.prop_a.save()
    later = feed(client, key, cursor=first["cursor"]).json()
    actions = {c["id"]: c["action"] for c in later["changes"]}
    assert actions == {
        str(world.prop_b.pk): "delete",
        str(deleted_pk): "delete",
        str(world.prop_a.pk): "upsert",
    }
    assert str(draft.pk) not in actions  # never public: not in the feed
    assert later["changes"][-1]["record"]["title"] == "Neu betitelt"
    since = feed(client, key, since=(mark - timedelta(days=1)).isoformat()).json()
    assert len(since["changes"]) == 3
    assert (
        feed(client, key, since=(timezone.now() + timedelta(days=1)).isoformat()).json()["changes"]
        == []
    )


def test_paging_through_many_changes_at_the_same_time(client, world, key):
    now = timezone.now()
    props = [PropertyFactory(title=f"P{i}", municipality=world.mun_a) for i in range(7)]
    Property.objects.update(updated_at=now)  # a bulk import gives many records one timestamp
    seen, cursor = [], None
    for _ in range(10):
        page = feed(client, key, limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [c["id"] for c in page["changes"]]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert sorted(seen) == sorted(
        {str(p.pk) for p in props}
        | {str(world.prop_a.pk), str(world.prop_b.pk), str(world.prop_c.pk)}
    )
    assert len(seen) == len(set(seen))
    assert feed(client, key, cursor="nonsense!").status_code == 400
    assert feed(client, key, limit=0).status_code == 400


def test_places_feed_and_command(client, db, capsys):
    call_command("load_demo", "--count", "1", "--allow-production")
    org = OrganisationFactory(name="Partnernetz Brandenburg")
    call_command("create_api_key", "Partnernetz Brandenburg", "--scope", "places")
    plain = capsys.readouterr().out.strip().splitlines()[-1]
    data = client.get("/api/changes/places", HTTP_X_API_KEY=plain).json()
    published = Place.objects.published().count()
    assert published and len([c for c in data["changes"] if c["action"] == "upsert"]) == published
    assert ApiKey.objects.get(organisation=org).scopes == ["places"]


def test_feed_is_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/changes/{entity}"]["get"]
    assert operation["security"] and "X-API-Key" in str(schema["components"]["securitySchemes"])


def _encoded(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "raw, reason",
    [
        ('["2026-01-01T00:00:00+00:00", 0, 1e999]', "position must be an integer"),  # infinity
        ('["2026-01-01T00:00:00+00:00", 1e999, 1]', "unknown position kind"),
        (
            '["2026-01-01T00:00:00+00:00", 0, 99999999999999999999999]',
            "position must be an integer",
        ),
        ('["2026-01-01T00:00:00+00:00", 0, -1]', "position must be an integer"),
        ('["2026-01-01T00:00:00+00:00", 0, 1.5]', "position must be an integer"),
        ('["2026-01-01T00:00:00+00:00", true, 1]', "unknown position kind"),
        ('["2026-01-01T00:00:00+00:00", 7, 1]', "unknown position kind"),
        ('["2026-01-01T00:00:00+00:00", 0, NaN]', "not a cursor of this feed"),
        ('["2026-01-01T00:00:00+00:00", 0, Infinity]', "not a cursor of this feed"),
        ('["2026-13-45T99:00:00", 0, 1]', "not an ISO 8601"),
        ('["2026-01-01T00:00:00", 0, 1]', "no time zone"),
        ("[1e999, 0, 1]", "not an ISO 8601"),
        ('{"a": 1, "b": 2, "c": 3}', "not a cursor of this feed"),
        ('["2026-01-01T00:00:00+00:00", 0]', "not a cursor of this feed"),
        ('"just a string"', "not a cursor of this feed"),
    ],
)
def test_malformed_cursors_are_a_400_with_a_clear_message(client, world, key, raw, reason):
    response = feed(client, key, cursor=_encoded(raw))
    assert response.status_code == 400, response.content
    assert (
        reason in response.json()["detail"] and "cursor is not valid" in response.json()["detail"]
    )


@pytest.mark.parametrize("cursor", ["nonsense!", "ä", "x" * 5000, "%%%%", "AAAA"])
def test_cursors_that_are_not_base64_json_are_a_400(client, world, key, cursor):
    response = feed(client, key, cursor=cursor)
    assert response.status_code == 400
    assert "cursor is not valid" in response.json()["detail"]


def test_records_carry_the_zonings_as_a_list_and_the_first_as_zoning(client, world, key):
    world.prop_a.zonings = ["GE", "GI"]
    world.prop_a.save()
    records = {c["id"]: c["record"] for c in feed(client, key).json()["changes"]}
    record = records[str(world.prop_a.pk)]
    assert record["zonings"] == ["GE", "GI"] and record["zoning"] == "GE"
    assert (
        records[str(world.prop_b.pk)]["zonings"] == []
        and records[str(world.prop_b.pk)]["zoning"] == ""
    )
