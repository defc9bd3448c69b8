import pytest

from helle.core import markup, ratelimit
from helle.core.text import comparison_key, has_control_characters, is_mixed_script, skeleton


def test_look_alike_letters_share_a_skeleton():
    assert skeleton("Αnna") == skeleton("Anna")  # Greek capital alpha
    assert skeleton("раураl") == skeleton("paypal")  # Cyrillic
    assert skeleton("Anna") != skeleton("Anne")


def test_the_comparison_key_ignores_case_width_and_invisible_characters():
    assert comparison_key("ＡＮＮＡ") == comparison_key("an\u200bna") == "anna"


@pytest.mark.parametrize(
    "text, expected",
    [("hej", False), ("hej\nmed dig", False), ("a\x00b", True), ("a\u202eb", True), ("a\x1bb", True)],
)
def test_control_characters_are_found(text, expected):
    assert has_control_characters(text) is expected


@pytest.mark.parametrize(
    "text, expected", [("Søren", False), ("Αθήνα", False), ("Аnna", True), ("kat 22", False)]
)
def test_mixed_scripts_are_found(text, expected):
    assert is_mixed_script(text) is expected


def test_markdown_is_rendered_and_unsafe_html_is_removed():
    html = markup.render(
        "**hej** <img src=x onerror=alert(1)> [ok](https://example.org) <a href='javascript:x'>y</a>"
    )
    assert "<strong>hej</strong>" in html
    assert "<img" not in html and "&lt;img" in html  # shown as text, never as a tag
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<a href='javascript" not in html and '<a href="javascript' not in html


@pytest.mark.django_db
def test_rate_limits_count_within_a_window_and_reset_after_it(clock):
    for expected in (1, 2, 3):
        assert ratelimit.hit("k", limit=3, window_seconds=60).count == expected
    assert ratelimit.peek("k", limit=3, window_seconds=60).exhausted
    clock.advance(seconds=61)
    assert not ratelimit.peek("k", limit=3, window_seconds=60).exhausted
