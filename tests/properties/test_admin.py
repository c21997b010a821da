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
