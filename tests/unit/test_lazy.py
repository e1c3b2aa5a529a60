"""Values made when a template first reads them (lazy.py): a page shows them exactly as it
shows the value itself, and each is made once."""

from __future__ import annotations

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from newsroom.lazy import OnFirstUse

TEMPLATE = (
    "{{ data }}|{{ text }}|{% if items %}{% for i in items %}[{{ i }}]{% endfor %}{% endif %}"
    "|{% if empty %}shown{% else %}none{% endif %}|{{ items | length }}"
)


def render(autoescape: bool, **values: object) -> str:
    env = Environment(autoescape=autoescape, undefined=StrictUndefined)
    return env.from_string(TEMPLATE).render(**values)


def test_a_page_shows_it_as_the_value() -> None:
    made: list[str] = []

    def make(name: str, value: object) -> object:
        made.append(name)
        return value

    values = {
        "data": Markup('{"a":"\\u003c/script\\u003e"}'),
        "text": "Fish & <chips>",
        "items": ["x & y", "z"],
        "empty": [],
    }
    for autoescape in (True, False):
        made.clear()
        lazy = {k: OnFirstUse(lambda k=k, v=v: make(k, v)) for k, v in values.items()}
        assert render(autoescape, **lazy) == render(autoescape, **values)
        # Each read once by the first use, kept for the next ("items" is read three times).
        assert sorted(made) == ["data", "empty", "items", "text"]


def test_nothing_is_made_until_read() -> None:
    made = []
    value = OnFirstUse(lambda: made.append(1) or "value")
    assert made == []
    assert str(value) == "value" and str(value) == "value"
    assert made == [1]


def test_a_theme_reads_it_as_it_reads_the_value() -> None:
    """A site's own theme may index it, look inside it or read an attribute of it."""
    source = (
        "{{ links[0].name }}|{{ 'b' in letters }}|{{ letters[1:] }}|{{ text.upper() }}"
        "|{{ links | map(attribute='name') | join(',') }}|{{ links | first | attr('name') }}"
    )

    class Link:
        def __init__(self, name: str) -> None:
            self.name = name

    values = {"links": [Link("x"), Link("y")], "letters": "abc", "text": "Fish"}
    env = Environment(autoescape=True, undefined=StrictUndefined)
    lazy = {k: OnFirstUse(lambda v=v: v) for k, v in values.items()}
    expected = env.from_string(source).render(**values)
    assert expected == "x|True|bc|FISH|x,y|x"
    assert env.from_string(source).render(**lazy) == expected
