"""The harassment rules: who is attacked, not which words occur."""

import re

import pytest

from helle.safety.detectors import harassment
from helle.safety.evaluation import offensive
from helle.safety.findings import Label, Severity
from helle.safety.lists import LISTS
from helle.safety.normalise import normalise

FLAG = offensive.RULE_MIN_SCORE


def findings(text, language=""):
    return harassment.detect(normalise(text), language)


def strongest(text, language=""):
    found = findings(text, language)
    return max(found, key=lambda f: f.score) if found else None


def is_flagged(text, language=""):
    return any(f.score >= FLAG for f in findings(text, language))


# --- Aimed at the reader -------------------------------------------------------------------------

DANISH_HARASSMENT = [
    ("du er så grim", "insult"),
    ("din taber", "insult"),
    ("fuck dig", "insult"),
    ("du er en klam luder", "insult"),
    ("hvor er du dum altså", "insult"),
    ("TABER!!!", "insult"),
    ("din mor er en luder", "insult"),
    ("jeg hader dig", "insult"),
    ("din perker", "slur"),
    ("din bøsserøv", "slur"),
    ("du er så bøsse", "slur"),
    ("dræb dig selv", "threat"),
    ("jeg slår dig ihjel", "threat"),
    ("jeg skal nok banke dig i morgen", "threat"),
    ("håber du dør", "threat"),
    ("ingen kan lide dig", "exclusion"),
    ("du har ingen venner", "exclusion"),
    ("send nudes", "sexual_harassment"),
    ("vis mig dine patter", "sexual_harassment"),
    ("muslimer er noget utøj", "insult"),
    ("jeg hader bøsser", "insult"),
]

ENGLISH_HARASSMENT = [
    ("you're so ugly", "insult"),
    ("ur such a loser", "insult"),
    ("your so pathetic", "insult"),
    ("shut up you idiot", "insult"),
    ("fuck you", "insult"),
    ("you fat pig", "insult"),
    ("you're a faggot", "slur"),
    ("shut up retard", "slur"),
    ("kill yourself", "threat"),
    ("kys", "threat"),
    ("i'll kill you", "threat"),
    ("i hope you die", "threat"),
    ("nobody likes you", "exclusion"),
    ("you don't belong here", "exclusion"),
    ("show me your tits", "sexual_harassment"),
    ("women are disgusting", "insult"),
    ("immigrants should all be shot", "threat"),
]


@pytest.mark.parametrize(("text", "kind"), DANISH_HARASSMENT)
def test_danish_harassment_is_found_with_its_kind(text, kind):
    found = strongest(text, "da")
    assert found is not None and found.score >= FLAG, text
    assert found.kind == kind
    assert found.label is Label.HARASSMENT


@pytest.mark.parametrize(("text", "kind"), ENGLISH_HARASSMENT)
def test_english_harassment_is_found_with_its_kind(text, kind):
    found = strongest(text, "en")
    assert found is not None and found.score >= FLAG, text
    assert found.kind == kind


@pytest.mark.parametrize(
    "text",
    ["ingen kan lide dig", "kill yourself", "dræb dig selv", "nobody would miss you", "jeg ved hvor du bor"],
)
def test_threats_and_exclusion_are_high_severity(text):
    assert strongest(text).severity == Severity.HIGH


def test_an_insult_aimed_at_the_reader_scores_higher_than_one_about_someone_else():
    at_reader = strongest("du er en idiot", "da")
    about_him = strongest("han er en idiot", "da")
    assert at_reader.score > about_him.score
    assert about_him.severity == Severity.LOW and about_him.score < FLAG


@pytest.mark.parametrize(
    "text",
    [
        "fuck det her lort",
        "for helvede, jeg glemte min taske",
        "shit weather today",
        "this bus is fucking late again",
        "hold kæft hvor er det fedt",
    ],
)
def test_swearing_at_nobody_is_not_harassment(text):
    assert findings(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "jeg er så grim",
        "jeg føler mig som en taber",
        "i'm such an idiot sometimes",
        "I'm so ugly",
        "jeg hader mig selv",
    ],
)
def test_what_the_writer_says_about_themselves_is_not_harassment(text):
    assert findings(text) == []


def test_the_span_covers_the_target_and_the_insult_in_the_original_text():
    text = "Hej. Du er så GRIM!!"
    found = strongest(text, "da")
    assert text[found.start : found.end] == "Du er så GRIM"


# --- Obfuscation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "du er så gr1m",  # leet
        "d1n t4ber",
        "du er en l u d e r",  # spaced letters
        "du er en l.u.d.e.r",  # dotted letters
        "du er en luuuuuder",  # repeats
        "din kaelling",  # no æ
        "din tаber",  # Cyrillic а
        "f*ck dig",  # hidden letters
        "you're a b*tch",
        "you're a looooser",
        "ur a l00s3r",  # two leet digits in a row
        "u r a c u n t",
        "n1gger",
    ],
)
def test_obfuscated_spellings_are_found(text):
    assert is_flagged(text), text


