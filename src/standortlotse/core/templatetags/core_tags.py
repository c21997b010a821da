from django import template
from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from standortlotse.core.validators import is_web_url, validate_email_address

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


# Defence in depth for data stored before the field rules (core.validators) or written around
# them: a link target is only ever an http(s) address, a mailto only a valid email address.
@register.filter
def web_url(value):
    return value if is_web_url(value) else ""


@register.filter
def email_address(value):
    try:
        validate_email_address(value)
    except ValidationError:
        return ""
    return value


@register.filter
def ha(value, decimals=2):
    """Square metres as hectares, rounded half up: ``{{ 43990|ha }}`` → '4,40 ha'."""
    from standortlotse.core.units import hectares

    return hectares(value, int(decimals)) if value not in (None, "") else ""


@register.filter
def translated(record, name):
    """A record's text in the active language: ``<name>_en`` under /en/ where it is written,
    else ``<name>_de`` (``{{ guide|translated:"title" }}``) or, for a record written in one
    language with an optional English version, ``<name>`` (a place's pitch); a record without
    such a text shows itself."""
    german = f"{name}_de" if hasattr(record, f"{name}_de") else name
    if not hasattr(record, german):
        return str(record)
    value_en = getattr(record, f"{name}_en", "")
    if (get_language() or "").startswith("en") and value_en:
        return value_en
    return getattr(record, german) or value_en
