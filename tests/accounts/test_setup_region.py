"""manage.py setup_region (accounts/setup.py): the first start of a real region creates its
offices and first accounts with their roles, idempotently; bad input names the option, the value
and what is accepted; the new moderator can log in and reaches the moderation."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from standortlotse.accounts import policy
from standortlotse.accounts.models import Membership, Organisation
from standortlotse.geo.services import load_shipped_regions

pytestmark = pytest.mark.django_db


def login(client, password):
    return client.post(
        reverse("accounts:login"),
        {"username": "moderation@altmark.example", "password": password, "next": "/datenpflege/"},
    )


def run(*args) -> str:
    out = StringIO()
    call_command("setup_region", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def regions():
    load_shipped_regions()


ARGS = [
    "altmark",
    "--moderator=Moderation@Altmark.example",
    "--marketing-email=info@altmark.example",
    "--district-email=15090=ansiedlung@landkreis-stendal.example",
    "--editor=redaktion@stendal.example=15090535",
]


def test_creates_offices_and_accounts_once(regions, client):
    output = run(*ARGS)
    marketing = Organisation.objects.get(name="Regionalmarketing Altmark")
    assert (
        marketing.kind == Organisation.Kind.REGIONAL_MARKETING
        and marketing.region.slug == "altmark"
    )
    assert marketing.email == "info@altmark.example"
    stendal = Organisation.objects.get(name="Wirtschaftsförderung Landkreis Stendal")
    assert stendal.kind == Organisation.Kind.ECONOMIC_DEVELOPMENT
    assert stendal.email == "ansiedlung@landkreis-stendal.example"
    salzwedel = Organisation.objects.get(name="Wirtschaftsförderung Altmarkkreis Salzwedel")
    assert salzwedel.email == ""
    assert "Wirtschaftsförderung Altmarkkreis Salzwedel: no email address yet" in output
    office = Organisation.objects.get(name="Verwaltung Stendal")
    assert office.kind == Organisation.Kind.MUNICIPALITY and office.municipality.ags == "15090535"

    User = get_user_model()
    moderator = User.objects.get(email="moderation@altmark.example")
    assert Membership.objects.filter(
        user=moderator, organisation=marketing, role=Membership.Role.REGIONAL_MODERATOR
    ).exists()
    editor = User.objects.get(email="redaktion@stendal.example")
    assert Membership.objects.filter(
        user=editor, organisation=office, role=Membership.Role.MUNICIPAL_EDITOR
    ).exists()
    assert not moderator.is_staff and not editor.is_staff  # the admin is for state administrators
    # the printed password logs in, once shown
    password = output.split("moderation@altmark.example (regional_moderator")[1]
    password = password.split("password (shown once, hand it over in person): ")[1].split()[0]
    assert login(client, password).url == "/datenpflege/"
    # the roles work as the one permission policy reads them
    assert policy.is_moderator(moderator)
    assert [r.slug for r in policy.moderated_regions(moderator)] == ["altmark"]
    assert policy.can_edit_in(editor, office.municipality)
    gardelegen = office.municipality.__class__.objects.get(ags="15081135")
    assert not policy.can_edit_in(editor, gardelegen) and not policy.is_moderator(editor)

    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    again = run(*ARGS)
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert "created" not in again and "password" not in again
    moderator.refresh_from_db()
    assert moderator.check_password(password)  # unchanged


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["atlantis", "--moderator=m@x.example"],
            "region 'atlantis' is not loaded (loaded: altmark, prignitz)",
        ),
        (["altmark", "--moderator=nobody"], "--moderator: 'nobody' is not an email address"),
        (
            ["altmark", "--moderator=m@x.example", "--district-email=12070=a@b.example"],
            "district 12070 is not in Altmark (its districts: 15081, 15090)",
        ),
        (
            ["altmark", "--moderator=m@x.example", "--editor=e@x.example=12070316"],
            "no municipality with the AGS '12070316' in Altmark",
        ),
        (
            ["altmark", "--moderator=m@x.example", "--editor=e@x.example"],
            "expected EDITOR as LEFT=RIGHT",
        ),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(regions, args, message):
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert message in str(raised.value)
    assert not Organisation.objects.exists() and not get_user_model().objects.exists()
