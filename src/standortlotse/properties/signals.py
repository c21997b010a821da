"""Keep the property search text in step with the names it copies from municipalities, the
location facts with the reference data they are computed from, and the statistics with every
write to the register (statistics.changed: today's figures are recomputed after the commit)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from standortlotse.geo.models import District, Municipality, MunicipalityOutline
from standortlotse.geo.signals import reference_data_loaded
from standortlotse.properties import statistics
from standortlotse.properties.models import Property, property_search_text


@receiver(post_save, sender=Property, dispatch_uid="properties_statistics_saved")
@receiver(post_delete, sender=Property, dispatch_uid="properties_statistics_deleted")
def statistics_after_property_change(sender, instance, raw=False, **kwargs):
    """Form, API, admin, status changes, "still current", owner consent: all save the record
    (the bulk import calls statistics.changed itself)."""
    if not raw:
        statistics.changed()


@receiver(post_save, sender=District, dispatch_uid="properties_statistics_district")
@receiver(post_save, sender=MunicipalityOutline, dispatch_uid="properties_statistics_outline")
def statistics_after_geography_change(sender, instance, raw=False, **kwargs):
    """Names and outlines are part of the figures and the map."""
    if not raw:
        statistics.changed()


@receiver(post_save, sender=Municipality, dispatch_uid="properties_reindex_municipality")
def reindex_after_municipality_change(sender, instance, created, raw=False, **kwargs):
    if not raw:
        statistics.changed()
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
