"""cases/services.py: exports of cases."""

import pytest

from standortlotse.cases import services
from standortlotse.cases.models import Case

pytestmark = pytest.mark.django_db


def test_export_neutralises_formulas(world, case):
    case.company = "=cmd|' /C calc'!A0"
    case.confidential = False
    case.save()
    text = services.export_csv(world.state_admin, Case.objects.all())
    assert "'=cmd" in text
