# One statistics snapshot a day (the trend), with its totals as columns and the change counter
# it was computed at. Existing snapshots: the newest of each (local) day is kept.

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone


def one_a_day(apps, schema_editor):
    Snapshot = apps.get_model("properties", "StatisticsSnapshot")
    kept = {}
    for snap in Snapshot.objects.order_by("-created_at", "-pk"):
        day = timezone.localdate(snap.created_at)
        if day in kept:
            snap.delete()
            continue
        kept[day] = snap
        totals = (snap.data or {}).get("totals") or {}
        snap.day = day
        snap.updated_at = snap.created_at
        snap.count = totals.get("count") or 0
        snap.area_m2 = totals.get("area_m2") or 0
        snap.save(update_fields=["day", "updated_at", "count", "area_m2"])


class Migration(migrations.Migration):
    dependencies = [
        ("properties", "0019_ownerconsent_owner_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="statisticssnapshot",
            name="day",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="statisticssnapshot",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="statisticssnapshot",
            name="version",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="statisticssnapshot",
            name="count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="statisticssnapshot",
            name="area_m2",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="statisticssnapshot",
            name="reconstructed",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(one_a_day, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="statisticssnapshot",
            name="day",
            field=models.DateField(unique=True),
        ),
        migrations.AlterModelOptions(
            name="statisticssnapshot",
            options={"get_latest_by": "day", "ordering": ["-day"]},
        ),
    ]
