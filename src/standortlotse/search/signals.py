"""When a property is published or changed, confirmed search alerts may need a mail."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from standortlotse.core.queue import enqueue_with_transaction
from standortlotse.properties.models import Property, Status
from standortlotse.search.alerts import alert_searches_task


@receiver(post_save, sender=Property)
def property_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.status != Status.PUBLISHED:
        return
    enqueue_with_transaction(alert_searches_task, instance.pk)
