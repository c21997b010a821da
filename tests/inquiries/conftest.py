"""Fixtures of the inquiry tests: the state agency, the public form, one inquiry sent through it."""

import pytest
from django.urls import reverse

from standortlotse.accounts.models import Organisation
from standortlotse.inquiries.models import Inquiry
from tests.factories import OrganisationFactory
from tests.inquiries.support import form_data


@pytest.fixture
def agency(world):
    return OrganisationFactory(
        name="IMG Sachsen-Anhalt", kind=Organisation.Kind.STATE_AGENCY, email="invest@img.example"
    )


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def _send(url, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, form_data(**overrides))

    return _send


@pytest.fixture
def inquiry(world, agency, send):
    send(reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]))
    return Inquiry.objects.get()
