"""The property admin: zonings shown and filtered as a record holds them (any of)."""

from django.urls import reverse


def test_the_admin_lists_and_filters_by_any_of_the_zonings(client, world, admin_user):
    world.prop_a.zonings = ["GE", "GI"]
    world.prop_a.save(update_fields=["zonings"])
    world.prop_b.zonings = ["MI"]
    world.prop_b.save(update_fields=["zonings"])
    client.force_login(admin_user)
    url = reverse("admin:properties_property_changelist")
    page = client.get(url).content.decode()
    assert "GE, GI" in page
    listed = client.get(url, {"zoning": "GI"}).context["cl"].result_list
    assert world.prop_a in listed and world.prop_b not in listed
    listed = client.get(url, {"zoning": "MI"}).context["cl"].result_list
    assert world.prop_b in listed and world.prop_a not in listed


# --- the publication gate in the admin ----------------------------------------------------------


def _admin_post(prop, **overrides):
    """The admin's change form as a browser posts it, from the stored record."""
    from django.forms.models import model_to_dict

    data = {
        key: ("" if value is None else value)
        for key, value in model_to_dict(prop).items()
        if key not in ("published_at", "zonings", "outline")
    }
    data["outline"] = "null"
    data["published_at_0"] = data["published_at_1"] = ""
    for inline in ("photos", "documents"):
        data.update({f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not False}


def test_the_admin_refuses_publishing_below_the_gate(client, world, admin_user):
    from standortlotse.properties.models import Property, Status
    from tests.properties.support import without_photo_and_description

    prop = without_photo_and_description(world.mun_a)
    client.force_login(admin_user)
    url = reverse("admin:properties_property_change", args=[prop.pk])
    response = client.post(url, _admin_post(prop, status="published"))
    assert response.status_code == 200  # the form again, with the error on the status
    errors = response.context["adminform"].form.errors
    assert errors["status"] == ["Nicht veröffentlicht – es fehlt: Foto, Beschreibung."]
    assert Property.objects.get(pk=prop.pk).status == Status.DRAFT
    # anything else stays possible
    response = client.post(url, _admin_post(prop, title="Nur umbenannt"))
    assert response.status_code == 302
    assert Property.objects.get(pk=prop.pk).title == "Nur umbenannt"


def test_a_moderator_publishes_below_the_gate_in_the_admin_with_a_reason(client, world):
    from django.contrib.auth.models import Permission

    from standortlotse.properties.models import Property, Status
    from tests.properties.support import without_photo_and_description

    prop = without_photo_and_description(world.mun_a)
    for user in (world.moderator, world.editor_a):
        user.is_staff = True
        user.save()
        user.user_permissions.add(*Permission.objects.filter(codename__endswith="_property"))
    url = reverse("admin:properties_property_change", args=[prop.pk])
    client.force_login(world.editor_a)  # a municipal editor may not override
    response = client.post(url, _admin_post(prop, status="published", override_reason="Eilt"))
    assert response.status_code == 200
    assert "override_reason" in response.context["adminform"].form.errors
    client.force_login(world.moderator)
    response = client.post(
        url, _admin_post(prop, status="published", override_reason="Fotos folgen im Mai")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    prop = Property.objects.get(pk=prop.pk)
    assert prop.status == Status.PUBLISHED and prop.published_at is not None
    entry = prop.history.first()
    assert entry.history_user == world.moderator
    assert entry.history_change_reason == (
        "publish override [photo,description]: Fotos folgen im Mai"
    )
