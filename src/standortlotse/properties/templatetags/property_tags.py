from django import template

from standortlotse.properties.presenters import format_area

register = template.Library()


@register.filter
def area(value):
    return format_area(value)


@register.filter
def jsonld(value):
    """A schema.org block; escaped like json_script so text cannot close the tag."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def area_short(value):
    """43,990 m² → "4,4 ha" (rounded, never cut); below a hectare in m²."""
    from standortlotse.properties.query import area_label

    return "" if value in (None, "") else area_label(int(value))


@register.simple_tag
def staleness(prop):
    """How current the record is, for the back-office lists (``freshness.staleness``)."""
    from standortlotse.properties.freshness import staleness as of

    return of(prop)


@register.filter
def break_after_slash(value):
    """ "hall/warehouse" may wrap after its slash (<wbr>) in a narrow table cell."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    return mark_safe(escape(value).replace("/", "/<wbr>"))
