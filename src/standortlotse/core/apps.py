from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "standortlotse.core"
    verbose_name = "Standortlotse"

    def ready(self):
        from django.db.backends.signals import connection_created

        from standortlotse.core import checks  # noqa: F401  registers the deployment checks
        from standortlotse.core.dbsetup import use_the_real_sqlite_variable_limit

        connection_created.connect(use_the_real_sqlite_variable_limit)
