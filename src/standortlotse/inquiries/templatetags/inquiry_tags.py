"""The contact of a property as the pages show it: the rule is ``routing.property_contact``.

A template tag, so that the property pages (an app below this one) show the contact without
importing the inquiries app."""

from django import template

from standortlotse.inquiries import routing

register = template.Library()


@register.simple_tag
def property_contact(prop):
    return routing.property_contact(prop)
