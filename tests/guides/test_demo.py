"""guides.demo: the demo events fall on days and at times people meet."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from standortlotse.guides import demo


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 12, 25), (datetime.date(2026, 12, 28), 18)),  # Fri holiday → Mon
        (datetime.date(2026, 12, 24), (datetime.date(2026, 12, 28), 18)),  # Christmas Eve too
        (datetime.date(2026, 12, 6), (datetime.date(2026, 12, 7), 18)),  # Sunday → Monday
        (datetime.date(2026, 12, 5), (datetime.date(2026, 12, 5), 10)),  # Saturday morning
        (datetime.date(2026, 12, 2), (datetime.date(2026, 12, 2), 18)),  # Wednesday evening
        (datetime.date(2026, 12, 31), (datetime.date(2027, 1, 2), 10)),  # New Year → Sat
    ],
)
def test_event_start_is_a_plausible_day_and_hour(day, expected):
    start = timezone.localtime(demo.event_start(day))
    assert (start.date(), start.hour, start.minute) == (*expected, 0)


@pytest.mark.django_db
def test_demo_events_are_never_on_sundays_holidays_or_at_night(monkeypatch):
    from django.core.management import call_command

    from standortlotse.guides.models import Event

    # Loaded on 20 December at 23:30: the old demo put events at 01:30 and on Christmas Day.
    late = datetime.datetime(2026, 12, 20, 23, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    monkeypatch.setattr(timezone, "now", lambda: late)
    call_command("load_demo", "--count", "1", "--allow-production", stdout=open("/dev/null", "w"))
    events = list(Event.objects.all())
    assert events
    for event in events:
        start = timezone.localtime(event.starts_at)
        assert start.weekday() != 6 and (start.month, start.day) not in demo.NO_EVENT_DAYS
        assert start.hour in (10, 18) and event.ends_at > event.starts_at
