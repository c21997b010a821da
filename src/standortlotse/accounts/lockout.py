"""Login lockout (django-axes): failed passwords and failed six-digit codes count per account and,
separately, per client address; over the limit both steps answer the same "temporarily locked"
page for 15 minutes, whether or not the account exists.

An office behind one address shares it, so an address may fail ``ADDRESS_FACTOR`` times as often
as one account. The client address is ``core.clientaddress.client_address`` (AXES_CLIENT_IP_CALLABLE).
Admins see the attempts in the admin (Axes) and lift a lock with ``manage.py axes_reset_username``.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_lockout_parameters
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.shortcuts import render

ADDRESS_FACTOR = 4


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with the address limit ``ADDRESS_FACTOR`` times the account limit."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        worst = 0
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "ip_address":
                failures //= ADDRESS_FACTOR
            worst = max(worst, failures)
        return worst


def is_locked(request, username: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def record_failure(request, username: str) -> None:
    """Count a failed second step like a failed password (axes listens to this signal); at the
    limit axes marks the request and its middleware answers with ``locked_out``."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def locked_out(request, original_response=None, credentials=None):
    """The page of a locked login (AXES_LOCKOUT_CALLABLE): the same for every username."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)
