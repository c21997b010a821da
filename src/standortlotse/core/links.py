"""Private links (capability URLs) for people without an account, and the "send me a fresh link" form.

One row per issued link: only the SHA-256 hash of the token is stored. Every mail that needs a link
issues its own, so no later step kills a link an earlier mail carries; links end only when they
expire or when the holder explicitly asks for a new one (which revokes the others). A stale link
leads to a form where anyone may ask for a fresh link: it is sent only to the address stored with
the record, the answer never says whether an address is known, and it is rate-limited per client
address and per entered email.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standortlotse.core import ratelimit
from standortlotse.core.forms import HoneypotMixin

MAX_TOKEN_LENGTH = 100


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PrivateLinkQuerySet(models.QuerySet):
    def valid(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def find(self, token: str):
        """The valid link row for a raw token, or None (unknown, expired or revoked)."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        return self.valid().filter(token_hash=hash_token(token)).first()

    def revoke(self, now=None) -> int:
        return self.filter(revoked_at__isnull=True).update(revoked_at=now or timezone.now())


class PrivateLink(models.Model):
    """Base of each domain's link table (with a foreign key to the record the link opens)."""

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PrivateLinkQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def issue(cls, *, valid_days: int, **record) -> str:
        """Store a new link for ``record`` (the foreign key) and return its raw token."""
        token = new_token()
        now = timezone.now()
        cls.objects.create(
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=valid_days),
            **record,
        )
        return token


class FreshLinkForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your email address"), max_length=254)
    name = forms.CharField(
        label=gettext_lazy("Name of the entry (optional)"),
        max_length=150,
        required=False,
        help_text=gettext_lazy(
            "Only needed if you have several entries and want a link for one of them."
        ),
    )


def _email_key(scope: str, email: str) -> str:
    digest = hashlib.sha256((settings.SECRET_KEY + email.strip().lower()).encode()).hexdigest()[:32]
    return f"ratelimit:{scope}-email:{digest}"


def fresh_link_request(request, scope: str, send) -> tuple[FreshLinkForm, int, bool]:
    """The fresh-link form of one domain: (form, HTTP status, sent). ``send(email, name)`` mails
    the links; it runs only for a valid, non-bot request within the limits, and the caller shows
    the same "if the address is known, we have sent a link" page whatever it found."""
    form = FreshLinkForm(request.POST or None)
    if request.method != "POST":
        return form, 200, False
    if not form.is_valid():
        return form, 400, False
    if not within_fresh_link_limits(request, form, scope):
        return form, 429, False
    send(form.cleaned_data["email"], form.cleaned_data["name"])
    return form, 200, True


def within_fresh_link_limits(request, form: FreshLinkForm, scope: str) -> bool:
    """Count one request per client address and per entered email (whether or not it is known);
    over either limit the form gets an error and nothing is sent."""
    per_client = ratelimit.hit(request, scope, settings.FRESH_LINKS_PER_HOUR, 3600)
    per_email = ratelimit.hit_key(
        _email_key(scope, form.cleaned_data["email"]),
        settings.FRESH_LINKS_PER_EMAIL_PER_DAY,
        24 * 3600,
    )
    if per_client and per_email:
        return True
    form.add_error(
        None, _("Many requests for a new link came in a short time. Please try again later.")
    )
    return False
