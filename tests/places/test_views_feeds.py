"""Request tests of the partner-feed pages (places/views/feeds.py): the list, creating and editing
a feed with its mapping table (errors name the row and keep every entry), "pull now" against a
local partner server, the history, and who may see them."""

import pytest
from django.urls import reverse

from standortlotse.accounts.models import Membership
from standortlotse.places import partners
from standortlotse.places.models import FeedFormat, FeedRun, PartnerFeed, Place
from tests.factories import DistrictFactory, RegionFactory, member
from tests.places.test_partners import partner_server, raw  # noqa: F401 (fixture)


def form_data(response) -> dict:
    """What the browser would send back for the page's form, unchanged."""
    data = {}
    forms = [response.context["form"], response.context["default_form"]]
    formset = response.context["formset"]
    forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, (list, tuple)):
                data[key] = list(value)
            elif value is None or value is False:
                continue
            elif hasattr(value, "pk"):
                data[key] = value.pk
            else:
                data[key] = value
    return data


def rows_by_word(data: dict) -> dict:
    return {v: k.split("-")[1] for k, v in data.items() if k.endswith("-word") and v}


@pytest.fixture
def moderator(client, world):
    client.force_login(world.moderator)
    return client


@pytest.fixture
def feed(world):
    return PartnerFeed.objects.create(
        name="Karte von morgen", format=FeedFormat.KVM_CSV, region=world.region
    )


def test_list_shows_feeds_of_the_region_with_the_last_run(moderator, world, feed):
    partners.record_run(feed, {"new": 3, "error": 1}, http_status=200, message="Alles gut")
    partners.record_run(feed, {"new": 7}, http_status=200, message="Neuester Lauf")
    other = RegionFactory(name="Prignitz", slug="prignitz")
    PartnerFeed.objects.create(name="Fremder Feed", region=other)
    response = moderator.get(reverse("places:feed_list"))
    page = response.content.decode()
    assert "Karte von morgen (CSV-Export)" in page and "Altmark" in page
    assert "Neuester Lauf" in page and "neu: 7," in page
    assert "Alles gut" not in page  # only the last run
    assert "Fremder Feed" not in page
    assert reverse("places:feed_edit", args=[feed.pk]) in page
    assert reverse("places:feed_list") in moderator.get(reverse("places:queue")).content.decode()


def type_rows(data: dict, rows: list[dict]) -> None:
    """Fill the empty rows of the table as a moderator would (more rows as after a save)."""
    total = int(data["row-TOTAL_FORMS"])
    empty = [i for i in range(total) if not data.get(f"row-{i}-word")]
    empty += range(total, total + len(rows))
    data["row-TOTAL_FORMS"] = str(max(total, empty[len(rows) - 1] + 1))
    for i, row in zip(empty, rows, strict=False):
        for key, value in row.items():
            data[f"row-{i}-{key}"] = value


def rows_of(response) -> dict:
    """{word: initial row} of the table as the page shows it."""
    return {
        form["word"].value(): {k: form[k].value() for k in ("applies", "fields", "types", "tags")}
        for form in response.context["formset"].forms
        if form["word"].value()
    }


ADDED = "Die Standardzuordnung des Formats wurde ergänzt – bitte prüfen und speichern."


