"""The normaliser's views and its fast word splitters."""

import re

import pytest

from helle.safety.normalise import alphanumeric_words, letter_words, normalise

TRICKY = [
    "",
    "jeg har det godt, tak!",
    "ring 20304050 eller skriv til anna_2009",
    "under_score og bindes-streg, og 'citat' og “anførsel”",
    "x² og ½ kage og ٣ arabisk tal",
    "emoji😭i ord og 💀 alene",
    "ÆØÅ æøå ß straße İstanbul",
    "مرحبا بك و привет мир",
    "tab\tog\nlinjeskift\u00a0og hårdt mellemrum",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_fast_word_splitters_give_what_the_regular_expressions_give(text):
    assert alphanumeric_words(text) == re.findall(r"[^\W_]+", text)
    assert letter_words(text) == re.findall(r"[^\W\d_]+", text)


def test_flags_say_whether_there_is_spelled_out_text_or_leetspeak():
    plain = normalise("helt almindelig tekst")
    assert not plain.has_spelled_out and not plain.has_leet
    assert normalise("skriv på s n a p").has_spelled_out
    assert normalise("s3lvm0rd").has_leet
