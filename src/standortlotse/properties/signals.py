"""Keep the property search text in step with the names it copies from municipalities."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from standortlotse.geo.models import Municipality
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
