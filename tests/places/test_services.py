"""places/services.py: which review transitions the workflow allows."""

import pytest
from django.core.exceptions import ValidationError

from standortlotse.places import services
from standortlotse.places.models import Place, Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (Status.SUBMITTED, Status.PUBLISHED, True),
        (Status.IN_REVIEW, Status.SUBMITTED, False),
        (Status.REJECTED, Status.PUBLISHED, False),
        (Status.REJECTED, Status.IN_REVIEW, True),
        (Status.PUBLISHED, Status.CHANGES_REQUESTED, False),
        (Status.PUBLISHED, Status.IN_REVIEW, True),
    ],
)
def test_transition_rules(world, place, start, target, allowed):
    Place.objects.filter(pk=place.pk).update(status=start)
    place.refresh_from_db()
    if allowed:
        services.moderate(world.moderator, place, target, "Grund")
        assert place.status == target
    else:
        with pytest.raises(ValidationError):
            services.moderate(world.moderator, place, target, "Grund")
        place.refresh_from_db()
        assert place.status == start
