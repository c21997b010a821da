from django.db import migrations

from standortlotse.core.textsearch import fts_index_operation


class Migration(migrations.Migration):

    dependencies = [
        ("guides", "0001_initial"),
    ]

    operations = [
        fts_index_operation("guides_contact"),
        fts_index_operation("guides_guide"),
        fts_index_operation("guides_event"),
    ]
