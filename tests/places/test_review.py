"""Request tests of the review page (places/views/moderation.py) with full sight: everything the
public page will show (map, address, opening, contact, links, photos with credits and alt
texts, both languages), an owner's update accepted field by field and photo by photo, declined
or asked back, and the thread of messages with the owner on both sides; who may do it."""

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from standortlotse.accounts.models import Membership
from standortlotse.places import services
from standortlotse.places.models import PendingUpdate, Place, PlacePhoto, Status, Transition
from tests.factories import DistrictFactory, RegionFactory, member
from tests.places.support import make_place, owner_token, png, submission

pytestmark = pytest.mark.django_db

FULL = {
    "street": "Schulstraße 3",
    "postcode": "39576",
    "locality": "Stendal-Uenglingen",
    "opening_info": "Mo–Fr 9–18 Uhr",
    "contact_name": "Clara Kontakt",
    "contact_email": "kontakt@alte-schule.example",
    "contact_phone": "03931 123 456",
    "website": "https://alte-schule.example",
    "social_links": "https://social.example/@alteschule",
    "pitch_en": "Desks in the village",
    "story_en": "<p>Our story</p>",
    "former_use": "Dorfschule",
    "languages": "Deutsch, Englisch",
    "accessibility": "Rampe am Eingang",
    "lat": "52.6123",
    "lon": "11.8712",
}


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def review_page(client, user, place) -> str:
    client.force_login(user)
    response = client.get(reverse("places:review", args=[place.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def full_place(world, submit):
    response = submit(
        photo=png(), photo_alt="Der Coworking-Raum", photo_credit="Foto: Erika", **FULL
    )
    assert response.status_code == 302
    return Place.objects.get(name="Coworking Alte Schule")


@pytest.fixture
def published(world, full_place):
    services.moderate(world.moderator, full_place, Status.PUBLISHED)
    return full_place


def propose(client, world, place, capture, **changes):
    """The owner's form as the private page posts it, with `changes` over the stored values."""
    data = submission(world, **{**FULL, **changes})
    with capture(execute=True):
        response = client.post(reverse("places:owner", args=[owner_token(place)]), data)
    assert response.status_code == 302
    client.logout()
    return PendingUpdate.objects.get(place=place)


def decide(client, user, place, update, **data):
    client.force_login(user)
    return client.post(reverse("places:review_update", args=[place.pk, update.pk]), data)


# --- 1. everything the public page shows ---------------------------------------------------------


def test_review_shows_everything_the_public_page_shows(client, world, full_place):
    page = review_page(client, world.moderator, full_place)
    content = page.split('id="content-heading"')[1].split("</section>")[0]
    text = text_of(content)
    for value in (
        "Schreibtische im Dorf",
        "Desks in the village",
        "Schulstraße 3",
        "39576 Stendal-Uenglingen",
        "Mo–Fr 9–18 Uhr",
        "Clara Kontakt",
        "kontakt@alte-schule.example",
        "03931 123 456",
        "https://alte-schule.example",
        "https://social.example/@alteschule",
        "Dorfschule",
        "Deutsch, Englisch",
        "Rampe am Eingang",
        "Glasfaser, Garten",
        "Coworking",  # type
        "Arbeiten/Wirtschaft",  # field
        "Arbeitsplätze zur Miete, Veranstaltungen",  # offers
        "Alternativtext: Der Coworking-Raum",
        "Bildnachweis: Erika",  # the page says "Foto:" itself (core.images.plain_credit)
    ):
        assert value in text, value
    assert (
        "<strong>Geschichte</strong>" in content
        and '<div class="description" lang="en"><p>Our story</p>' in content
    )
    assert 'alt="Der Coworking-Raum"' in content
    assert 'href="https://alte-schule.example"' in content
    # The map point on a map with background: the map include of the detail page and its data.
    assert 'id="detail-map"' in content and 'data-map="detail"' in content
    assert "data-map-config" in page and "js/map.js" in page and "leaflet.js" in page
    data = json.loads(
        page.split('<script id="map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert (data["lat"], data["lon"], data["proposed"]) == (52.6123, 11.8712, [])
    assert "52,612300° N, 11,871200° O" in text
    # Grouped like the public page: sections in its order.
    order = [text.index(h) for h in ("Fotos", "Geschichte", "Gut zu wissen", "Lage", "Kontakt")]
    assert order == sorted(order)


def test_review_shows_the_held_photo_and_the_proposed_point(
    client, world, published, django_capture_on_commit_callbacks
):
    propose(
        client,
        world,
        published,
        django_capture_on_commit_callbacks,
        lat="52.6200",
        lon="11.8800",
        photo=png(),
        photo_alt="Der neue Garten",
        photo_credit="Foto: Olaf",
    )
    page = review_page(client, world.moderator, published)
    proposal = text_of(page.split('class="section proposal"')[1].split("</section>")[0])
    assert "Kartenpunkt" in proposal and "52,620000° N, 11,880000° O" in proposal
    assert "km vom bisherigen Punkt" in proposal
    assert "Neues Foto. Alternativtext: Der neue Garten" in proposal and "Foto: Olaf" in proposal
    data = json.loads(
        page.split('<script id="map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert [(p["lat"], p["lon"]) for p in data["proposed"]] == [(52.62, 11.88)]


# --- 2. an owner's update field by field ---------------------------------------------------------


def test_moderator_accepts_some_fields_and_the_rest_stays(
    client, world, published, django_capture_on_commit_callbacks
):
    update = propose(
        client,
        world,
        published,
        django_capture_on_commit_callbacks,
        pitch="Noch besser",
        opening_info="Immer offen",
        lat="52.6200",
        lon="11.8800",
    )
    page = review_page(client, world.moderator, published)
    boxes = re.findall(
        r'<input type="checkbox" name="changes" value="(\w+)"[^>]*?( checked)?>', page
    )
    assert {name for name, checked in boxes if checked} == {"pitch", "opening_info", "point"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(
            client,
            world.moderator,
            published,
            update,
            decision="accept",
            partial="1",
            changes=["pitch", "point"],
            message="Öffnungszeiten bitte genauer.",
        )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.pitch == "Noch besser" and (published.lat, published.lon) == (52.62, 11.88)
    assert published.opening_info == "Mo–Fr 9–18 Uhr"  # unticked: as it was
    assert not PendingUpdate.objects.exists()
    entry = published.transitions.first()
    assert entry.kind == Transition.Kind.UPDATE_DECIDED and entry.actor == world.moderator
    assert entry.details["outcome"] == "some"
    assert (entry.details["accepted"], entry.details["kept"]) == (
        ["pitch", "point"],
        ["opening_info"],
    )
    page = review_page(client, world.moderator, published)
    log = text_of(page.split('<ol class="history">')[1].split("</ol>")[0])
    assert (
        "vorgeschlagene Änderungen teilweise übernommen; übernommen: Kurzvorstellung, Kartenpunkt; "
        "nicht übernommen: Öffnungszeiten, Nachricht: Öffnungszeiten bitte genauer." in log
    )
    (to_owner,) = [m for m in mail.outbox if m.to == [published.owner_email]]
    assert to_owner.subject == "Ein Teil Ihrer Änderungen an „Coworking Alte Schule“ ist online"
    assert "Nicht übernommen (bleibt, wie es war): Öffnungszeiten" in to_owner.body
    assert "Öffnungszeiten bitte genauer." in to_owner.body and "/orte/mein-ort/" in to_owner.body


def test_nothing_ticked_is_refused_and_the_update_stays(
    client, world, published, django_capture_on_commit_callbacks
):
    update = propose(client, world, published, django_capture_on_commit_callbacks, pitch="Neu")
    response = decide(client, world.moderator, published, update, decision="accept", partial="1")
    assert response.status_code == 200
    assert "Wählen Sie mindestens eine Änderung zum Übernehmen aus" in response.content.decode()
    published.refresh_from_db()
    assert (
        published.pitch == "Schreibtische im Dorf"
        and PendingUpdate.objects.filter(pk=update.pk).exists()
    )


def test_held_photos_and_removals_are_taken_one_by_one(
    client, world, published, django_capture_on_commit_callbacks
):
    second = PlacePhoto.objects.create(place=published, alt_text="Altes Schild", position=1)
    second.image.save("schild.png", png(), save=True)
    first = published.photos.get(alt_text="Der Coworking-Raum")
    update = propose(
        client,
        world,
        published,
        django_capture_on_commit_callbacks,
        pitch="Mit Garten",
        photo=png(),
        photo_alt="Der neue Garten",
        remove_photos=[first.pk, second.pk],
    )
    held = update.photos.get()
    page = review_page(client, world.moderator, published)
    proposal = text_of(page.split('class="section proposal"')[1].split("</section>")[0])
    assert "Betreiber/in möchte dieses Foto entfernen. Alternativtext: Altes Schild" in proposal
    assert "Alternativtext: Der Coworking-Raum" in proposal
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            client,
            world.moderator,
            published,
            update,
            decision="accept",
            partial="1",
            changes=["pitch"],
            removals=[str(second.pk)],  # the old sign goes, the room stays; the garden is not taken
        )
    assert [p.alt_text for p in published.photos.all()] == ["Der Coworking-Raum"]
    assert not type(held).objects.filter(pk=held.pk).exists()  # the held photo went with the update
    details = published.transitions.first().details
    assert details["photos_declined"] == ["Der neue Garten"] and details["photos_accepted"] == []
    assert details["removals_accepted"] == ["Altes Schild"]
    assert details["removals_declined"] == ["Der Coworking-Raum"]


def test_owner_removes_a_photo_directly_before_publication(client, world, full_place):
    photo = full_place.photos.get()
    data = submission(world, **FULL, remove_photos=[photo.pk])
    assert (
        client.post(reverse("places:owner", args=[owner_token(full_place)]), data).status_code
        == 302
    )
    assert not full_place.photos.exists()


def test_declined_update_mails_the_owner_with_the_message(
    client, world, published, django_capture_on_commit_callbacks
):
    update = propose(client, world, published, django_capture_on_commit_callbacks, pitch="Werbung!")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            client,
            world.moderator,
            published,
            update,
            decision="decline",
            message="Bitte ohne Werbung.",
        )
    published.refresh_from_db()
    assert published.pitch == "Schreibtische im Dorf" and not PendingUpdate.objects.exists()
    (to_owner,) = mail.outbox
    assert "wurden nicht übernommen" in to_owner.subject and "Bitte ohne Werbung." in to_owner.body
    assert published.transitions.first().details["outcome"] == "none"


def test_ask_back_mails_the_owner_link_and_the_update_stays_pending(
    client, world, published, django_capture_on_commit_callbacks
):
    update = propose(client, world, published, django_capture_on_commit_callbacks, pitch="Neu")
    response = decide(client, world.moderator, published, update, decision="ask", message="  ")
    assert response.status_code == 200
    assert "Bitte schreiben Sie Ihre Frage an Betreiber/in." in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(
            client,
            world.moderator,
            published,
            update,
            decision="ask",
            message="Ist der Garten öffentlich?",
        )
    assert response.status_code == 302
    assert PendingUpdate.objects.filter(pk=update.pk).exists()
    published.refresh_from_db()
    assert published.pitch == "Schreibtische im Dorf"
    (question,) = mail.outbox
    assert (
        question.to == [published.owner_email]
        and question.subject == "Eine Frage zu „Coworking Alte Schule“"
    )
    assert "Ist der Garten öffentlich?" in question.body and "/orte/mein-ort/" in question.body
    token = re.search(r"/orte/mein-ort/([^/\s]+)/", question.body).group(1)
    assert services.place_for_token(token) == published  # the link in the mail opens the page


def test_a_decided_update_answers_with_a_notice(
    client, world, published, django_capture_on_commit_callbacks
):
    update = propose(client, world, published, django_capture_on_commit_callbacks, pitch="Neu")
    decide(client, world.moderator, published, update, decision="decline")
    response = decide(client, world.moderator, published, update, decision="accept")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Über diese Änderung wurde schon entschieden." in page


# --- 3. the thread ------------------------------------------------------------------------------


def test_thread_of_moderator_and_owner_in_order_on_both_sides(
    client, world, full_place, django_capture_on_commit_callbacks
):
    world.moderator.first_name, world.moderator.last_name = "Anna", "Beispiel"
    world.moderator.save()
    token = owner_token(full_place)
    services.moderate(
        world.moderator, full_place, Status.CHANGES_REQUESTED, "Bitte ein Foto vom Eingang."
    )
    client.force_login(world.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("places:review_message", args=[full_place.pk]), {"message": "Und die Adresse?"}
        )
    client.logout()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("places:owner", args=[token]),
            {"action": "reply", "reply": "Foto folgt, Adresse stimmt."},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["moderator@example.org"]]
    assert "Foto folgt, Adresse stimmt." in mail.outbox[0].body
    owner_page = client.get(reverse("places:owner", args=[token])).content.decode()
    thread = text_of(owner_page.split('<ol class="thread">')[1].split("</ol>")[0])
    assert re.search(
        r"Redaktion ?, [\d.]+, [\d:]+ · Änderungen erbeten Bitte ein Foto vom Eingang\. "
        r"Redaktion ?, [\d.]+, [\d:]+ · Frage Und die Adresse\? "
        r"Sie ?, [\d.]+, [\d:]+ · Antwort Foto folgt, Adresse stimmt\.",
        thread,
    ), thread
    assert "Anna" not in owner_page  # staff names stay in the back office
    page = review_page(client, world.moderator, full_place)
    thread = text_of(page.split('<ol class="thread">')[1].split("</ol>")[0])
    assert re.search(
        r"Anna Beispiel ?, [\d.]+, [\d:]+ · Änderungen erbeten Bitte ein Foto vom Eingang\. "
        r"Anna Beispiel ?, [\d.]+, [\d:]+ · Frage Und die Adresse\? "
        r"Betreiber/in \(Erika Muster\) ?, [\d.]+, [\d:]+ · Antwort Foto folgt, Adresse stimmt\.",
        thread,
    ), thread


def test_empty_reply_is_refused_and_keeps_the_form(client, world, full_place):
    token = owner_token(full_place)
    response = client.post(reverse("places:owner", args=[token]), {"action": "reply", "reply": " "})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    assert not full_place.transitions.filter(kind=Transition.Kind.REPLY).exists()


def test_owner_page_shows_only_its_own_thread(client, world, full_place):
    other = make_place(world, "Kulturscheune")
    services.ask_owner(world.moderator, other, "Geheime Frage an die Scheune")
    services.owner_reply(other, "Antwort der Scheune")
    services.ask_owner(world.moderator, full_place, "Frage an die Schule")
    page = client.get(reverse("places:owner", args=[owner_token(full_place)])).content.decode()
    assert "Frage an die Schule" in page
    assert "Scheune" not in page


def test_place_without_owner_address_gets_no_question(client, world):
    imported = make_place(world, "Importiert", source="kvm")
    Place.objects.filter(pk=imported.pk).update(owner_email="", owner_name="")
    client.force_login(world.moderator)
    response = client.post(
        reverse("places:review_message", args=[imported.pk]), {"message": "Hallo?"}
    )
    assert response.status_code == 302
    assert "Es wurde kein Link gesendet." in client.get(response["Location"]).content.decode()
    assert not imported.transitions.exists()


# --- 5. possible duplicates for the moderator ---------------------------------------------------


def test_queue_and_review_name_possible_duplicates(client, world, full_place):
    near = make_place(world, "Kulturhaus", lat=52.6125, lon=11.8714)  # 26 m from the new place
    other_region = RegionFactory(
        name="Prignitz", slug="prignitz", districts=[DistrictFactory(name="Prignitz", key="12070")]
    )
    hidden = make_place(
        world, "Fremde Einreichung", status=Status.SUBMITTED, lat=52.6124, lon=11.8713
    )
    Place.objects.filter(pk=hidden.pk).update(region=other_region)
    client.force_login(world.moderator)
    queue = client.get(reverse("places:queue")).content.decode()
    row = queue.split(f'href="{reverse("places:review", args=[full_place.pk])}"')[1].split("</tr>")[
        0
    ]
    assert "mögliche Doppelung: Kulturhaus" in row
    assert "Fremde Einreichung" not in queue  # another region's place under review stays unnamed
    page = review_page(client, world.moderator, full_place)
    notice = text_of(page.split('class="notice duplicates"')[1].split("</section>")[0])
    assert "Mögliche Doppelung" in notice and "Kulturhaus (veröffentlicht, 26 m entfernt)" in notice
    assert f'href="{reverse("places:review", args=[near.pk])}"' in page
    assert "Fremde Einreichung" not in page


# --- permissions and CSRF -----------------------------------------------------------------------


def test_moderator_of_another_region_cannot_review_or_accept(
    client, world, published, django_capture_on_commit_callbacks
):
    update = propose(client, world, published, django_capture_on_commit_callbacks, pitch="Neu")
    other_district = DistrictFactory(name="Landkreis Prignitz", key="12070")
    other_region = RegionFactory(name="Prignitz", slug="prignitz", districts=[other_district])
    outsider = member(Membership.Role.REGIONAL_MODERATOR, region=other_region, username="mod_b")
    client.force_login(outsider)
    assert client.get(reverse("places:review", args=[published.pk])).status_code == 404
    partial = {"decision": "accept", "partial": "1", "changes": ["pitch"]}
    url = reverse("places:review_update", args=[published.pk, update.pk])
    assert client.post(url, partial).status_code == 404
    assert client.post(url, {"decision": "ask", "message": "?"}).status_code == 404
    assert (
        client.post(
            reverse("places:review_message", args=[published.pk]), {"message": "?"}
        ).status_code
        == 404
    )
    client.force_login(world.editor_a)
    assert client.post(url, partial).status_code == 403
    client.logout()
    assert client.post(url, partial).status_code == 302  # to the login
    published.refresh_from_db()
    assert (
        published.pitch == "Schreibtische im Dorf"
        and PendingUpdate.objects.filter(pk=update.pk).exists()
    )
    assert not published.transitions.filter(kind=Transition.Kind.QUESTION).exists()


def test_update_of_another_place_is_not_reached_through_this_one(
    client, world, published, django_capture_on_commit_callbacks
):
    update = propose(client, world, published, django_capture_on_commit_callbacks, pitch="Neu")
    other = make_place(world, "Anderer Ort")
    response = decide(client, world.moderator, other, update, decision="accept")
    assert response.status_code == 302
    assert PendingUpdate.objects.filter(pk=update.pk).exists()


def test_review_and_owner_posts_need_the_csrf_token(
    world, published, client, django_capture_on_commit_callbacks
):
    update = propose(client, world, published, django_capture_on_commit_callbacks, pitch="Neu")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.moderator)
    url = reverse("places:review_update", args=[published.pk, update.pk])
    assert (
        strict.post(url, {"decision": "accept", "partial": "1", "changes": ["pitch"]}).status_code
        == 403
    )
    assert (
        strict.post(
            reverse("places:review_message", args=[published.pk]), {"message": "x"}
        ).status_code
        == 403
    )
    owner = Client(enforce_csrf_checks=True)
    reply = {"action": "reply", "reply": "Hallo"}
    assert (
        owner.post(reverse("places:owner", args=[owner_token(published)]), reply).status_code == 403
    )
    published.refresh_from_db()
    assert published.pitch == "Schreibtische im Dorf" and PendingUpdate.objects.exists()
    assert not published.transitions.filter(kind__in=["question", "reply"]).exists()


def test_an_accepted_point_must_still_pass_the_record_rules(world):
    """A guard on the write (an update stored before a rule, or written by a script)."""
    place = make_place(world, "Grenzort")
    update = PendingUpdate.objects.create(
        place=place, data={"fields": {"lat": 10.0, "lon": 10.0}, "attributes": {}}
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.decide_update(world.moderator, update, True, fields=["point"])
    place.refresh_from_db()
    assert (place.lat, place.lon) == (world.mun_a.lat, world.mun_a.lon)
