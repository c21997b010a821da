from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "standortlotse.profiles"
    verbose_name = _("Location profiles")

    def ready(self):
        from django.urls import reverse

        from standortlotse.transparency import presenters

        # The transparency ranking links a municipality's name to its location profile.
        presenters.set_municipality_url(
            lambda pk, ags: reverse("profiles:municipality", args=[ags]) if ags else None
        )
