from django.db import migrations, models

from standortlotse.core.textsearch import fts_triggers_restore_operation


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0015_transition_kind_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="place",
            name="owner_language",
            field=models.CharField(
                choices=[("de", "German"), ("en", "English")],
                default="de",
                max_length=8,
                verbose_name="language of the mails to the owner",
            ),
        ),
        # SQLite rebuilds the table for a new column and drops the search index's triggers.
        fts_triggers_restore_operation("places_place"),
    ]
