"""Keep the property search text in step with the names it copies from municipalities, and the
location facts with the reference data they are computed from."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from standortlotse.geo.models import Municipality
from standortlotse.geo.signals import reference_data_loaded
from standortlotse.properties.models import Property, property_search_text


@receiver(post_save, sender=Municipality, dispatch_uid="properties_reindex_municipality")
def reindex_after_municipality_change(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    changed = []
    for prop in Property.objects.filter(municipality=instance).iterator(chunk_size=2000):
        text = property_search_text(prop, instance.name)
        if text != prop.search_text:
            prop.search_text = text
            changed.append(prop)
    Property.objects.bulk_update(changed, ["search_text"], batch_size=1000)


@receiver(reference_data_loaded, dispatch_uid="properties_recompute_location_facts")
def recompute_location_facts(sender, reason="", **kwargs):
    from standortlotse.properties.facts import recompute_all

    changed = recompute_all(
        reason=f"location facts recomputed ({reason})" if reason else "location facts recomputed"
    )
    return f"Recomputed the location facts of the property register: {changed} records changed."
