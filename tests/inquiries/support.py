"""Helpers of the inquiry tests (also used by the failure, cache and client-address tests): the
organisation of a user, the public form's fields, an inquiry posted about a property."""

from django.urls import reverse


def org_of(user):
    return user.memberships.get().organisation


def form_data(**overrides):
    data = {
        "name": "Max Investor",
        "organisation_name": "Max GmbH",
        "email": "max@example.com",
        "phone": "",
        "topic": "property",
        "message": "Ist die Fläche teilbar und ab wann verfügbar?",
        "consent": "on",
    }
    data.update(overrides)
    return data


def contact_post(client, world):
    return client.post(
        reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]),
        {
            "name": "Max",
            "email": "max@example.com",
            "topic": "property",
            "message": "Ist die Fläche noch frei?",
            "consent": "on",
        },
    )
