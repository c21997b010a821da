"""inquiries/services.py: response times, retention (and its command) of personal data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from standortlotse.inquiries import services
from standortlotse.inquiries.models import Inquiry, RetentionPolicy, Status
from tests.inquiries.support import org_of

pytestmark = pytest.mark.django_db


def test_response_times(world, inquiry):
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created_at=timezone.now() - timedelta(hours=10),
        first_answered_at=timezone.now() - timedelta(hours=4),
    )
    rows = services.response_times(Inquiry.objects.all())
    assert rows[0]["organisation"] == org_of(world.editor_a)
    assert rows[0]["median_hours"] == 6.0 and rows[0]["answered"] == 1


def test_retention_anonymises_closed_inquiries(world, inquiry):
    services.answer(world.editor_a, inquiry, "Antwort mit Namen Max")
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - timedelta(days=200)
    )
    assert services.apply_retention() == 0  # 12 months by default
    RetentionPolicy.objects.create(region=world.region, months_after_closing=6)
    assert services.apply_retention() == 1
    inquiry.refresh_from_db()
    assert (
        inquiry.email == services.ANONYMISED_EMAIL
        and inquiry.name == "–"
        and "Max" not in inquiry.message
    )
    assert all("Max" not in n.text for n in inquiry.notes.all())
    assert inquiry.first_answered_at  # figures survive
    assert services.apply_retention() == 0


def test_retention_command_and_open_inquiries_untouched(world, inquiry):
    from django.core.management import call_command

    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=timezone.now() - timedelta(days=900))
    call_command("inquiries_retention")
    inquiry.refresh_from_db()
    assert inquiry.email == "max@example.com"
