"""The main form pages, as served: every id is unique on its page (a label, an error link or
aria-describedby pointing to an id that two elements share reaches the first one only), and
every input a person fills in has a label (a <label for>, a wrapping <label>, aria-label or
aria-labelledby). Regression: the property edit form had two inputs id="id_title" (the
property's title and the document upload's), so the document title had no label."""

from collections import Counter
from html.parser import HTMLParser

import pytest

from tests.factories import GuideFactory

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class FormMarkup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = Counter()
        self.label_for = set()
        self.ids_referenced = []  # (attribute, id) of aria-labelledby / aria-describedby / for
        self.open_labels = 0
        self.controls = []  # (description, labelled?)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
                self.ids_referenced.append(("for", attrs["for"]))
        for name in ("aria-labelledby", "aria-describedby"):
            for ref in (attrs.get(name) or "").split():
                self.ids_referenced.append((name, ref))
        if tag in ("input", "select", "textarea"):
            if tag == "input" and (attrs.get("type") or "text").lower() in UNLABELLED_TYPES:
                return
            self.controls.append(
                (
                    f"<{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}>",
                    attrs.get("id"),
                    bool(
                        self.open_labels
                        or (attrs.get("aria-label") or "").strip()
                        or attrs.get("aria-labelledby")
                    ),
                )
            )

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def parse(html: str) -> FormMarkup:
    parser = FormMarkup()
    parser.feed(html)
    parser.close()
    return parser


def problems_of(html: str) -> list[str]:
    markup = parse(html)
    found = [f"id {id_!r} used {n} times" for id_, n in markup.ids.items() if n > 1]
    found += [
        f"{attribute}={ref!r} points to no element"
        for attribute, ref in markup.ids_referenced
        if ref not in markup.ids
    ]
    found += [
        f"{what} has no label"
        for what, id_, labelled in markup.controls
        if not labelled and not (id_ and id_ in markup.label_for)
    ]
    return found


def test_the_check_finds_a_duplicate_id_and_an_unlabelled_input():
    """The parser is able to fail (the bug of the edit form, reduced)."""
    html = (
        '<label for="id_title">Titel</label><input id="id_title" name="title">'
        '<input id="id_title" name="title" type="text">'
        '<input type="hidden" name="csrf"><select name="x"></select>'
        '<label>Beschreibung <textarea name="d"></textarea></label>'
        '<input name="q" aria-label="Suchen"><p aria-describedby="nirgends"></p>'
    )
    assert problems_of(html) == [
        "id 'id_title' used 2 times",
        "aria-describedby='nirgends' points to no element",
        "<select name='x' id=None> has no label",
    ]


PUBLIC_FORMS = {
    "inquiry": lambda w: "/kontakt/",
    "inquiry about a property": lambda w: f"/kontakt/immobilie/{w.prop_a.pk}/",
    "investor profile": lambda w: "/investieren/suchprofil/",
    "place submission": lambda w: f"/region/{w.region.slug}/mitmachen/",
    "property search": lambda w: "/immobilien/",
    "login": lambda w: "/konto/anmelden/",
    "guided entry": lambda w: "/lotse/",
    "inquiry (en)": lambda w: "/en/kontakt/",
    "investor profile (en)": lambda w: "/en/investieren/suchprofil/",
}

EDITOR_FORMS = {
    "property edit": lambda w: f"/datenpflege/{w.prop_a.pk}/",
    "property create": lambda w: "/datenpflege/neu/",
    "property list": lambda w: "/datenpflege/",
    "owner consent": lambda w: f"/datenpflege/{w.prop_a.pk}/eigentuemer/",
    "import start": lambda w: "/datenpflege/import/",
    "guide create": lambda w: "/datenpflege/lotse/seiten/neu/",
    "guide edit": lambda w: f"/datenpflege/lotse/seiten/{w.guide.pk}/",
    "contact create": lambda w: "/datenpflege/lotse/kontakte/neu/",
    "event create": lambda w: "/datenpflege/lotse/termine/neu/",
    "case create": lambda w: "/datenpflege/ansiedlung/neu/",
    "property edit (en)": lambda w: f"/en/datenpflege/{w.prop_a.pk}/",
}


@pytest.fixture
def form_world(world):
    world.guide = GuideFactory(region=world.region)
    return world


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("name", PUBLIC_FORMS)
def test_public_form_has_unique_ids_and_labelled_inputs(client, form_world, name):
    html = _get(client, PUBLIC_FORMS[name](form_world))
    assert parse(html).controls, "no form control on the page: the check would prove nothing"
    assert problems_of(html) == []


@pytest.mark.parametrize("name", EDITOR_FORMS)
def test_back_office_form_has_unique_ids_and_labelled_inputs(client, form_world, name):
    client.force_login(form_world.moderator)
    html = _get(client, EDITOR_FORMS[name](form_world))
    assert parse(html).controls, "no form control on the page: the check would prove nothing"
    assert problems_of(html) == []


def test_document_upload_of_the_edit_form_has_its_own_ids(client, world):
    """The document's title is labelled "title" of the document, the property's is the form's."""
    client.force_login(world.editor_a)
    html = _get(client, f"/datenpflege/{world.prop_a.pk}/")
    markup = parse(html)
    assert markup.ids["id_title"] == 1
    assert {"id_document_title", "id_document_file", "id_document_description"} <= set(markup.ids)
    assert "id_document_title" in markup.label_for
