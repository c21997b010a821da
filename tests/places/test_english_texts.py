"""The English pitch and story of a place through the owner's private link: the owner's form
offers them, an owner's update of a published place holds them for review, the moderator reads
them in the proposal beside the stored text, accepting puts them on the /en/ page (the story only
as the sanitiser leaves it), and a bad value keeps every other entry."""

import re

import pytest
from django.urls import reverse

from standortlotse.places import services
from standortlotse.places.models import PendingUpdate, Place, Status
from tests.places.support import owner_token, submission

pytestmark = pytest.mark.django_db

STORY_EN = "<p>Our <strong>history</strong> in English</p><script>alert(1)</script>"


def english(world, **overrides):
    return submission(
        world, **{"pitch_en": "Desks in the village", "story_en": STORY_EN, **overrides}
    )


def proposal_rows(page: str) -> dict[str, tuple[str, str]]:
    table = page.split('class="conflict-table proposal-table"')[1].split("</table>")[0]
    return {
        label: (now, proposed)
        for label, now, proposed in re.findall(
            # each row opens with the moderator's checkbox to accept the change
            r'<tr[^>]*><td[^>]*><input[^>]*>.*?</td><th scope="row">(.*?)</th>'
            r"<td[^>]*>(.*?)</td><td[^>]*>(.*?)</td></tr>",
            table,
            re.S,
        )
    }


def test_owner_form_offers_the_english_texts_with_german_labels(client, world, place):
    page = client.get(reverse("places:owner", args=[owner_token(place)])).content.decode()
    assert 'name="pitch_en"' in page and 'name="story_en"' in page
    assert "Kurzbeschreibung auf Englisch (optional)" in page
    assert "Geschichte auf Englisch (optional)" in page


def test_english_update_is_held_reviewed_with_its_change_and_shown_under_en(
    client, world, place, django_capture_on_commit_callbacks
):
    services.moderate(world.moderator, place, Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("places:owner", args=[owner_token(place)]), english(world))
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.pitch_en == "" and place.story_en == ""  # public version unchanged
    update = PendingUpdate.objects.get(place=place)
    held = update.data["fields"]
    assert held["pitch_en"] == "Desks in the village"
    assert "<script>" not in held["story_en"] and "<strong>history</strong>" in held["story_en"]

    client.force_login(world.moderator)
    page = client.get(reverse("places:review", args=[place.pk])).content.decode()
    rows = proposal_rows(page)
    assert rows["Kurzvorstellung (Englisch)"] == ("–", "Desks in the village")
    now, proposed = rows["Geschichte (Englisch)"]
    assert now == "–"
    assert proposed == "<p>Our <strong>history</strong> in English</p>"  # HTML, sanitised
    table = page.split("proposal-table")[1].split("</table>")[0]
    assert "pitch_en" not in re.sub(r"<[^>]+>", "", table)  # shown: labels, never the names

    client.post(reverse("places:review_update", args=[place.pk, update.pk]), {"decision": "accept"})
    place.refresh_from_db()
    assert place.pitch_en == "Desks in the village" and not PendingUpdate.objects.exists()
    client.logout()
    page_en = client.get(f"/en/orte/{place.pk}/").content.decode()
    assert "<p>Our <strong>history</strong> in English</p>" in page_en
    assert "Desks in the village" in page_en
    assert "alert(1)" not in page_en and "Unsere <strong>Geschichte</strong>" not in page_en
    page_de = client.get(f"/orte/{place.pk}/").content.decode()
    assert "Unsere <strong>Geschichte</strong>" in page_de and "in English" not in page_de


def test_a_second_english_update_shows_the_stored_text_as_now(client, world, place):
    place.pitch_en, place.story_en = "Old pitch", "<p>Old story</p>"
    place.save()
    services.moderate(world.moderator, place, Status.PUBLISHED)
    client.post(reverse("places:owner", args=[owner_token(place)]), english(world))
    client.force_login(world.moderator)
    rows = proposal_rows(client.get(reverse("places:review", args=[place.pk])).content.decode())
    assert rows["Kurzvorstellung (Englisch)"] == ("Old pitch", "Desks in the village")
    assert rows["Geschichte (Englisch)"][0] == "<p>Old story</p>"


