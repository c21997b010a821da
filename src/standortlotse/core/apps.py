from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "standortlotse.core"
    verbose_name = "Standortlotse"

    def ready(self):
        from standortlotse.core import checks  # noqa: F401  registers the deployment checks
