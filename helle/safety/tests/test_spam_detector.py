"""The spam detector: links, repetition, adverts in one message; flooding over several."""

from datetime import UTC, datetime, timedelta

import pytest

from helle.safety.detectors.spam import FLOOD_LIMITS, detect, flooding
from helle.safety.findings import Label, Severity
from helle.safety.normalise import normalise


def spam(text: str, language: str = "da") -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in detect(normalise(text), language):
        assert finding.label == Label.SPAM
        found.setdefault(finding.kind, []).append(finding)
    return found


# --- Links ----------------------------------------------------------------------------------


def test_three_links_in_one_message_are_spam_and_the_span_covers_them():
    text = "Se her: www.fede-sko.com, https://billig.xyz/tilbud og gratis.shop"
    [finding] = spam(text)["links"]
    assert text[finding.start : finding.end] == "www.fede-sko.com, https://billig.xyz/tilbud og gratis.shop"
    assert finding.severity == Severity.MEDIUM


def test_one_or_two_links_are_not_spam():
    assert "links" not in spam("Prøv www.dr.dk/ultra, der er en god artikel")
    assert "links" not in spam("se youtube.com og spotify.com")


def test_a_link_shortener_counts_as_two_links():
    [finding] = spam("klik bit.ly/3xYz og www.vind.xyz")["links"]
    assert "shortener" in finding.reason


def test_help_line_links_never_count():
    assert spam("Ring eller skriv: bornetelefonen.dk, chat.cyberhus.dk, headspace.dk og livslinien.dk") == {}
    assert spam("Try childline.org.uk, samaritans.org and shout.org.uk", "en") == {}


def test_e_mail_addresses_are_not_links():
    assert "links" not in spam("skriv til a@b.dk, c@d.dk eller e@f.dk")


# --- Repetition -----------------------------------------------------------------------------


def test_the_same_word_ten_times_in_a_row_is_repetition():
    [finding] = spam("køb " * 12)["repetition"]
    assert finding.severity == Severity.LOW
    assert "12 times" in finding.reason


def test_a_long_run_of_the_same_characters_is_repetition():
    assert "repetition" in spam("ha" * 25)
    assert "repetition" in spam("😭" * 45)


def test_a_long_message_all_in_capitals_is_shouting_with_low_severity():
    shouted = "KØB DINE NYE SNEAKERS I DAG OG FÅ DEM LEVERET GRATIS TIL DØREN, KUN DENNE UGE!"
    [finding] = spam(shouted)["repetition"]
    assert "shouting" in finding.reason and finding.severity == Severity.LOW


@pytest.mark.parametrize(
    "text",
    [
        "hjælp hjælp hjælp hjælp",  # distress, not spam
        "JEG KAN IKKE MERE",  # short capitals
        "nejjjjjjjjjjjj 😭😭😭😭",
        "jeg vil dø jeg vil dø jeg vil dø",
        "hahahahaha det var så sjovt",
        "Hvorfor er der ingen der svarer? Hvorfor? Hvorfor?",
    ],
)
def test_a_distressed_young_person_repeating_themselves_is_not_spam(text):
    assert spam(text) == {}


# --- Commercial -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Brug rabatkode HELLE20 og spar 20%", "da"),
        ("tjen penge hjemmefra!!", "da"),
        ("tjen 500 kr om dagen", "da"),
        ("get free followers now", "en"),
        ("use my promo code at checkout", "en"),
        ("earn money from home, dm me", "en"),
        ("gratis følgere her", "da"),
    ],
)
def test_advert_phrases_are_commercial_spam(text, language):
    [finding] = spam(text, language)["commercial"]
    assert finding.severity == Severity.MEDIUM


def test_one_everyday_shopping_word_is_not_spam_but_two_or_one_with_a_link_are():
    assert spam("jeg skal købe nye sko i morgen") == {}
    assert spam("my dad lost money on crypto", "en") == {}
    assert "commercial" in spam("køb crypto nu")
    assert "commercial" in spam("billige sko på www.sko.xyz")


