"""A site offer for the browser tests: a case of editor_a's office with an English offer of the
world's two Altmark properties."""


def make_offer(world, language="en"):
    from standortlotse.cases.models import Case, Offer, OfferItem

    org = world.editor_a.memberships.get().organisation
    world.editor_a.first_name, world.editor_a.last_name = "Anna", "Albrecht"
    world.editor_a.save()
    case = Case.objects.create(
        company="Acme Batteries GmbH",
        owner=org,
        contact_name="Ada Acme",
        contact_email="ada@acme.example",
        confidential=True,
    )
    offer = Offer.objects.create(
        case=case,
        language=language,
        contact=world.editor_a,
        note="Two sites that fit your plans. We are glad to show you both.",
    )
    for position, prop in enumerate([world.prop_a, world.prop_b]):
        OfferItem.objects.create(
            offer=offer, property=prop, position=position, note=f"Why {prop.title} fits."
        )
    return offer


def offer_path(world, language="en"):
    offer = make_offer(world, language)
    return ("/en" if language == "en" else "") + f"/angebot/{offer.token}/"
