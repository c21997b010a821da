"""Session login for the JSON API: the same "fully logged in" test as the back office and the
admin (``twofactor.is_fully_authenticated``), so a password-only session gets 401 where two
factors are required. API keys (change feed) are a separate scheme (``exchange.changes``)."""

from ninja import security

from standortlotse.accounts import twofactor


class SessionAuth(security.SessionAuth):
    # Same class name as django-ninja's: the OpenAPI security scheme keeps its name "SessionAuth".
    def authenticate(self, request, key):
        return request.user if twofactor.is_fully_authenticated(request) else None


staff_session = SessionAuth()
