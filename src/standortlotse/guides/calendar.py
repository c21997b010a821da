"""iCalendar (RFC 5545) files of events, with the icalendar library."""

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as IcalEvent


def ics(events, language: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Standortlotse//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", settings.SITE_NAME)
    base = settings.SITE_URL.rstrip("/")
    for event in events:
        item = IcalEvent()
        item.add("uid", f"{event.uid}@standortlotse")
        item.add("summary", event.title(language))
        item.add("dtstart", event.starts_at)
        if event.ends_at:
            item.add("dtend", event.ends_at)
        item.add("dtstamp", event.updated_at)
        item.add("location", event.location)
        description = event.description(language)
        item.add("description", f"{description}\n\n{base}{event.get_absolute_url()}".strip())
        item.add("url", base + event.get_absolute_url())
        calendar.add_component(item)
    return calendar.to_ical()
