"""Request tests of places/views.py: submission, owner link, moderation workflow and permissions,
owner updates and their photos, confirmation requests, region settings, fresh owner links."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from standortlotse.accounts.models import Membership
from standortlotse.places import services
from standortlotse.places.models import PendingUpdate, Place, RegionSettings, Status
from tests.factories import DistrictFactory, RegionFactory, member
from tests.places.support import link_from, owner_token, png, submission

pytestmark = pytest.mark.django_db


def moderate(client, user, place, action, message="", capture=None):
    client.force_login(user)
    return client.post(
        reverse("places:review", args=[place.pk]), {"action": action, "message": message}
    )


# --- submission ------------------------------------------------------------------------------


def test_submission_creates_place_logs_and_mails(world, place):
    assert place.status == Status.SUBMITTED and place.region == world.region
    assert place.values_of("field") == ["work"] and place.values_of("offer") == ["desks", "events"]
    assert "<script>" not in place.story and "<strong>Geschichte</strong>" in place.story
    assert place.photos.get().alt_text == "Der Coworking-Raum"
    assert (place.lat, place.lon) == (
        world.mun_a.lat,
        world.mun_a.lon,
    )  # centre when no point given
    log = place.transitions.get()
    assert (log.from_status, log.to_status, log.actor_label) == ("", "submitted", "submitter")
    to_owner = [m for m in mail.outbox if m.to == ["erika@example.org"]]
    assert len(to_owner) == 1
    assert "Coworking Alte Schule" in to_owner[0].subject
    assert "Erika Muster" in to_owner[0].body
    token = link_from(to_owner[0])
    assert services.place_for_token(token) == place
    stored = place.owner_links.get().token_hash
    assert stored and token not in stored  # only a hash is stored
    to_moderator = [m for m in mail.outbox if m.to == ["moderator@example.org"]]
    assert to_moderator and f"/datenpflege/orte/{place.pk}/" in to_moderator[0].body


def test_submission_page_shows_region_criteria(client, world):
    RegionSettings.objects.create(region=world.region, criteria_de="Nur Orte mit Angebot vor Ort.")
    content = client.get(reverse("places:submit", args=["altmark"])).content.decode()
    assert "Nur Orte mit Angebot vor Ort." in content and 'name="consent"' in content


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": ""}, "consent"),
        ({"homepage": "http://spam.example"}, "homepage"),
        ({"place_fields": []}, "place_fields"),
        ({"pitch": "x" * 201}, "pitch"),
        ({"municipality": "999999"}, "municipality"),
        ({"owner_email": "keine-mail"}, "owner_email"),
        ({"social_links": "https://ok.example\nkein link"}, "social_links"),
        ({"lat": "52.6"}, "lon"),
    ],
)
def test_submission_errors_keep_input(world, submit, overrides, field):
    response = submit(**overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'value="Coworking Alte Schule"' in response.content.decode()
    assert not Place.objects.exists() and not mail.outbox


def test_submission_municipality_outside_region_refused(world, submit):
    response = submit(municipality=world.mun_c.pk)
    assert "municipality" in response.context["form"].errors


def test_valid_photo_is_kept_across_a_failed_submission(world, submit, client):
    response = submit(photo=png(), photo_alt="Foto", consent="")
    token = response.context["form"].data["photo_token"]
    assert token.endswith(".img")
    assert 'name="photo_token"' in response.content.decode()
    response = submit(photo_token=token, photo_alt="Foto")
    assert response.status_code == 302
    assert Place.objects.get().photos.count() == 1


def test_bad_photo_refused(world, submit):
    fake = SimpleUploadedFile(
        "x.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/png"
    )
    response = submit(photo=fake, photo_alt="x")
    assert "photo" in response.context["form"].errors and not Place.objects.exists()


def test_rate_limit_keeps_the_entries(world, submit, settings):
    settings.PLACE_SUBMISSIONS_PER_HOUR = 2
    from django.core.cache import cache

    cache.clear()
    assert submit().status_code == 302
    assert submit(name="Zweiter Ort").status_code == 302
    response = submit(name="Dritter Ort")
    assert response.status_code == 429
    assert 'value="Dritter Ort"' in response.content.decode()
    assert not Place.objects.filter(name="Dritter Ort").exists()
    cache.clear()


def test_submission_near_a_listed_place_asks_first_and_can_still_be_sent(world, submit):
    """A place within 300 m of a listed one: the form comes back with "Is it one of these?"
    (a link to it, the entries kept, nothing sent); sent again as it is, it is submitted."""
    from tests.places.support import make_place

    listed = make_place(world, "Kulturhaus am Markt", lat=52.6101, lon=11.8701)
    hidden = make_place(world, "Geheime Einreichung", status=Status.SUBMITTED, lat=52.61, lon=11.87)
    response = submit(lat="52.6102", lon="11.8702")
    assert response.status_code == 200
    page = response.content.decode()
    notice = page.split('class="notice duplicates"')[1].split("</section>")[0]
    assert "Ist es einer dieser Orte?" in notice
    assert f'href="{listed.get_absolute_url()}"' in notice and "Kulturhaus am Markt" in notice
    assert "wurde schon vorgeschlagen und wird geprüft" in notice
    assert hidden.name not in page  # a place under review stays unnamed to the public
    assert 'value="Coworking Alte Schule"' in page and "Keiner davon: Ort einreichen" in page
    assert not Place.objects.filter(name="Coworking Alte Schule").exists()
    seen = re.search(r'name="duplicates_seen" value="([\d,]+)"', page).group(1)
    assert set(seen.split(",")) == {str(listed.pk), str(hidden.pk)}
    response = submit(lat="52.6102", lon="11.8702", duplicates_seen=seen)
    assert response.status_code == 302
    assert Place.objects.filter(name="Coworking Alte Schule").exists()


def test_submission_with_a_similar_name_in_the_municipality_asks_first(world, submit):
    from tests.places.support import make_place

    make_place(world, "Coworking Alte Schule e.V.", lat=52.63, lon=11.9)  # 3 km away
    response = submit()
    assert response.status_code == 200 and "Ist es einer dieser Orte?" in response.content.decode()
    other = submit(name="Kulturbahnhof")
    assert other.status_code == 302  # nothing alike: straight through


# --- owner link ---------------------------------------------------------------------------------


def test_owner_edits_before_publication(client, world, place, django_capture_on_commit_callbacks):
    token = owner_token(place)
    data = submission(world, name="Coworking Alte Schule", pitch="Neuer Pitch")
    data.pop("consent")
    response = client.post(reverse("places:owner", args=[token]), data)
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.pitch == "Neuer Pitch" and place.status == Status.SUBMITTED
    assert place.transitions.first().actor_label == "owner"


def test_owner_link_only_reaches_its_own_place(client, world, place, submit):
    submit(name="Anderer Ort", owner_email="other@example.org")
    other = Place.objects.get(name="Anderer Ort")
    token = owner_token(place)
    data = submission(world, name="Übernahme", pitch="gekapert")
    client.post(reverse("places:owner", args=[token]), data)
    other.refresh_from_db()
    assert other.name == "Anderer Ort"
    assert services.place_for_token(token) == place


@pytest.mark.parametrize("token", ["falsch", "", "x" * 200])
def test_invalid_owner_link(client, world, place, token):
    if not token:
        return
    response = client.get(reverse("places:owner", args=[token]))
    assert response.status_code == 404


def test_owner_link_expires(client, world, place):
    token = owner_token(place)
    place.owner_links.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(reverse("places:owner", args=[token])).status_code == 404


def test_owner_rotates_link(client, world, place, django_capture_on_commit_callbacks):
    old = owner_token(place)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("places:owner", args=[old]), {"action": "rotate"})
    assert response.status_code == 200
    new = owner_token(place)
    assert new != old
    assert client.get(reverse("places:owner", args=[old])).status_code == 404
    assert client.get(reverse("places:owner", args=[new])).status_code == 200


# --- moderation -------------------------------------------------------------------------------------


def test_full_review_workflow_with_emails(client, world, place, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert moderate(client, world.moderator, place, "in_review").status_code == 302
        moderate(
            client,
            world.moderator,
            place,
            "changes_requested",
            "Bitte ein Foto vom Eingang ergänzen.",
        )
    place.refresh_from_db()
    assert place.status == Status.CHANGES_REQUESTED
    request_mail = mail.outbox[-1]
    assert request_mail.to == ["erika@example.org"]
    assert "Bitte ein Foto vom Eingang ergänzen." in request_mail.body
    token = link_from(request_mail)
    page = client.get(reverse("places:owner", args=[token])).content.decode()
    assert "Bitte ein Foto vom Eingang ergänzen." in page
    data = submission(world, pitch="Jetzt mit Foto")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("places:owner", args=[token]), {**data, "photo": png(), "photo_alt": "Eingang"}
        )
    place.refresh_from_db()
    assert place.status == Status.SUBMITTED and place.photos.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        moderate(client, world.moderator, place, "published")
    place.refresh_from_db()
    assert place.status == Status.PUBLISHED and place.published_at and place.verified_on
    assert "online" in mail.outbox[-1].subject and place.get_absolute_url() in mail.outbox[-1].body
    client.logout()
    assert client.get(place.get_absolute_url()).status_code == 200
    steps = [
        (t.from_status, t.to_status, t.actor.username if t.actor else t.actor_label)
        for t in place.transitions.order_by("created_at", "pk")
    ]
    assert steps == [
        ("", "submitted", "submitter"),
        ("submitted", "in_review", "moderator"),
        ("in_review", "changes_requested", "moderator"),
        ("changes_requested", "submitted", "owner"),
        ("submitted", "published", "moderator"),
    ]


def test_reject_requires_reason_and_mails_it(
    client, world, place, django_capture_on_commit_callbacks
):
    response = moderate(client, world.moderator, place, "rejected", "")
    assert response.status_code == 200 and "message" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        moderate(client, world.moderator, place, "rejected", "Kein Angebot vor Ort.")
    place.refresh_from_db()
    assert place.status == Status.REJECTED and "Kein Angebot vor Ort." in mail.outbox[-1].body
    assert client.get(place.get_absolute_url()).status_code == 200  # moderator preview
    client.logout()
    assert client.get(place.get_absolute_url()).status_code == 404


def test_moderator_of_other_region_cannot_touch(client, world, place):
    other_district = DistrictFactory(name="Landkreis Prignitz", key="12070")
    other_region = RegionFactory(name="Prignitz", slug="prignitz", districts=[other_district])
    outsider = member(Membership.Role.REGIONAL_MODERATOR, region=other_region, username="mod_b")
    client.force_login(outsider)
    assert client.get(reverse("places:review", args=[place.pk])).status_code == 404
    for url in ("places:review_trust", "places:review_rotate"):
        assert client.post(reverse(url, args=[place.pk]), {"trusted": "1"}).status_code == 404
    assert (
        client.post(reverse("places:review", args=[place.pk]), {"action": "published"}).status_code
        == 404
    )
    assert b"Coworking Alte Schule" not in client.get(reverse("places:queue")).content
    with pytest.raises(PermissionDenied):
        services.moderate(outsider, place, Status.PUBLISHED)
    place.refresh_from_db()
    assert place.status == Status.SUBMITTED and not place.owner_trusted


def test_municipal_editor_and_anonymous_cannot_moderate(client, world, place):
    assert client.get(reverse("places:queue")).status_code == 302
    client.force_login(world.editor_a)
    assert client.get(reverse("places:queue")).status_code == 403
    assert (
        client.post(reverse("places:review", args=[place.pk]), {"action": "published"}).status_code
        == 403
    )
    place.refresh_from_db()
    assert place.status == Status.SUBMITTED


def test_state_admin_moderates_everywhere(client, world, place):
    moderate(client, world.state_admin, place, "published")
    place.refresh_from_db()
    assert place.status == Status.PUBLISHED


def test_queue_lists_and_counts(client, world, place):
    client.force_login(world.moderator)
    response = client.get(reverse("places:queue"))
    assert b"Coworking Alte Schule" in response.content
    assert response.context["counts"]["submitted"] == 1


# --- owner updates after publication -----------------------------------------------------------------


def publish(world, place):
    services.moderate(world.moderator, place, Status.PUBLISHED)


def test_owner_update_of_published_place_waits_for_review(
    client, world, place, django_capture_on_commit_callbacks
):
    publish(world, place)
    token = owner_token(place)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("places:owner", args=[token]), submission(world, pitch="Noch besser"))
    place.refresh_from_db()
    assert place.pitch == "Schreibtische im Dorf"  # public version unchanged
    update = PendingUpdate.objects.get(place=place)
    assert update.data["fields"]["pitch"] == "Noch besser"
    assert any(
        "Noch besser" not in m.body and f"/datenpflege/orte/{place.pk}/" in m.body
        for m in mail.outbox
    )
    client.force_login(world.moderator)
    client.post(reverse("places:review_update", args=[place.pk, update.pk]), {"decision": "accept"})
    place.refresh_from_db()
    assert place.pitch == "Noch besser" and not PendingUpdate.objects.exists()


def test_declined_update_changes_nothing(client, world, place):
    publish(world, place)
    client.post(
        reverse("places:owner", args=[owner_token(place)]), submission(world, pitch="Abgelehnt")
    )
    update = PendingUpdate.objects.get()
    client.force_login(world.moderator)
    client.post(
        reverse("places:review_update", args=[place.pk, update.pk]), {"decision": "decline"}
    )
    place.refresh_from_db()
    assert place.pitch == "Schreibtische im Dorf" and not PendingUpdate.objects.exists()


def test_trusted_owner_updates_directly(client, world, place):
    publish(world, place)
    client.force_login(world.moderator)
    client.post(reverse("places:review_trust", args=[place.pk]), {"trusted": "1"})
    client.logout()
    client.post(
        reverse("places:owner", args=[owner_token(place)]), submission(world, pitch="Sofort online")
    )
    place.refresh_from_db()
    assert (
        place.owner_trusted and place.pitch == "Sofort online" and place.status == Status.PUBLISHED
    )


# --- photos in owner updates: held with the update until a moderator decides ---------------------------


def _public_views(client, place):
    """What the public sees of the place: page, feed record, social card status."""
    client.logout()
    page = client.get(reverse("places:detail", args=[place.pk])).content.decode()
    record = client.get(f"/api/places/{place.uid}").json()
    feed = client.get("/api/places").json()["places"]
    return page, record, feed


def _owner_adds_photo(client, world, place, capture):
    with capture(execute=True):
        client.post(
            reverse("places:owner", args=[owner_token(place)]),
            submission(
                world,
                photo=png("neu.png"),
                photo_alt="Neuer Hofladen",
                photo_credit="Foto: Eigentümerin",
            ),
        )


def test_untrusted_owner_photo_waits_for_review(
    client, world, place, settings, django_capture_on_commit_callbacks
):
    import os

    publish(world, place)
    _owner_adds_photo(client, world, place, django_capture_on_commit_callbacks)
    assert place.photos.count() == 1  # only the photo of the submission
    page, record, feed = _public_views(client, place)
    assert "Neuer Hofladen" not in page and "Eigentümerin" not in page
    assert [p["alt"] for p in record["photos"]] == ["Der Coworking-Raum"]
    assert [p["alt"] for p in feed[0]["photos"]] == ["Der Coworking-Raum"]
    from standortlotse.places.models import HeldPhoto

    held = HeldPhoto.objects.get(update__place=place)
    assert held.alt_text == "Neuer Hofladen"
    path = held.image.path
    assert os.path.exists(path) and not path.startswith(
        str(settings.MEDIA_ROOT)
    )  # in no public storage
    # the moderator sees the held photo in the review, and only the moderator can fetch it
    photo_url = reverse("places:review_held_photo", args=[place.pk, held.pk])
    assert client.get(photo_url).status_code == 302
    client.force_login(world.moderator)
    review = client.get(reverse("places:review", args=[place.pk])).content.decode()
    assert photo_url in review and "Neuer Hofladen" in review
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_accepted_owner_photo_goes_online(client, world, place, django_capture_on_commit_callbacks):
    import os

    from standortlotse.places.models import HeldPhoto

    publish(world, place)
    _owner_adds_photo(client, world, place, django_capture_on_commit_callbacks)
    held_path = HeldPhoto.objects.get().image.path
    client.force_login(world.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("places:review_update", args=[place.pk, PendingUpdate.objects.get().pk]),
            {"decision": "accept"},
        )
    new = place.photos.get(alt_text="Neuer Hofladen")
    assert new.credit == "Eigentümerin"  # the typed "Foto:" label dropped
    assert os.path.exists(new.image.path)
    assert not HeldPhoto.objects.exists() and not os.path.exists(held_path)
    page, record, _feed = _public_views(client, place)
    assert "Neuer Hofladen" in page and new.image.url in page
    assert "Neuer Hofladen" in [p["alt"] for p in record["photos"]]


def test_declined_owner_photo_is_deleted(client, world, place, django_capture_on_commit_callbacks):
    import os

    from standortlotse.places.models import HeldPhoto

    publish(world, place)
    _owner_adds_photo(client, world, place, django_capture_on_commit_callbacks)
    held_path = HeldPhoto.objects.get().image.path
    client.force_login(world.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("places:review_update", args=[place.pk, PendingUpdate.objects.get().pk]),
            {"decision": "decline"},
        )
    assert place.photos.count() == 1 and not HeldPhoto.objects.exists()
    assert not os.path.exists(held_path)  # the file is gone from storage
    page, _record, _feed = _public_views(client, place)
    assert "Neuer Hofladen" not in page


def test_trusted_owner_photo_is_online_at_once(
    client, world, place, django_capture_on_commit_callbacks
):
    from standortlotse.places.models import HeldPhoto

    publish(world, place)
    services.set_trusted(world.moderator, place, True)
    _owner_adds_photo(client, world, place, django_capture_on_commit_callbacks)
    assert (
        place.photos.filter(alt_text="Neuer Hofladen").exists() and not HeldPhoto.objects.exists()
    )
    assert not PendingUpdate.objects.exists()
    page, record, _feed = _public_views(client, place)
    assert "Neuer Hofladen" in page and "Neuer Hofladen" in [p["alt"] for p in record["photos"]]


# --- yearly confirmation ------------------------------------------------------------------------------


def test_confirmation_requests_and_flags(client, world, place, django_capture_on_commit_callbacks):
    publish(world, place)
    RegionSettings.objects.update_or_create(
        region=world.region, defaults={"confirm_every_days": 365, "confirm_grace_days": 30}
    )
    Place.objects.filter(pk=place.pk).update(verified_on=timezone.localdate() - timedelta(days=400))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_confirmation_requests() == {"asked": 1, "flagged": 0}
    assert services.send_confirmation_requests() == {"asked": 0, "flagged": 0}  # asked only once
    assert "still current" in mail.outbox[-1].subject or "aktuell" in mail.outbox[-1].subject
    token = link_from(mail.outbox[-1])
    later = timezone.now() + timedelta(days=31)
    assert services.send_confirmation_requests(now=later) == {"asked": 0, "flagged": 1}
    place.refresh_from_db()
    assert place.unconfirmed and place.status == Status.PUBLISHED  # flagged, not deleted
    client.force_login(world.moderator)
    assert (
        b"Coworking Alte Schule"
        in client.get(reverse("places:queue") + "?status=attention").content
    )
    client.logout()
    client.post(reverse("places:owner", args=[token]), {"action": "confirm"})
    place.refresh_from_db()
    assert not place.unconfirmed and place.verified_on == timezone.localdate()


def test_region_settings_by_moderator_only(client, world):
    url = reverse("places:region_settings", args=["altmark"])
    client.force_login(world.editor_a)
    assert client.get(url).status_code == 403
    client.force_login(world.moderator)
    response = client.post(
        url, {"criteria_de": "Neue Kriterien", "confirm_every_days": 180, "confirm_grace_days": 14}
    )
    assert response.status_code == 302
    assert RegionSettings.objects.get(region=world.region).criteria_de == "Neue Kriterien"
    assert (
        "Neue Kriterien" in client.get(reverse("places:submit", args=["altmark"])).content.decode()
    )
    response = client.post(
        url, {"confirm_every_days": "nie", "confirm_grace_days": 14, "criteria_de": "Behalten"}
    )
    assert response.status_code == 200 and "confirm_every_days" in response.context["form"].errors
    assert "Behalten" in response.content.decode()


def test_failed_attempts_do_not_count_against_the_limit(world, submit, settings):
    settings.PLACE_SUBMISSIONS_PER_HOUR = 1
    for _ in range(3):
        assert submit(consent="").status_code == 200
    assert submit().status_code == 302


def test_owner_sees_request_after_new_link(
    client, world, place, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate(
            world.moderator, place, Status.CHANGES_REQUESTED, "Bitte Öffnungszeiten ergänzen."
        )
        services.rotate_link(place)
    page = client.get(reverse("places:owner", args=[owner_token(place)])).content.decode()
    assert "Bitte Öffnungszeiten ergänzen." in page


# --- owner links that never go dead (issue 12) -----------------------------------------------------

OWNER_LINK = re.compile(r"https?://\S+?(/orte/mein-ort/[^/\s]+/)")


def owner_link_paths(address="erika@example.org") -> list[str]:
    """The owner-link path in every mail sent to ``address`` so far (each such mail must have one)."""
    paths = []
    for message in mail.outbox:
        if message.to == [address]:
            match = OWNER_LINK.search(message.body)
            assert match, f"the mail {message.subject!r} carries no private link:\n{message.body}"
            paths.append(match.group(1))
    return paths


def assert_every_link_opens(client, place, step):
    paths = owner_link_paths()
    assert paths, step
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, f"after {step}: {path} answers {response.status_code}"
        assert place.name in response.content.decode(), step


def test_every_mail_link_keeps_working_through_every_review_state(
    client, world, place, django_capture_on_commit_callbacks
):
    """submitted → in review → changes requested → edited by the owner (with the latest link) →
    published → owner's update pending → yearly confirmation → rejected → back in review: after
    each step the link of every mail sent so far still opens the owner page."""
    owner = Client()
    assert_every_link_opens(owner, place, "submission")

    def step(name, action, message=""):
        with django_capture_on_commit_callbacks(execute=True):
            services.moderate(world.moderator, place, action, message)
        place.refresh_from_db()
        assert place.status == action
        assert_every_link_opens(owner, place, name)

    step("in review", Status.IN_REVIEW)
    step("changes requested", Status.CHANGES_REQUESTED, "Bitte Öffnungszeiten ergänzen.")
    latest = owner_link_paths()[-1]
    data = submission(world, pitch="Mit Öffnungszeiten")
    data.pop("consent")
    with django_capture_on_commit_callbacks(execute=True):
        assert owner.post(latest, data).status_code == 302
    place.refresh_from_db()
    assert place.status == Status.SUBMITTED and place.pitch == "Mit Öffnungszeiten"
    assert_every_link_opens(owner, place, "the owner's edit")
    step("published", Status.PUBLISHED)
    assert "online" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(owner_link_paths()[0], submission(world, pitch="Noch aktueller"))
    assert place.pending_updates.exists()
    assert_every_link_opens(owner, place, "the owner's update waiting for review")

    Place.objects.filter(pk=place.pk).update(verified_on=timezone.localdate() - timedelta(days=400))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_confirmation_requests()["asked"] == 1
    assert_every_link_opens(owner, place, "the confirmation request")
    assert owner.post(owner_link_paths()[-1], {"action": "confirm"}).status_code == 302
    assert_every_link_opens(owner, place, "the confirmation")
    step("rejected", Status.REJECTED, "Das Angebot gibt es nicht mehr.")
    step("back in review", Status.IN_REVIEW)


def test_rejected_submission_keeps_its_link(
    client, world, place, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate(world.moderator, place, Status.REJECTED, "Kein Angebot vor Ort.")
    assert len(owner_link_paths()) == 2
    assert_every_link_opens(Client(), place, "rejection")


def test_explicit_new_link_ends_every_earlier_link(
    client, world, place, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate(world.moderator, place, Status.CHANGES_REQUESTED, "Bitte ergänzen.")
    first, second = owner_link_paths()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(second, {"action": "rotate"}).status_code == 200
    *old, new = owner_link_paths()
    assert old == [first, second]
    for path in old:
        response = client.get(path)
        assert response.status_code == 404 and place.name not in response.content.decode()
    assert client.get(new).status_code == 200


def fresh_link(client, email, name="", **extra):
    with_callbacks = extra.pop("capture")
    with with_callbacks(execute=True):
        return client.post(
            reverse("places:owner_link_request"), {"email": email, "name": name, **extra}
        )


def test_stale_link_leads_to_the_fresh_link_form(client, world, place):
    path = owner_link_paths()[0]
    place.owner_links.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert place.name not in body and "erika@example.org" not in body
    assert f'action="{reverse("places:owner_link_request")}"' in body
    assert 'name="email"' in body and 'name="homepage"' in body and "csrfmiddlewaretoken" in body
    assert 'class="site-header' in body or "<header" in body  # our page, not a bare 404
    assert client.get(reverse("places:owner_link_request")).status_code == 200


def _without_csrf(body: str) -> str:
    return re.sub(
        r'value="[^"]+" name="csrfmiddlewaretoken"|name="csrfmiddlewaretoken" value="[^"]+"',
        "",
        body,
    )


def test_fresh_link_only_for_a_stored_address_and_the_same_answer(
    client, world, place, django_capture_on_commit_callbacks
):
    earlier = owner_link_paths()
    mail.outbox.clear()
    known = fresh_link(client, "  ERIKA@example.org ", capture=django_capture_on_commit_callbacks)
    assert known.status_code == 200
    assert [m.to for m in mail.outbox] == [["erika@example.org"]]  # the stored address
    fresh = owner_link_paths()[0]
    assert client.get(fresh).status_code == 200
    assert client.get(earlier[0]).status_code == 200  # asking for a link ends no other link
    unknown = fresh_link(client, "fremd@example.org", capture=django_capture_on_commit_callbacks)
    assert unknown.status_code == 200 and len(mail.outbox) == 1
    assert _without_csrf(unknown.content.decode()) == _without_csrf(known.content.decode())
    assert "erika" not in known.content.decode().lower()


def test_fresh_link_with_a_name_only_for_that_place(
    client, world, place, submit, django_capture_on_commit_callbacks
):
    submit(name="Dorfladen Kläden")
    mail.outbox.clear()
    fresh_link(client, "erika@example.org", "dorfladen", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and "Dorfladen Kläden" in mail.outbox[0].subject
    fresh_link(client, "erika@example.org", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3  # both places
    fresh_link(
        client, "erika@example.org", "Gibt es nicht", capture=django_capture_on_commit_callbacks
    )
    assert len(mail.outbox) == 3


def test_fresh_link_rate_limit_per_email_and_per_client(
    client, world, place, settings, django_capture_on_commit_callbacks
):
    settings.FRESH_LINKS_PER_EMAIL_PER_DAY = 2
    settings.FRESH_LINKS_PER_HOUR = 4
    mail.outbox.clear()
    for _ in range(2):
        assert (
            fresh_link(
                client, "erika@example.org", capture=django_capture_on_commit_callbacks
            ).status_code
            == 200
        )
    # the same address from another connection is refused too: per address
    other = Client(REMOTE_ADDR="10.9.8.7")
    limited = fresh_link(other, "erika@example.org", capture=django_capture_on_commit_callbacks)
    assert limited.status_code == 429 and len(mail.outbox) == 2
    assert "try again later" in limited.content.decode() or "später" in limited.content.decode()
    # unknown addresses count alike, and the client's own limit ends at 4 requests an hour
    assert (
        fresh_link(client, "a@example.org", capture=django_capture_on_commit_callbacks).status_code
        == 200
    )
    assert (
        fresh_link(client, "b@example.org", capture=django_capture_on_commit_callbacks).status_code
        == 200
    )
    assert (
        fresh_link(client, "c@example.org", capture=django_capture_on_commit_callbacks).status_code
        == 429
    )


def test_fresh_link_form_refuses_bots_bad_input_and_missing_csrf(
    world, place, django_capture_on_commit_callbacks
):
    client = Client()
    mail.outbox.clear()
    bot = fresh_link(
        client,
        "erika@example.org",
        homepage="http://spam.example",
        capture=django_capture_on_commit_callbacks,
    )
    assert bot.status_code == 400 and not mail.outbox
    bad = fresh_link(client, "keine-adresse", capture=django_capture_on_commit_callbacks)
    assert bad.status_code == 400 and "email" in bad.context["form"].errors and not mail.outbox
    guarded = Client(enforce_csrf_checks=True)
    assert (
        guarded.post(
            reverse("places:owner_link_request"), {"email": "erika@example.org"}
        ).status_code
        == 403
    )
    assert not mail.outbox


# --- import conflicts and imported places on the review page ---------------------------------


def _imported(world, **extra):
    from tests.places.support import make_place

    owner = {"owner_name": extra.pop("owner_name", ""), "owner_email": extra.pop("owner_email", "")}
    place = make_place(
        world, "Alte Molkerei", source="Karte von morgen", external_id="8a3c", **extra
    )
    Place.objects.filter(pk=place.pk).update(**owner)
    place.refresh_from_db()
    return place


def _conflict(place, version="5", **changes):
    from standortlotse.places import exchange
    from standortlotse.places.models import ImportConflict

    data = exchange.content_of(place)
    data.update(changes)
    return ImportConflict.objects.create(
        place=place, source="Karte von morgen", data=data, version=version
    )


def test_review_compares_a_conflict_field_by_field_with_labels_and_readable_values(client, world):
    place = _imported(world, licence="CC0-1.0")
    _conflict(
        place,
        pitch="Beim Partner geändert",
        types=["coworking", "maker_space"],
        story='<p>Neu <strong>beim Partner</strong></p><script>alert("x")</script>',
        municipality_ags=world.mun_b.ags,
    )
    _conflict(place, version="6", pitch="Noch neuer")
    client.force_login(world.moderator)
    response = client.get(reverse("places:review", args=[place.pk]))
    html = response.content.decode()
    section = html[html.index('class="section conflict"') :]
    for shown in (
        "Feld",
        "hier (lokal)",
        "vom Partner (Karte von morgen)",
        "Kurzvorstellung",
        "Art des Ortes",
        "Coworking, Makerspace/offene Werkstatt",
        "Geschichte",
        "<p>Neu <strong>beim Partner</strong></p>",  # as the sanitiser leaves it
        'Gemeinde</th><td data-label="hier (lokal)">Stendal</td>',
        "Gardelegen",
        "Fassung 5 des Partners",
        "Fassung 6 des Partners",
        "2 Fassungen des Partners warten",
        "Fassung des Partners übernehmen",
        "Lokale Fassung behalten",
    ):
        assert shown in html, shown
    for hidden in ("pitch", "municipality_ags", "social_links", "['", "alert(", "Eingehende Werte"):
        assert hidden not in section, hidden
    assert "Name" not in section.split("</table>")[0]  # unchanged: only in the details list
    english = client.get("/en" + reverse("places:review", args=[place.pk])).content.decode()
    assert "Short pitch" in english and "here (local)" in english and "alert(" not in english


def test_imported_place_without_contact_has_no_owner_and_gets_no_link(
    client, world, django_capture_on_commit_callbacks
):
    from standortlotse.places.models import OwnerLink

    place = _imported(world)
    client.force_login(world.moderator)
    html = client.get(reverse("places:review", args=[place.pk])).content.decode()
    assert "Importiert aus Karte von morgen; Pflege beim Partner." in html
    assert "Keine Adresse einer Betreiberin oder eines Betreibers" in html
    assert reverse("places:review_rotate", args=[place.pk]) not in html
    assert "localhost" not in html and "Eingereicht von" not in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("places:review_rotate", args=[place.pk]), follow=True)
    assert "aus Karte von morgen importiert" in response.content.decode()
    assert not mail.outbox and not OwnerLink.objects.filter(place=place).exists()
    assert "Einen neuen privaten Link" not in response.content.decode()


def test_imported_place_with_the_partners_contact_offers_the_owner_link(
    client, world, django_capture_on_commit_callbacks
):
    place = _imported(world, owner_name="Jana Beispiel", owner_email="hallo@molkerei.example")
    client.force_login(world.moderator)
    html = client.get(reverse("places:review", args=[place.pk])).content.decode()
    assert "Jana Beispiel &lt;hallo@molkerei.example&gt;" in html
    assert reverse("places:review_rotate", args=[place.pk]) in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("places:review_rotate", args=[place.pk]))
    assert mail.outbox[-1].to == ["hallo@molkerei.example"]


def test_public_page_of_an_imported_place_names_its_source_and_licence(client, world):
    place = _imported(world, licence="CC0-1.0")
    html = client.get(place.get_absolute_url()).content.decode()
    assert "Daten von Karte von morgen, Lizenz CC0-1.0" in html
    from tests.places.support import make_place

    own = client.get(make_place(world, "Eigener Ort").get_absolute_url()).content.decode()
    assert "Daten von" not in own


def test_the_review_shows_a_proposal_by_labels_and_values_as_people_read_them(client, world, place):
    """An owner's proposal with markup in a text field and in the story and a changed choice: the
    moderator reads field labels, choice labels, the story as the sanitiser leaves it and any
    other text escaped; never the internal names or raw HTML."""
    publish(world, place)
    data = {
        "fields": {
            "name": place.name,
            "pitch": "Neu <b>x</b>",
            "story": "<p>Hallo <b>x</b></p><script>alert(1)</script>",
            "municipality": world.mun_b.pk,
            "contact_email": "neu@example.org",
        },
        "attributes": {"field": ["work"], "type": ["coworking", "maker_space"], "offer": []},
    }
    PendingUpdate.objects.create(place=place, data=data)
    client.force_login(world.moderator)
    page = client.get(reverse("places:review", args=[place.pk])).content.decode()
    table = page.split('class="conflict-table proposal-table"')[1].split("</table>")[0]
    headers = re.findall(r'<th scope="row">(.*?)</th>', table)
    # In the order of the owner's form: the texts, the vocabulary lists, then where.
    assert headers[:5] == ["Kurzvorstellung", "Geschichte", "Art des Ortes", "Angebote", "Gemeinde"]
    for internal in ("pitch", "story", "municipality", "contact_email", "type"):
        assert f'<th scope="row">{internal}</th>' not in table
    assert "Neu &lt;b&gt;x&lt;/b&gt;" in table  # a text field: escaped
    assert "<p>Hallo <b>x</b></p>" in table  # the story: rendered as the sanitiser leaves it
    assert "<script>" not in table and "&lt;p&gt;" not in table
    assert world.mun_b.name in table and f">{world.mun_b.pk}<" not in table
    assert "Coworking, Makerspace/offene Werkstatt" in table  # the choices by their labels
    assert "maker_space" not in table
    assert "Felder bleiben unverändert" in page or "Feld bleibt unverändert" in page


@pytest.mark.parametrize(
    ("language", "published", "review"),
    [
        ("de", "veröffentlicht (vorher: in Prüfung)", "in Prüfung (vorher: eingereicht)"),
        ("en", "published (before: in review)", "in review (before: submitted)"),
    ],
)
def test_the_log_names_the_statuses_by_their_labels(
    client, world, place, language, published, review
):
    moderate(client, world.moderator, place, "in_review")
    moderate(client, world.moderator, place, "published")
    from django.utils import translation

    with translation.override(language):
        url = reverse("places:review", args=[place.pk])
    page = client.get(url).content.decode()
    log = page.split('<ol class="history">')[1].split("</ol>")[0]
    assert published in log and review in log
    assert "in_review" not in log and "published" not in log.replace(published, "")


# --- staff mails in the moderator's language ---------------------------------------------------


def test_place_from_english_page_mails_each_moderator_in_their_own_language(
    client, world, django_capture_on_commit_callbacks
):
    from standortlotse.accounts.models import StaffPreference

    english = member(
        Membership.Role.REGIONAL_MODERATOR, region=world.region, username="moderator_en"
    )
    StaffPreference.objects.create(user=english, language="en")
    StaffPreference.objects.create(user=world.moderator, language="de")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en" + reverse("places:submit", args=["altmark"]), submission(world)
        )
    assert response.status_code == 302
    place = Place.objects.get(name="Coworking Alte Schule")
    to = {tuple(m.to): m for m in mail.outbox}
    assert set(to) == {
        ("erika@example.org",),
        ("moderator@example.org",),
        ("moderator_en@example.org",),
    }
    german, english_mail = to[("moderator@example.org",)], to[("moderator_en@example.org",)]
    assert german.subject == "Neuer Ort zur Prüfung: Coworking Alte Schule"
    assert "Ein neuer Ort wurde eingereicht" in german.body
    assert f"/datenpflege/orte/{place.pk}/" in german.body and "/en/" not in german.body
    assert english_mail.subject == "New place to review: Coworking Alte Schule"
    assert "A new place was submitted" in english_mail.body
    # The submitter keeps the language of the page they used.
    assert to[("erika@example.org",)].subject == 'Thank you for submitting "Coworking Alte Schule"'
