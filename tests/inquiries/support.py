"""Helpers of the inquiry tests: the organisation of a user, the public form's fields."""


def org_of(user):
    return user.memberships.get().organisation


def form_data(**overrides):
    data = {"name": "Max Investor", "organisation_name": "Max GmbH", "email": "max@example.com",
            "phone": "", "topic": "property", "message": "Ist die Fläche teilbar und ab wann verfügbar?",
            "consent": "on"}
    data.update(overrides)
    return data
