"""View guards for the back office; what a user may do with a record is decided in policy."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from standortlotse.accounts import policy, twofactor


def editor_required(view):
    """Logged in and member of an organisation with a role (else login page or 403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not policy.is_editor(request.user):
            raise PermissionDenied
        if not twofactor.is_fully_authenticated(request):
            return twofactor.second_step(request, request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def moderator_required(view):
    """A back-office member who moderates a region (else login page or 403)."""

    @wraps(view)
    @editor_required
    def wrapped(request, *args, **kwargs):
        if not policy.is_moderator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def state_admin_required(view):
    """A back-office member who is a state administrator (else login page or 403)."""

    @wraps(view)
    @editor_required
    def wrapped(request, *args, **kwargs):
        if not policy.is_state_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