def test_create_adds_the_formats_defaults_before_saving(moderator, world):
    """The tester's case: a new GoGoCarto feed with three rows typed; the defaults of the format
    are added to them (shown, not saved) and only the next save stores the whole table."""
    response = moderator.get(reverse("places:feed_create"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="prefilled_for" value="auto"' in page
    # while the format is "detect", no claim that "its format's" defaults are shown
    assert "Standardzuordnung des Formats, als das seine Dateien erkannt werden" in page
    assert "Standardzuordnung seines Formats" not in page
    assert 'hx-post="/' in page and 'hx-select="#mapping"' in page and "htmx.min.js" in page
    data = form_data(response)
    data.update({"name": "Zukunftsorte", "format": "gogocarto", "url": "", "active": "on"})
    type_rows(
        data,
        [
            {"applies": "categories", "word": "Bühne", "fields": ["life"], "types": ["culture"]},
            {"applies": "categories", "word": "Gastronomie", "offers": ["cafe"]},
            {"applies": "categories", "word": "Regionale Produkte", "types": ["village_shop"]},
            {"applies": "both", "word": "Fablab", "fields": ["life"], "types": ["culture"]},
        ],
    )
    response = moderator.post(reverse("places:feed_create"), data)
    assert response.status_code == 200  # not saved
    assert not PartnerFeed.objects.exists()
    page = response.content.decode()
    assert ADDED in page
    rows = rows_of(response)
    for word in ("Bühne", "Gastronomie", "Regionale Produkte"):
        assert word in rows  # the typed rows are kept ...
    for word in ("atelier", "kreativort", "veranstaltungen", "coworking"):
        assert word in rows  # ... and the defaults are added
    assert "fablab" not in rows and rows["Fablab"]["types"] == ["culture"]  # theirs win
    assert response.context["default_form"]["fields"].value() == ["life"]  # the default, too
    data = form_data(response)
    assert data["prefilled_for"] == "gogocarto" and data["name"] == "Zukunftsorte"
    response = moderator.post(reverse("places:feed_create"), data)
    assert response.status_code == 302, response.context["mapping_errors"]
    feed = PartnerFeed.objects.get(name="Zukunftsorte")
    assert feed.region == world.region and feed.format == "gogocarto"
    categories = {partners._key(w) for w in feed.mapping["categories"]}
    typed = {partners._key(w) for w in ("Bühne", "Gastronomie", "Regionale Produkte")}
    assert typed | {"atelier", "kreativort"} <= categories
    assert feed.mapping["categories"]["Fablab"] == {"fields": ["life"], "types": ["culture"]}
    assert feed.mapping["default"] == {"fields": ["life"], "types": ["other"]}


def test_create_with_the_defaults_unchanged_keeps_following_them(moderator, world):
    data = form_data(moderator.get(reverse("places:feed_create")))
    data.update({"name": "Zukunftsorte", "format": "gogocarto", "url": "", "active": "on"})
    response = moderator.post(reverse("places:feed_create"), data)
    assert response.status_code == 200 and ADDED in response.content.decode()
    response = moderator.post(reverse("places:feed_create"), form_data(response))
    assert response.status_code == 302
    feed = PartnerFeed.objects.get(name="Zukunftsorte")
    assert feed.mapping == {}  # the table equal to the defaults: the feed follows them
    page = moderator.get(reverse("places:feed_edit", args=[feed.pk])).content.decode()
    assert 'value="fablab"' in page  # the GoGoCarto defaults as rows
    data = form_data(moderator.get(reverse("places:feed_edit", args=[feed.pk])))
    assert moderator.post(reverse("places:feed_edit", args=[feed.pk]), data).status_code == 302
    feed.refresh_from_db()
    assert feed.mapping == {}  # saved unchanged: still the defaults


def test_create_with_detect_saves_at_once(moderator, world):
    data = form_data(moderator.get(reverse("places:feed_create")))
    data.update({"name": "Irgendwas", "format": "auto", "url": "", "active": "on"})
    type_rows(data, [{"applies": "tags", "word": "Bühne", "types": ["culture"]}])
    assert moderator.post(reverse("places:feed_create"), data).status_code == 302
    feed = PartnerFeed.objects.get(name="Irgendwas")
    assert feed.mapping["tags"] == {"Bühne": {"types": ["culture"]}}


def test_changing_the_format_replaces_untouched_defaults(moderator, world, feed):
    """A feed following the defaults of Karte von morgen switched to GoGoCarto: its untouched
    rows give way to GoGoCarto's; a typed row stays."""
    data = form_data(moderator.get(reverse("places:feed_edit", args=[feed.pk])))
    assert data["prefilled_for"] == "kvm_csv"
    data["format"] = "gogocarto"
    type_rows(data, [{"applies": "tags", "word": "Bühne", "types": ["culture"]}])
    response = moderator.post(reverse("places:feed_edit", args=[feed.pk]), data)
    assert response.status_code == 200 and ADDED in response.content.decode()
    feed.refresh_from_db()
    assert feed.format == "kvm_csv"  # nothing saved yet
    rows = rows_of(response)
    assert partners.KVM_COMPANY not in rows and "non-profit" not in rows  # Karte von morgen's
    assert "Bühne" in rows and rows["kreativort"]["applies"] == "both"
    response = moderator.post(reverse("places:feed_edit", args=[feed.pk]), form_data(response))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.format == "gogocarto" and "Bühne" in feed.mapping["tags"]
    assert partners.KVM_COMPANY not in feed.mapping["categories"]


def test_the_htmx_refresh_never_saves(moderator, world, feed):
    data = form_data(moderator.get(reverse("places:feed_edit", args=[feed.pk])))
    data.update({"format": "gogocarto", "name": "Umbenannt"})
    url = reverse("places:feed_edit", args=[feed.pk])
    response = moderator.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ADDED in response.content.decode()
    assert "kreativort" in rows_of(response)
    data = form_data(response)  # the same format again: still only the table
    response = moderator.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    feed.refresh_from_db()
    assert (feed.name, feed.format) == ("Karte von morgen", "kvm_csv")


def test_mapping_error_names_row_and_value_and_keeps_every_entry(moderator, world, feed):
    response = moderator.get(reverse("places:feed_edit", args=[feed.pk]))
    data = form_data(response)
    total = int(data["row-TOTAL_FORMS"])
    last = total - 1  # an empty extra row
    data[f"row-{last}-word"] = "Lastenrad-Verleih"
    data[f"row-{last}-applies"] = "tags"
    data[f"row-{last}-types"] = ["spaceship"]  # a value a tampered form could send
    data[f"row-{last}-tags"] = "Mobilität"
    data["name"] = "Karte von morgen Altmark"
    response = moderator.post(reverse("places:feed_edit", args=[feed.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Zeile {total}:" in page
    assert "spaceship" in page and "coworking, coliving" in page  # what is accepted
    # nothing entered is lost
    assert 'value="Lastenrad-Verleih"' in page and 'value="Mobilität"' in page
    assert 'value="Karte von morgen Altmark"' in page
    feed.refresh_from_db()
    assert feed.name == "Karte von morgen" and feed.mapping == {}


def test_duplicate_word_and_targets_without_word_are_named(moderator, feed):
    data = form_data(moderator.get(reverse("places:feed_edit", args=[feed.pk])))
    total = int(data["row-TOTAL_FORMS"])
    data[f"row-{total - 2}-word"] = "Coworking"  # already a row of the defaults
    data[f"row-{total - 2}-applies"] = "tags"
    data[f"row-{total - 1}-offers"] = ["events"]
    page = moderator.post(reverse("places:feed_edit", args=[feed.pk]), data).content.decode()
    assert f"Zeile {total - 1}: „Coworking“ ist bereits in Zeile" in page
    assert f"Zeile {total}: Bitte die Kategorie oder das Tag des Partners eintragen." in page


def test_edit_maps_a_new_category_from_the_last_run(moderator, world, partner_server):  # noqa: F811
    from tests.places.test_partners import Partner

    Partner.body = raw("kvm_entries.csv")
    feed = PartnerFeed.objects.create(
        name="KvM",
        format=FeedFormat.KVM_CSV,
        url=partner_server + "/export/entries.csv",
        region=world.region,
    )
    response = moderator.post(reverse("places:feed_pull", args=[feed.pk]))
    assert response.status_code == 302
    run = FeedRun.objects.get(feed=feed)
    assert run.unmapped_categories == ["99999999999999999999999999999999"]
    response = moderator.get(reverse("places:feed_edit", args=[feed.pk]))
    data = form_data(response)
    row = rows_by_word(data)["99999999999999999999999999999999"]
    assert row == "0" and data["row-0-seen"] is True
    assert "row-new" in response.content.decode()
    data["row-0-fields"] = ["life"]
    data["row-0-types"] = ["culture"]
    assert moderator.post(reverse("places:feed_edit", args=[feed.pk]), data).status_code == 302
    feed.refresh_from_db()
    assert feed.mapping["categories"]["99999999999999999999999999999999"] == {
        "fields": ["life"],
        "types": ["culture"],
    }
    assert feed.mapping["tags"]["coworking"]["types"] == ["coworking"]  # the rest kept
    # the category is mapped now: it is no longer offered as new
    data = form_data(moderator.get(reverse("places:feed_edit", args=[feed.pk])))
    assert data.get("row-0-seen") is not True


def test_pull_now_runs_the_feed_and_shows_the_result(moderator, world, partner_server):  # noqa: F811
    feed = PartnerFeed.objects.create(
        name="Zukunftsorte", url=partner_server + "/api/elements.json", region=world.region
    )
    response = moderator.post(reverse("places:feed_pull", args=[feed.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("places:feed_history", args=[feed.pk])
    assert "Abgerufen: HTTP 200 · neu: 1," in page
    assert "Tiny House Dorf" in page  # the run's message
    assert Place.objects.filter(source="Zukunftsorte").count() == 1
    response = moderator.post(reverse("places:feed_pull", args=[feed.pk]), follow=True)
    assert "HTTP 304" in response.content.decode()
    assert FeedRun.objects.filter(feed=feed).count() == 2
    assert moderator.get(reverse("places:feed_pull", args=[feed.pk])).status_code == 405


def test_pull_now_without_address_says_so(moderator, feed):
    response = moderator.post(reverse("places:feed_pull", args=[feed.pk]), follow=True)
    assert "keine Adresse" in response.content.decode()
    assert not FeedRun.objects.filter(feed=feed).exists()


def test_history_lists_every_run(moderator, feed):
    partners.record_run(feed, {"new": 2, "update": 1, "unchanged": 4, "conflict": 1}, 200)
    partners.record_run(feed, {}, message="Adresse nicht erreichbar")
    page = moderator.get(reverse("places:feed_history", args=[feed.pk])).content.decode()
    assert "Adresse nicht erreichbar" in page
    assert page.index("Adresse nicht erreichbar") < page.index('data-label="neu">2<')
    assert 'data-label="unverändert">4<' in page


def test_other_regions_feed_is_404_and_cannot_be_pulled(client, world, feed):
    other_district = DistrictFactory(name="Landkreis Prignitz", key="12070")
    other_region = RegionFactory(name="Prignitz", slug="prignitz", districts=[other_district])
    outsider = member(Membership.Role.REGIONAL_MODERATOR, region=other_region, username="mod_b")
    client.force_login(outsider)
    for name in ("places:feed_edit", "places:feed_history"):
        assert client.get(reverse(name, args=[feed.pk])).status_code == 404
    assert client.post(reverse("places:feed_pull", args=[feed.pk])).status_code == 404
    assert (
        client.post(reverse("places:feed_edit", args=[feed.pk]), {"name": "X"}).status_code == 404
    )
    assert "Karte von morgen" not in client.get(reverse("places:feed_list")).content.decode()
    # nor can a feed be created in a region the moderator does not moderate
    response = client.get(reverse("places:feed_create"))
    data = form_data(response)
    data.update({"name": "Untergeschoben", "region": world.region.pk, "format": "auto"})
    response = client.post(reverse("places:feed_create"), data)
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert not PartnerFeed.objects.filter(name="Untergeschoben").exists()


@pytest.mark.parametrize("name", ["feed_list", "feed_create", "feed_edit", "feed_history"])
def test_editor_gets_403_and_anonymous_the_login(client, world, feed, name):
    url = reverse(
        f"places:{name}", **({"args": [feed.pk]} if "edit" in name or "history" in name else {})
    )
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(world.editor_a)
    assert client.get(url).status_code == 403
