"""When a property is published or changed, saved search profiles may need an alert."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from standortlotse.cases.services import alert_profiles_task
from standortlotse.core.queue import enqueue_with_transaction
from standortlotse.properties.models import Property, Status


@receiver(post_save, sender=Property)
def property_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.status != Status.PUBLISHED:
        return
    enqueue_with_transaction(alert_profiles_task, instance.pk)
