"""The contact of a property as the pages show it: the rule is ``routing.property_contact``.

A template tag, so that the property pages (an app below this one) show the contact without
importing the inquiries app."""

from django import template

from standortlotse.inquiries import routing

register = template.Library()


@register.simple_tag
def property_contact(prop):
    """The contact shown, or None when nobody could receive an inquiry (no organisation at all):
    the page then leaves the contact block out rather than show an empty heading."""
    try:
        return routing.property_contact(prop)
    except LookupError:
        return None
