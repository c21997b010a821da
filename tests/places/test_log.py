"""places/log.py: the place's log as sentences with who and when in the reader's language, never
an internal key (status, actor label, field name), also for entries written before the log
had kinds; and the thread of messages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from standortlotse.places import log, services
from standortlotse.places.models import PendingUpdate, Status, Transition
from tests.places.support import make_place
from tests.places.test_review import text_of

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
RAW = ("submitter", "owner", "system", "import", "demo data", "submitted", "published", "in_review")


def history_text(client, user, place, language="de") -> str:
    client.force_login(user)
    with translation.override(language):
        url = reverse("places:review", args=[place.pk])
    page = client.get(url).content.decode()
    return text_of(page.split('<ol class="history">')[1].split("</ol>")[0])


def at(place, when: tuple, **fields):
    """An entry written at `when` (year, month, day[, hour]) in Berlin."""
    return Transition.objects.create(
        place=place, created_at=datetime(*when, tzinfo=BERLIN), **fields
    )


def test_each_entry_reads_as_a_sentence_with_who_and_when(client, world, place):
    world.moderator.first_name, world.moderator.last_name = "Anna", "Beispiel"
    world.moderator.save()
    place.transitions.update(created_at=datetime(2026, 3, 12, 9, 0, tzinfo=BERLIN))
    services.moderate(world.moderator, place, Status.PUBLISHED, "Willkommen!")
    place.transitions.filter(kind="status").update(
        created_at=datetime(2026, 3, 12, 14, 5, tzinfo=BERLIN)
    )
    text = history_text(client, world.moderator, place)
    assert (
        "12.03.2026, 14:05 – Anna Beispiel: veröffentlicht (vorher: eingereicht), "
        "Nachricht: Willkommen!" in text
    )
    assert "12.03.2026, 09:00 – Einreicher/in (Erika Muster): Ort eingereicht" in text
    english = history_text(client, world.moderator, place, "en")
    assert "Anna Beispiel: published (before: submitted), message: Willkommen!" in english
    assert "Submitter (Erika Muster): submitted the place" in english


def test_every_kind_of_entry_names_no_internal_key(client, world, place):
    services.moderate(world.moderator, place, Status.PUBLISHED)
    services.set_trusted(world.moderator, place, True)
    services.set_trusted(world.moderator, place, False)
    services.rotate_link(place)
    services.send_fresh_links(place.owner_email)
    services.confirm_by_owner(place)
    update = PendingUpdate.objects.create(
        place=place, data={"fields": {"pitch": "Neu", "tags": "x"}, "attributes": {}}
    )
    services.ask_owner(world.moderator, place, "Warum?", update=update)
    services.owner_reply(place, "Darum.")
    services.decide_update(world.moderator, update, True, fields=["pitch"])
    at(
        place,
        (2026, 1, 1),
        to_status="published",
        kind="imported",
        actor_label="import",
        details={"source": "Karte von morgen", "updated": True},
    )
    at(place, (2026, 1, 2), to_status="published", kind="demo", actor_label="demo data")
    at(
        place,
        (2026, 1, 3),
        to_status="published",
        kind="conflict_resolved",
        actor=world.moderator,
        details={"incoming": True},
    )
    text = history_text(client, world.moderator, place)
    for sentence in (
        "Betreiber/in als vertrauenswürdig markiert",
        "Betreiber/in nicht mehr als vertrauenswürdig markiert",
        "Betreiber/in (Erika Muster): neuen persönlichen Link ausgestellt",
        "Standortlotse (automatisch): frischen persönlichen Link an die gespeicherte Adresse gesendet",
        "Betreiber/in (Erika Muster): Ort als aktuell bestätigt",
        "moderator: Rückfrage an Betreiber/in, Nachricht: Warum?",
        "Betreiber/in (Erika Muster): geantwortet, Nachricht: Darum.",
        (
            "vorgeschlagene Änderungen teilweise übernommen; übernommen: Kurzvorstellung; "
            "nicht übernommen: Schlagwörter"
        ),
        "Import: aus Karte von morgen aktualisiert",
        "Demodaten: Demo-Datensatz angelegt",
        "Importkonflikt gelöst: Fassung des Partners übernommen",
    ):
        assert sentence in text, sentence
    lowered = text.replace("Standortlotse", "")
    for raw in RAW:
        assert f"{raw}:" not in lowered and f" {raw} " not in lowered, raw
    assert "→" not in text and "pitch" not in text and "tags" not in text


def test_entries_written_before_kinds_read_without_raw_keys(client, world):
    """What the log held before kinds: actor labels, statuses, the system's notes as text."""
    place = make_place(world, "Altbestand", status=Status.SUBMITTED)
    at(
        place,
        (2025, 5, 1, 10),
        from_status="",
        to_status="submitted",
        actor_label="submitter",
    )
    at(
        place,
        (2025, 5, 2, 10),
        from_status="submitted",
        to_status="changes_requested",
        actor=world.moderator,
        message="Bitte Fotos.",
    )
    at(
        place,
        (2025, 5, 3, 10),
        from_status="changes_requested",
        to_status="submitted",
        actor_label="owner",
        message="Von Betreiber/in aktualisiert.",
    )
    at(
        place,
        (2025, 5, 4, 10),
        from_status="submitted",
        to_status="submitted",
        actor_label="system",
        message="Betreiber/in um Bestätigung gebeten.",
    )
    at(
        place,
        (2025, 5, 5, 10),
        from_status="",
        to_status="published",
        actor_label="import",
        actor=world.moderator,
        message="Aus kvm importiert.",
    )
    at(place, (2025, 5, 6, 10), from_status="", to_status="published", actor_label="")
    text = history_text(client, world.moderator, place)
    for sentence in (
        "01.05.2025, 10:00 – Einreicher/in (O): eingereicht",
        "moderator: Änderungen erbeten (vorher: eingereicht), Nachricht: Bitte Fotos.",
        "Betreiber/in (O): eingereicht (vorher: Änderungen erbeten); Von Betreiber/in aktualisiert.",
        "Standortlotse (automatisch): Betreiber/in um Bestätigung gebeten.",
        "moderator: veröffentlicht; Aus kvm importiert.",
        "gelöschtes Konto: veröffentlicht",
    ):
        assert sentence in text, sentence
    for raw in RAW:
        assert f"{raw}:" not in text, raw
    # Only the moderator's decision with its message is a message of the thread.
    assert [m.text for m in log.thread(place)] == ["Bitte Fotos."]


def test_thread_leaves_out_the_systems_notes_and_orders_oldest_first(world, place):
    services.moderate(world.moderator, place, Status.IN_REVIEW)  # no message: no thread entry
    services.ask_owner(world.moderator, place, "Erste Frage")
    services.owner_reply(place, "Erste Antwort")
    services.confirm_by_owner(place)
    thread = log.thread(place, for_owner=True)
    assert [(m.who, m.text, m.from_staff) for m in thread] == [
        ("Redaktion", "Erste Frage", True),
        ("Sie", "Erste Antwort", False),
    ]
