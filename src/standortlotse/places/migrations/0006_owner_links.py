# Owner links move from one hash on the place to a table of issued links (core/links.py):
# every mail carries its own link, and issuing one no longer ends the others.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from standortlotse.core.textsearch import fts_triggers_restore_operation


def keep_current_links(apps, schema_editor):
    """The one link each place had keeps working until its old expiry."""
    Place = apps.get_model("places", "Place")
    OwnerLink = apps.get_model("places", "OwnerLink")
    now = django.utils.timezone.now()
    OwnerLink.objects.bulk_create([
        OwnerLink(place_id=pk, token_hash=token_hash, created_at=now, expires_at=expires_at)
        for pk, token_hash, expires_at in Place.objects.exclude(token_hash="").exclude(token_expires_at=None)
        .values_list("pk", "token_hash", "token_expires_at")
    ])


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0005_held_photos_of_pending_updates'),
    ]

    operations = [
        migrations.CreateModel(
            name='OwnerLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('place', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='owner_links', to='places.place')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.RunPython(keep_current_links, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='place',
            name='token_expires_at',
        ),
        migrations.RemoveField(
            model_name='place',
            name='token_hash',
        ),
        # Removing the columns rebuilt the table on SQLite, which dropped its full-text triggers.
        fts_triggers_restore_operation("places_place"),
    ]
