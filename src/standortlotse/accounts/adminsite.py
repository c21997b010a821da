"""The Django admin behind the same login as the back office.

Its own password form would skip the code step, the login lockout and ``REQUIRE_TWO_FACTOR``:
so its login page hands over to ``accounts:login``, and ``has_permission`` also asks
``twofactor.is_fully_authenticated``.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from standortlotse.accounts import twofactor


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and twofactor.is_fully_authenticated(request)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        user = request.user
        if (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and not twofactor.is_fully_authenticated(request)
        ):
            return twofactor.second_step(request, next_url)
        return redirect_to_login(next_url, reverse("accounts:login"))
