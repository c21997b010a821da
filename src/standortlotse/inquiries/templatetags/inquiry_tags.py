"""The contact of a property as the pages show it (the rule is ``routing.property_contact``), and
the inbox's durations ("3 h 20 min").

A template tag, so that the property pages (an app below this one) show the contact without
importing the inquiries app."""

from django import template

from standortlotse.inquiries import presenters, routing

register = template.Library()


@register.simple_tag
def property_contact(prop):
    """The contact shown, or None when nobody could receive an inquiry (no organisation at all):
    the page then leaves the contact block out rather than show an empty heading."""
    try:
        return routing.property_contact(prop)
    except LookupError:
        return None


@register.filter
def duration(delta):
    """A timedelta as "3 h 20 min" (inquiries.presenters.duration_text); "–" for none."""
    return presenters.duration_text(delta)
