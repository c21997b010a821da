"""Login with a brake: after repeated failures for one account or from one address, wait."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from standortlotse.core import ratelimit

LOCK_SECONDS = 15 * 60
# An office behind one address shares it: the address may fail more often than one account.
ADDRESS_FACTOR = 4


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def _limits(self):
        username = self.request.POST.get("username", "").strip().lower()[:150]
        allowed = settings.LOGIN_FAILURES_ALLOWED
        return [(f"login-user:{username}", allowed), ("login-ip", allowed * ADDRESS_FACTOR)]

    def post(self, request, *args, **kwargs):
        self.locked = any(ratelimit.count(request, key) >= limit for key, limit in self._limits())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if self.locked:
            return self.form_invalid(form)
        from standortlotse.accounts import twofactor

        user = form.get_user()
        if twofactor.confirmed_device(user) is not None:
            # Password correct; the code from the app follows before anybody is logged in.
            return twofactor.start_second_step(self.request, user, self.get_success_url())
        return super().form_valid(form)

    def form_invalid(self, form):
        if self.locked:
            form.add_error(None, _("Too many failed attempts. Please wait 15 minutes and try again."))
        else:
            for key, limit in self._limits():
                ratelimit.hit(self.request, key, limit, LOCK_SECONDS)
        return super().form_invalid(form)
