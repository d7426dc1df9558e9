"""The style draws every public layer, but a choropleth covering every ward (declared with
``shown=False``) starts hidden, so it does not hide the ward borders until turned on."""

import pytest

pytestmark = pytest.mark.django_db


def _layers_of(client, slug: str) -> list[dict]:
    style = client.get("/tiles/style.json").json()
    return [layer for layer in style["layers"] if layer.get("source-layer") == slug]


@pytest.mark.parametrize("slug", ["ward_satisfaction", "survey_results"])
def test_a_choropleth_is_in_the_style_but_hidden(client, slug):
    drawn = _layers_of(client, slug)
    assert drawn, f"{slug} is not in the style"
    assert all(layer["layout"] == {"visibility": "none"} for layer in drawn)


@pytest.mark.parametrize("slug", ["areas", "facilities", "feedback", "notices"])
def test_other_layers_are_drawn_when_the_map_opens(client, slug):
    drawn = _layers_of(client, slug)
    assert drawn
    assert all("layout" not in layer for layer in drawn)
