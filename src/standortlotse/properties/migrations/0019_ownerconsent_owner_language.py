from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("properties", "0018_housing"),
    ]

    operations = [
        migrations.AddField(
            model_name="ownerconsent",
            name="owner_language",
            field=models.CharField(
                choices=[("de", "German"), ("en", "English")],
                default="de",
                max_length=8,
                verbose_name="language of the mails to the owner",
            ),
        ),
    ]
