"""Held photos leave no file behind: however their pending update goes (declined, accepted,
the place deleted), the file is removed once the deletion is committed."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from standortlotse.places.models import HeldPhoto


@receiver(post_delete, sender=HeldPhoto, dispatch_uid="places_delete_held_photo_file")
def delete_held_file(sender, instance, **kwargs):
    storage, name = instance.image.storage, instance.image.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))