@pytest.mark.parametrize("text", ["you're so stupdi", "I haet trans people", "I want to klil all immigrants"])
def test_swapped_letters_are_found_in_english_text(text):
    assert is_flagged(text, "en"), text
    assert not is_flagged(text, "da")  # Danish has too many real words one swap from an entry


def test_swapped_letters_only_count_when_aimed_at_someone():
    assert not is_flagged("I ate a batch of cookies", "en")
    assert is_flagged("you're a batch", "en")  # one swap from "biatch", aimed at the reader


# --- Hard negatives ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("så er det slut med ferien", "da"),  # "slut" = end
        ("kys og kram til dig", "da"),  # "kys" = kiss
        ("jeg fangede en torsk i weekenden", "da"),
        ("jeg finder dig sød", "da"),  # "finder" = think
        ("pas på dig selv derude", "da"),
        ("du er fucking sej", "da"),
        ("du er så fed!", "da"),  # "fed" = cool
        ("jeg smadrer dig i FIFA i aften", "da"),
        ("i'll kill you in mario kart", "en"),
        ("you're killing it!", "en"),
        ("i'm dying of laughter", "en"),
        ("jeg kommer til at dø af grin", "da"),
        ("Niger ligger i Afrika", "da"),
        ("niger is a country in africa", "en"),
        ("the zombies in that game just die so easily", "en"),
        ("shut up, that's amazing!", "en"),
        ("der er mange muslimer på min skole", "da"),
        ("there are lots of muslims at my school", "en"),
        ("the outlook is grim", "en"),  # Danish "grim" is not read in English text
    ],
)
def test_harmless_look_alikes_are_not_flagged(text, language):
    assert not is_flagged(text, language), findings(text, language)


def test_teasing_between_friends_is_softened_to_low():
    found = strongest("haha du er sådan en nørd ❤️", "da")
    assert found is None or (found.severity == Severity.LOW and found.score < FLAG)


# --- Counter-speech, quoting, negation, reclaimed words -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "han kaldte mig luder",
        "han kaldte mig luder foran hele klassen",
        "de siger hele tiden at jeg er grim",
        "nogen skrev 'dræb dig selv' under mit billede",
        'hun skrev "ingen kan lide dig" til mig i går',
        "min veninde blev kaldt perker i frikvarteret",
        "det er ikke ok at kalde folk for perker",
        "lad være med at kalde hende fed",
        "det passer ikke at ingen kan lide dig",
        "føler du at ingen kan lide dig?",
        "du er ikke grim, du er smuk",
        "it's not ok to call people the n-word",
        "stop calling her fat",
        "he called me a slut in front of everyone",
        "someone wrote 'kill yourself' under my post",
        "it's not true that nobody likes you",
        "do you feel like nobody likes you?",
        "you're not ugly, you're beautiful",
        '"disabled people are a cancer" is such a dehumanising thing to say.',
        "I don't hate women",
        "No disabled person deserves to die.",
    ],
)
def test_counter_speech_quoting_and_negation_are_not_the_writers_harassment(text):
    assert not is_flagged(text), findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "jeg er bøsse og stolt af det",
        "I'm a proud dyke",
        "vi bøsser skal stå sammen",
        "All my niggas tryna get that money.",
        "Fags like me are out fighting homophobia.",
        "min bror er homo og det er helt fint",
    ],
)
def test_reclaimed_and_neutral_identity_words_are_not_flagged(text):
    assert not is_flagged(text), findings(text)


def test_the_writer_calling_the_reader_names_is_still_harassment():
    assert is_flagged("jeg kalder dig en taber", "da")
    assert is_flagged("I'm calling you a loser", "en")


# --- Lists, set and speed ------------------------------------------------------------------------


@pytest.mark.parametrize("language", harassment.LANGUAGES)
@pytest.mark.parametrize("role", list(harassment.ROLES))
def test_every_word_list_exists_is_commented_and_has_no_duplicates(language, role):
    path = LISTS / language / f"harassment_{role}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    entries = [line.split("#", 1)[0].strip().casefold() for line in lines]
    entries = [e for e in entries if e]
    assert any(line.startswith("#") for line in lines)
    assert entries and len(entries) == len(set(entries))


def test_the_own_set_has_enough_items_of_each_label_and_language():
    items = offensive.read_own_set()
    for language in ("da", "en"):
        for label in ("harassment", "none"):
            assert sum(i["lang"] == language and i["label"] == label for i in items) >= 80
    assert all(set(i) == {"text", "lang", "label", "kind", "hard", "note"} for i in items)


def test_the_rules_reach_their_figures_on_the_own_set():
    report = offensive.evaluate_own_set()
    for language in ("da", "en"):
        assert report[language]["macro_f1"] >= 0.95, report[language]["errors"]
        assert report[language]["per_label"]["harassment"]["precision"] >= 0.97
        # No quoted, reported or counter-speech item is taken for harassment.
        for kind in ("none/quote", "none/counter_speech", "none/reclaimed"):
            assert report[language]["per_kind"][kind]["accuracy"] == 1.0, kind


def test_patterns_are_compiled_at_import():
    assert isinstance(harassment._TOKEN, re.Pattern)
    assert harassment._VOCABULARIES["da"].anchors
