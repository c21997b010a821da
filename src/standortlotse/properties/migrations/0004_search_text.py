from django.db import migrations

import standortlotse.core.textsearch
from standortlotse.core.textsearch import fts_index_operation


def fill_search_text(apps, schema_editor):
    from standortlotse.properties.models import property_search_text

    Property = apps.get_model("properties", "Property")
    batch = []
    for prop in Property.objects.select_related("municipality").iterator(chunk_size=2000):
        prop.search_text = property_search_text(prop, prop.municipality.name)
        batch.append(prop)
        if len(batch) >= 2000:
            Property.objects.bulk_update(batch, ["search_text"])
            batch = []
    Property.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0001_initial'),
        ('properties', '0003_published_filter_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='property',
            name='search_text',
            field=standortlotse.core.textsearch.SearchTextField(blank=True, default='', editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        fts_index_operation("properties_property"),
    ]
