from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "standortlotse.core"
    verbose_name = "Standortlotse"