def test_english_adverts_are_found_in_danish_text():
    assert "commercial" in spam("free followers!! skriv til mig")


# --- Flooding -------------------------------------------------------------------------------


def seconds_apart(count: int, gap: float) -> list[float]:
    return [1_000.0 + i * gap for i in range(count)]


def test_the_same_text_posted_again_and_again_in_a_forum_is_flooding():
    texts = ["Køb billige solbriller på min side!!"] * 4
    finding = flooding(texts, timestamps=seconds_apart(4, 20), surface="forum")
    assert finding is not None
    assert finding.kind == "flooding" and finding.label == Label.SPAM
    assert (finding.start, finding.end) == (0, len(texts[-1]))
    assert "4 times" in finding.reason


def test_near_copies_with_changed_numbers_and_emoji_count_as_the_same_text():
    texts = [
        "Vind en gratis iPhone 15 her 🎉",
        "Vind en gratis iPhone 16 her!!",
        "vind en gratis iphone 17 her 😎",
        "VIND en gratis iPhone 18 her",
    ]
    assert flooding(texts, timestamps=seconds_apart(4, 30), surface="forum") is not None


def test_many_forum_posts_in_a_short_time_are_flooding():
    texts = [f"indlæg nummer {word}" for word in "et to tre fire fem seks".split()]
    finding = flooding(texts, timestamps=seconds_apart(6, 10), surface="forum")
    assert finding is not None and "6 messages" in finding.reason


def test_old_messages_outside_the_window_do_not_count():
    texts = ["Køb billige solbriller på min side!!"] * 4
    assert flooding(texts, timestamps=[0, 1_000, 2_000, 3_000], surface="forum") is None
    assert flooding(texts, timestamps=[0, 1_000, 2_000, 3_000], surface="forum", window_seconds=4_000)


def test_chat_is_lenient_where_a_forum_is_not():
    texts = ["har du set den nye film?? den er vild"] * 4
    times = seconds_apart(4, 5)
    assert flooding(texts, timestamps=times, surface="forum") is not None
    assert flooding(texts, timestamps=times, surface="chat") is None
    quick = [f"besked {i}" for i in range(12)]
    assert flooding(quick, timestamps=seconds_apart(12, 2), surface="chat") is None


def test_a_young_person_waiting_for_a_counsellor_is_never_flooding():
    texts = ["hallo?", "er der nogen?", "er der nogen der kan hjælpe mig?", "hallo?"] * 6
    times = seconds_apart(len(texts), 2)
    assert flooding(texts, timestamps=times, surface="counselling") is None
    # In a counselling chat even long repeated texts do not count: only bot-like speed does.
    sad = ["jeg kan ikke mere, jeg ved ikke hvad jeg skal gøre"] * 20
    assert flooding(sad, timestamps=seconds_apart(20, 3), surface="counselling") is None
    bot = [f"spam {i}" for i in range(FLOOD_LIMITS["counselling"].max_messages + 1)]
    assert flooding(bot, timestamps=seconds_apart(len(bot), 0.5), surface="counselling") is not None


def test_short_repeated_chat_lines_are_never_copies():
    texts = ["ok", "ok", "ok", "ok", "ok", "ok"]
    assert flooding(texts, timestamps=seconds_apart(6, 3), surface="chat") is None


def test_timestamps_may_be_datetimes():
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    times = [start + timedelta(seconds=20 * i) for i in range(4)]
    assert flooding(["Køb billige solbriller på min side!!"] * 4, timestamps=times) is not None


def test_flooding_refuses_mismatched_lists_and_unknown_surfaces():
    with pytest.raises(ValueError, match="one timestamp per text"):
        flooding(["a", "b"], timestamps=[1.0])
    with pytest.raises(ValueError, match="surface"):
        flooding(["a"], timestamps=[1.0], surface="letters")
    assert flooding([], timestamps=[]) is None


# --- Speed ----------------------------------------------------------------------------------
