from django import template
from django.core.exceptions import ValidationError

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
