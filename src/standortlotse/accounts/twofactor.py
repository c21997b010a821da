"""Optional two-factor login with a TOTP app (django-otp): set up, confirm, second login step.

A user with a confirmed device logs in in two steps: password first (the LoginView keeps only the
user's id in the session, it does not log in), then the six-digit code. Failed codes count like
failed passwords (the same lockout, lockout.py). With ``REQUIRE_TWO_FACTOR`` a password-only
session is not fully logged in: ``is_fully_authenticated`` is the one test that the back office,
the API's session auth, the admin site and the staff previews of unpublished records ask.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from standortlotse.accounts import lockout

PENDING = "two_factor_pending"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Six-digit code from your app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the six digits shown in your app."))
        return code


def is_fully_authenticated(request) -> bool:
    """Logged in, and with the second factor too where ``REQUIRE_TWO_FACTOR`` asks for it."""
    user = request.user
    if not user.is_authenticated:
        return False
    if not settings.REQUIRE_TWO_FACTOR:
        return True
    is_verified = getattr(user, "is_verified", None)  # set by django_otp's OTPMiddleware
    return bool(is_verified and is_verified())


def acting_user(request):
    """The user whose rights apply to this request: a password-only session where two factors
    are required counts as anonymous (public pages show it nothing unpublished)."""
    return request.user if is_fully_authenticated(request) else AnonymousUser()


def second_step(request, next_url: str = ""):
    """Where a logged-in but not fully authenticated user goes: the code step if the user has an
    app set up, else the setup page."""
    user = request.user
    if confirmed_device(user) is not None:
        user.backend = request.session.get(
            BACKEND_SESSION_KEY, settings.AUTHENTICATION_BACKENDS[-1]
        )
        return start_second_step(request, user, next_url)
    return redirect("accounts:two_factor")


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def start_second_step(request, user, next_url: str):
    """Called by the LoginView after a correct password for a user with a device."""
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "next": next_url}
    return redirect("accounts:login_code")


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(
        url, {request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/datenpflege/"


def login_code(request):
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("accounts:login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    device = confirmed_device(user) if user else None
    if user is None or device is None:
        request.session.pop(PENDING, None)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        username = user.get_username()
        if lockout.is_locked(request, username):
            return lockout.locked_out(request)
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            request.session.pop(PENDING, None)
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(_safe_next(request, pending.get("next")))
        lockout.record_failure(request, username)
        if form.is_valid():
            form.add_error(
                "code", _("The code is not correct (or has expired). Try the current one.")
            )
    return render(
        request, "accounts/login_code.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def setup(request):
    """Switch two-factor login on (scan, confirm with a code) or off (confirm with a code)."""
    import segno

    device = confirmed_device(request.user)
    form = CodeForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["code"]):
                TOTPDevice.objects.filter(user=request.user).delete()
                messages.success(request, _("Two-factor login is switched off."))
                return redirect("accounts:two_factor")
            form.add_error(
                "code", _("The code is not correct (or has expired). Try the current one.")
            )
        return render(
            request,
            "accounts/two_factor.html",
            {"active": True, "form": form},
            status=400 if form.errors else 200,
        )
    pending = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
    if request.method == "POST" and form.is_valid():
        if pending.verify_token(form.cleaned_data["code"]):
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            otp_login(request, pending)
            messages.success(
                request,
                _("Two-factor login is on. From now on you enter a code after your password."),
            )
            return redirect("accounts:two_factor")
        form.add_error("code", _("The code is not correct (or has expired). Try the current one."))
    qr = segno.make(pending.config_url, error="m").svg_data_uri(scale=5)
    import base64

    secret = base64.b32encode(pending.bin_key).decode()
    return render(
        request,
        "accounts/two_factor.html",
        {
            "active": False,
            "form": form,
            "qr": qr,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=400 if form.errors else 200,
    )