def test_english_texts_apply_directly_before_publication(client, world, place):
    client.post(reverse("places:owner", args=[owner_token(place)]), english(world))
    place.refresh_from_db()
    assert place.pitch_en == "Desks in the village"
    assert place.story_en == "<p>Our <strong>history</strong> in English</p>"
    assert not PendingUpdate.objects.exists()


def test_an_older_pending_update_without_english_texts_keeps_them(client, world, place):
    place.pitch_en = "Kept pitch"
    place.save()
    services.moderate(world.moderator, place, Status.PUBLISHED)
    update = PendingUpdate.objects.create(
        place=place,
        data={"fields": {"pitch": "Neu"}, "attributes": {"field": ["work"]}},
    )
    client.force_login(world.moderator)
    rows = proposal_rows(client.get(reverse("places:review", args=[place.pk])).content.decode())
    assert "Kurzvorstellung (Englisch)" not in rows
    client.post(reverse("places:review_update", args=[place.pk, update.pk]), {"decision": "accept"})
    place.refresh_from_db()
    assert (place.pitch, place.pitch_en) == ("Neu", "Kept pitch")


def test_too_long_english_pitch_names_the_field_and_keeps_every_entry(client, world, place):
    services.moderate(world.moderator, place, Status.PUBLISHED)
    response = client.post(
        reverse("places:owner", args=[owner_token(place)]),
        english(world, pitch_en="x" * 201, name="Coworking Neue Schule", tags="Garten"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["pitch_en"]
    page = response.content.decode()
    summary = page.split('id="error-summary"')[1].split("</ul>")[0]
    assert 'href="#id_pitch_en"' in summary and "Kurzbeschreibung auf Englisch" in summary
    assert 'value="Coworking Neue Schule"' in page and 'value="Garten"' in page
    assert 'value="Schreibtische im Dorf"' in page
    assert "x" * 201 in page  # the bad value itself, to correct it
    assert "&lt;strong&gt;history&lt;/strong&gt; in English" in page  # the English story
    assert "&lt;strong&gt;Geschichte&lt;/strong&gt;" in page  # the German story
    assert not PendingUpdate.objects.exists()
    place.refresh_from_db()
    assert place.pitch_en == "" and place.name == "Coworking Alte Schule"


def test_review_page_shows_the_stored_english_texts(client, world, place):
    place.pitch_en, place.story_en = "Desks in the village", STORY_EN
    place.save()
    client.force_login(world.moderator)
    page = client.get(reverse("places:review", args=[place.pk])).content.decode()
    content = page.split('id="content-heading"')[1].split("</section>")[0]
    assert "Desks in the village</p>" in content and '<p lang="en">' in content
    assert '<div class="description" lang="en"><p>Our <strong>history</strong>' in content
    assert "alert(1)" not in content


def test_english_story_shows_under_en_even_without_a_german_story(client, world, place):
    """The /en/ page took the English story only when a German one was written too."""
    place.story, place.story_en = "", "<p>Only in English</p>"
    place.save()
    services.moderate(world.moderator, place, Status.PUBLISHED)
    assert "<p>Only in English</p>" in client.get(f"/en/orte/{place.pk}/").content.decode()


def test_public_submission_takes_the_english_texts_too(world, submit):
    """The submission form shares the owner's form, so the English texts can be given at once."""
    assert submit(pitch_en="Desks in the village", story_en=STORY_EN).status_code == 302
    created = Place.objects.get(name="Coworking Alte Schule")
    assert created.pitch_en == "Desks in the village"
    assert created.story_en == "<p>Our <strong>history</strong> in English</p>"
