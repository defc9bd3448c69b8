"""The grooming detector: signals in one message, then risk over a whole conversation.

The conversation figures are measured on helle/safety/evaluation/sets/grooming.jsonl. That
set was written by the same people as the word lists, so it flatters them; the records
whose note starts with "held-out" were written before the list entries that now catch
them, and tell more about new phrasings (see the report in the pull request).
"""

import json
from pathlib import Path

import pytest

from helle.safety.detectors import grooming
from helle.safety.detectors.grooming import (
    GROOMING_THRESHOLD,
    KINDS,
    ConversationMessage,
    detect,
    score_conversation,
)
from helle.safety.findings import Label, Severity
from helle.safety.normalise import normalise

SET = Path(grooming.__file__).resolve().parents[1] / "evaluation" / "sets" / "grooming.jsonl"
RECORDS = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
CONVERSATIONS = [r for r in RECORDS if "messages" in r]
MESSAGE_EXAMPLES = [r for r in RECORDS if "text" in r]


def kinds(text: str, language: str = "") -> set[str]:
    return {finding.kind for finding in detect(normalise(text), language)}


def conversation(record: dict) -> list[ConversationMessage]:
    authors = {"a": 1, "b": 2}
    return [ConversationMessage(authors[m["author"]], m["age_band"], m["text"]) for m in record["messages"]]


def adult_to_teen(*texts: str, writer: str = "26+", reader: str = "13-15") -> list[ConversationMessage]:
    """The writer's lines, each answered by the reader with "ok"."""
    messages = []
    for text in texts:
        messages += [ConversationMessage(1, writer, text), ConversationMessage(2, reader, "ok")]
    return messages


# --- One message: each kind, in both languages ------------------------------------------------

POSITIVES = [
    ("da", "secrecy", "det er vores hemmelighed"),
    ("da", "secrecy", "sig det ikke til dine forældre"),
    ("da", "secrecy", "slet beskederne"),
    ("en", "secrecy", "don't tell anyone"),
    ("en", "secrecy", "delete this chat"),
    ("da", "move_platform", "lad os skrive på snap i stedet"),
    ("da", "move_platform", "skriv privat"),
    ("en", "move_platform", "let's talk somewhere else"),
    ("en", "move_platform", "do you have whatsapp"),
    ("da", "photos", "send et billede"),
    ("da", "photos", "vis mig dig selv"),
    ("da", "photos", "har du nogle billeder"),
    ("en", "photos", "send pics"),
    ("en", "photos", "show me"),
    ("en", "photos", "cam?"),
    ("da", "age_location", "hvor gammel er du"),
    ("da", "age_location", "hvor bor du"),
    ("da", "age_location", "hvilken skole går du på"),
    ("en", "age_location", "are you home alone"),
    ("en", "age_location", "asl"),
    ("da", "gifts_money", "jeg kan give dig penge"),
    ("da", "gifts_money", "vil du have et gavekort"),
    ("da", "gifts_money", "robux"),
    ("en", "gifts_money", "I'll buy you"),
    ("en", "gifts_money", "skins"),
    ("da", "sexual", "er du jomfru?"),
    ("da", "sexual", "hvad har du på lige nu"),
    ("en", "sexual", "what are you wearing"),
    ("en", "sexual", "do you touch yourself?"),
    ("da", "flattery_trust", "du er så moden for din alder"),
    ("da", "flattery_trust", "dine forældre forstår dig ikke"),
    ("en", "flattery_trust", "you're mature for your age"),
    ("en", "flattery_trust", "only I understand you"),
    ("da", "meeting", "skal vi mødes"),
    ("da", "meeting", "jeg kan hente dig efter skole"),
    ("en", "meeting", "I can pick you up"),
    ("en", "meeting", "wanna meet up this weekend?"),
    ("da", "threat", "send et til, ellers viser jeg det første til hele klassen"),
    ("en", "threat", "send another or i'll show the first one to your class"),
]

HARD_NEGATIVES = [
    ("da", "secrecy", "du må gerne fortælle det til en voksen du stoler på"),
    ("da", "secrecy", "du skal ikke holde det for dig selv"),
    ("da", "secrecy", "jeg siger det ikke til nogen, det er anonymt her"),
    ("en", "secrecy", "it's ok to tell an adult you trust"),
    ("en", "secrecy", "she shouldn't keep it secret"),
    ("da", "move_platform", "skriv privat til en rådgiver hvis du har brug for det"),
    ("da", "move_platform", "snap er nede i dag"),
    ("en", "move_platform", "you can chat privately with a counsellor"),
    ("en", "move_platform", "whatsapp is down today"),
    ("da", "photos", "kan du sende et billede af opgaven?"),
    ("da", "photos", "send aldrig nøgenbilleder til nogen du ikke kender"),
    ("en", "photos", "show me how to do number 3"),
    ("en", "photos", "if someone pressures you to send pics, tell an adult"),
    ("da", "age_location", "hvor gammel er din bror?"),
    ("da", "age_location", "jeg er 15 og bor i Aarhus"),
    ("en", "age_location", "how old do you have to be to get a job?"),
    ("en", "age_location", "are there others my age?"),
    ("da", "gifts_money", "jeg giver dig ret"),
    ("da", "gifts_money", "jeg skal købe nye sko i weekenden"),
    ("en", "gifts_money", "I can give you some advice"),
    ("en", "gifts_money", "I'll send you the link to the homework"),
    ("da", "sexual", "hvad har du på hjertet?"),
    ("da", "sexual", "det er din krop, du bestemmer"),
    ("da", "sexual", "er det normalt at have lyst til sex når man er 16?"),
    ("en", "sexual", "what are you wearing to the party?"),
    ("en", "sexual", "your body is changing and that is normal"),
    ("da", "flattery_trust", "jeg forstår godt at det er svært"),
    ("da", "flattery_trust", "du er moden nok til selv at bestemme"),
    ("en", "flattery_trust", "you're old enough to decide what you share"),
    ("da", "meeting", "jeg så hende i skolen i dag"),
    ("en", "meeting", "we're meeting the counsellor on thursday"),
    ("da", "threat", "hvis han truer med at dele dine billeder, så fortæl det til en voksen"),
    ("en", "threat", "hurry up or else we'll miss the bus"),
]


@pytest.mark.parametrize(("language", "kind", "text"), POSITIVES)
def test_each_kind_is_found_in_danish_and_english(language, kind, text):
    assert kind in kinds(text, language)


@pytest.mark.parametrize(("language", "kind", "text"), HARD_NEGATIVES)
def test_harmless_look_alikes_are_not_taken_for_that_kind(language, kind, text):
    assert kind not in kinds(text, language)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("S3nd m1g 3t b1ll3de 😘", "photos"),
        ("s e n d   n u d e s", "sexual"),
        ("hv0r g4mmel 3r du", "age_location"),
        ("ѕend pics", "photos"),  # Cyrillic s
        ("hvoooor gaaaammel er duuu", "age_location"),  # letters held down
        ("s.l.e.t beskederne", "secrecy"),  # letters spelled out
        ("d0n't t3ll 4ny0ne", "secrecy"),
        ("dont tell anyone", "secrecy"),  # no apostrophe
        ("don’t tell anyone", "secrecy"),  # typographic apostrophe
        ("a/s/l?", "age_location"),
        ("skriv paa snap naar dine foraeldre sover", "move_platform"),  # no æ, ø, å
        ("slet beskederne!!", "secrecy"),  # "!" is not read as an "i" here
        ("HVOR GAMMEL ER DU", "age_location"),
    ],
)
def test_obfuscated_forms_are_found(text, kind):
    assert kind in kinds(text)


def test_findings_point_at_the_words_in_the_original_text():
    text = "Hej 😊 du er så sød. H v o r  gammel er du? Og sig det ikke til din mor"
    found = {f.kind: text[f.start : f.end] for f in detect(normalise(text), "da")}
    assert found["age_location"] == "H v o r  gammel er du"
    assert found["secrecy"] == "sig det ikke til"


def test_findings_are_grooming_with_high_severity_for_sexual_photos_meeting_and_secrecy():
    text = "er du jomfru? send et billede. skal vi mødes? det er vores hemmelighed. hvor bor du?"
    findings = {f.kind: f for f in detect(normalise(text), "da")}
    assert {f.label for f in findings.values()} == {Label.GROOMING}
    for kind in ("sexual", "photos", "meeting", "secrecy"):
        assert findings[kind].severity == Severity.HIGH
    assert findings["age_location"].severity < Severity.HIGH
    assert all(0 < f.score <= 1 and f.reason for f in findings.values())


def test_a_meeting_in_a_supervised_place_counts_for_little():
    alone = detect(normalise("skal vi mødes på torsdag?"), "da")
    club = detect(normalise("skal vi mødes i klubben på torsdag? pædagogen er der også"), "da")
    assert club[0].kind == alone[0].kind == "meeting"
    assert club[0].score < alone[0].score / 2


def test_both_languages_lists_are_read_whatever_the_language_given():
    # Young Danes write English phrases, and short lines are often given the wrong language.
    assert kinds("hvor gammel er du", "en") == {"age_location"}
    assert kinds("how old are you", "da") == {"age_location"}
    assert kinds("how old are you? send et billede", "") == {"age_location", "photos"}


def test_plain_text_has_no_findings():
    assert detect(normalise("Jeg har haft en hård uge, min mor og jeg skændes om skolen."), "da") == []


def _simplest_wording(line: str, macros) -> str:
    """An entry's plainest text: first alternative, no optional words, no endings."""
    words = []
    for token in grooming._TOKENS.findall(line.casefold()):
        if token.startswith("[") or token in ("...", "$"):
            continue
        if token.startswith("("):
            token = token[1:-1].split("|")[0].strip()
        for word in token.split():
            if word.startswith("{"):
                word = macros[word[1:-1]][0]
            words.append(word.replace("*", ""))
    return " ".join(words)


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_list_entry_finds_its_own_plainest_wording_at_its_own_score(language):
    # Catches a typo in a list, an entry hidden by an exception, or a weaker entry that is
    # read where a surer one should be.
    missed = []
    for kind in KINDS:
        macros, entries = grooming._read(language, f"grooming_{kind}")
        for line, score in entries:
            text = _simplest_wording(line, macros)
            wanted = KINDS[kind].score if score is None else score
            found = max((f.score for f in detect(normalise(text), language) if f.kind == kind), default=0)
            if found < wanted:
                missed.append(f"{kind}: {line!r} -> {text!r}: {found} < {wanted}")
    assert not missed, "\n".join(missed)


def test_an_entry_with_a_group_glued_to_other_characters_is_refused(monkeypatch):
    monkeypatch.setattr(grooming, "words", lambda language, name: ("send (et|nogle)? billede",))
    with pytest.raises(ValueError, match="groups stand alone"):
        grooming._read("da", "grooming_photos")


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_message_example_in_the_set_is_classified_right(language):
    wrong = []
    for record in MESSAGE_EXAMPLES:
        if record["lang"] != language:
            continue
        found = record["kind"] in kinds(record["text"], language)
        if found != (record["label"] == "grooming"):
            wrong.append(f"{record['label']} {record['kind']}: {record['text']!r}")
    assert not wrong, "\n".join(wrong)


# --- Conversations --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_set_has_at_least_40_grooming_and_40_harmless_conversations_per_language(language):
    labels = [r["label"] for r in CONVERSATIONS if r["lang"] == language]
    assert labels.count("grooming") >= 40
    assert labels.count("none") >= 40
    examples = {(r["kind"], r["label"]) for r in MESSAGE_EXAMPLES if r["lang"] == language}
    assert examples == {(kind, label) for kind in grooming.LIST_KINDS for label in ("grooming", "none")}


@pytest.mark.parametrize("language", ["da", "en"])
def test_grooming_conversations_cross_the_threshold_and_harmless_ones_stay_below(language):
    missed, false_alarms, grooming_total, harmless_total = [], [], 0, 0
    for record in CONVERSATIONS:
        if record["lang"] != language:
            continue
        risk = score_conversation(conversation(record), language=language)
        line = f"{risk.score:.2f} {record['note']} {list(risk.reasons)}"
        if record["label"] == "grooming":
            grooming_total += 1
            if not risk.flagged:
                missed.append(line)
        else:
            harmless_total += 1
            if risk.flagged:
                false_alarms.append(line)
    recall = 1 - len(missed) / grooming_total
    false_positive_rate = len(false_alarms) / harmless_total
    report = "\nmissed:\n" + "\n".join(missed) + "\nfalse alarms:\n" + "\n".join(false_alarms)
    assert recall >= 0.9, f"recall {recall:.2f}" + report
    assert false_positive_rate <= 0.1, f"false positives {false_positive_rate:.2f}" + report


def test_the_score_rises_over_a_grooming_conversation_until_it_crosses_the_threshold():
    messages = adult_to_teen(
        "du er så moden for din alder",
        "hvor gammel er du?",
        "det er vores lille hemmelighed",
        "lad os skrive på snap i stedet",
        "send et billede af dig selv",
    )
    scores, risk = [], None
    for message in messages:
        risk = score_conversation([message], previous=risk)
        scores.append(risk.score)
    assert scores == sorted(scores)
    assert scores[0] < 0.3 < GROOMING_THRESHOLD <= scores[-1] <= 1
    assert risk.flagged
    kinds_in_order = ("flattery_trust", "age_location", "secrecy", "move_platform", "photos")
    assert risk.counts == dict.fromkeys(kinds_in_order, 1)
    assert risk.message_indexes == (0, 2, 4, 6, 8)


def test_the_score_never_falls_as_a_grooming_conversation_in_the_set_goes_on():
    fell = []
    for record in CONVERSATIONS:
        if record["label"] != "grooming":
            continue
        risk, scores = None, []
        for message in conversation(record):
            risk = score_conversation([message], previous=risk)
            scores.append(round(risk.score, 3))
        if scores != sorted(scores):
            fell.append(f"{record['note']}: {scores}")
    assert not fell, "\n".join(fell)


def test_scoring_new_messages_with_previous_equals_scoring_the_whole_conversation():
    for record in CONVERSATIONS:
        messages = conversation(record)
        whole = score_conversation(messages, language=record["lang"])
        for split in range(len(messages) + 1):
            first = score_conversation(messages[:split], language=record["lang"])
            rest = score_conversation(messages[split:], previous=first, language=record["lang"])
            assert rest == whole, (record["note"], split)
        one_by_one = None
        for message in messages:
            one_by_one = score_conversation([message], previous=one_by_one, language=record["lang"])
        assert one_by_one == whole, record["note"]


def test_an_adult_writing_to_a_minor_multiplies_the_risk():
    lines = ("hvor gammel er du?", "send et billede af dig selv")
    adult = score_conversation(adult_to_teen(*lines, writer="26+", reader="13-15")).score
    young_adult = score_conversation(adult_to_teen(*lines, writer="18-25", reader="13-15")).score
    peer = score_conversation(adult_to_teen(*lines, writer="13-15", reader="13-15")).score
    unknown = score_conversation(adult_to_teen(*lines, writer="", reader="")).score
    to_counsellor = score_conversation(adult_to_teen(*lines, writer="13-15", reader="26+")).score
    assert adult >= 1.5 * peer
    assert adult > young_adult > unknown > peer > to_counsellor  # peers: grooming.PEERS
    assert adult >= GROOMING_THRESHOLD > unknown


def test_different_kinds_count_more_than_the_same_kind_repeated():
    repeated = score_conversation(adult_to_teen("hvor gammel er du?", "hvor bor du?", "er du alene hjemme?"))
    different = score_conversation(adult_to_teen("hvor gammel er du?", "du er så moden", "vil du have robux"))
    assert different.score > repeated.score
    assert repeated.counts == {"age_location": 3}
    assert not repeated.flagged


def test_signals_in_escalating_order_count_more_than_the_same_signals_reversed():
    lines = ["du er så moden for din alder", "hvor bor du?", "slet beskederne", "skriv til mig på snap"]
    forward = score_conversation(adult_to_teen(*lines, writer="", reader=""))
    backward = score_conversation(adult_to_teen(*reversed(lines), writer="", reader=""))
    assert forward.score > backward.score
    assert any(reason.startswith("escalating:") for reason in forward.reasons)


def test_reasons_are_short_english_phrases_naming_the_signals_and_the_age_gap():
    risk = score_conversation(adult_to_teen("hvor gammel er du?", "send et billede af dig selv"))
    assert risk.reasons == (
        "older writer (26+) to a minor (13-15)",
        "asked for photos or the camera (message 2)",
        "asked age, where they live, school or if alone (message 0)",
    )


def test_a_young_persons_own_secret_to_a_counsellor_is_not_flagged():
    messages = [
        ConversationMessage(7, "13-15", "sig det ikke til mine forældre, og slet beskederne bagefter"),
        ConversationMessage(8, "26+", "vi ringer ikke til nogen uden at du ved det. hvad tænker du?"),
    ]
    assert score_conversation(messages).score < 0.3


def test_a_counsellor_asking_age_town_and_if_the_young_person_is_alone_is_not_flagged():
    risk = score_conversation(
        adult_to_teen("hvor gammel er du?", "hvor bor du cirka?", "er du alene nu?", "du kan stole på mig")
    )
    assert 0.3 < risk.score < GROOMING_THRESHOLD


def test_an_empty_conversation_has_no_risk():
    risk = score_conversation([])
    assert risk.score == 0 and not risk.flagged and risk.reasons == () and risk.messages_seen == 0


# --- Phrasing families: the same move in other words ----------------------------------------
# Fillers between the words, other verb forms and word orders, and the same question asked
# another way. Written for this test, not taken from the lists.

FAMILIES = [
    # secrecy: who must not know, in both word orders; covering stories; deleting
    ("da", "secrecy", "din mor må ikke finde ud af det"),
    ("da", "secrecy", "det behøver dine forældre ikke at vide noget om"),
    ("da", "secrecy", "lad være at sige det til din far"),
    ("da", "secrecy", "du siger ikke noget til nogen vel?"),
    ("da", "secrecy", "sig bare at du sover hos en veninde"),
    ("da", "secrecy", "husk nu at slette det hele bagefter"),
    ("da", "secrecy", "vi kan ses uden at dine forældre ved det"),
    ("da", "secrecy", "her er der alt for mange der læser med"),
    ("en", "secrecy", "your mom can't find out"),
    ("en", "secrecy", "don't mention me to your dad"),
    ("en", "secrecy", "if anyone asks, you don't know me"),
    ("en", "secrecy", "make sure you wipe our chat after"),
    ("en", "secrecy", "we can meet up without your parents knowing"),
    ("en", "secrecy", "too many people watching in here"),
    # move_platform: fillers, other apps, other verbs
    ("da", "move_platform", "skriv hellere til mig på telegram"),
    ("da", "move_platform", "skal vi ikke skrive et andet sted"),
    ("da", "move_platform", "kan du ikke adde mig på insta"),
    ("da", "move_platform", "lad os flytte samtalen over på whatsapp"),
    ("en", "move_platform", "you on kik or whatsapp?"),
    ("en", "move_platform", "can we chat somewhere more private"),
    ("en", "move_platform", "let's move this to telegram"),
    ("en", "move_platform", "drop your snap"),
    # photos
    ("da", "photos", "vis mig lige hvordan du ser ud"),
    ("da", "photos", "har du nogle hvor man kan se lidt mere?"),
    ("da", "photos", "kan vi ikke facetime i aften"),
    ("da", "photos", "tag et billede nu og send det"),
    ("en", "photos", "pics?"),
    ("en", "photos", "got any where i can see a bit more"),
    ("en", "photos", "put your camera on"),
    ("en", "photos", "take a pic rn and send it"),
    # age_location: alone, parents away, school
    ("da", "age_location", "sidder du alene derhjemme nu?"),
    ("da", "age_location", "hvornår kommer din mor og far hjem"),
    ("da", "age_location", "er dine forældre ude i aften?"),
    ("da", "age_location", "hvad skole går du egentlig på"),
    ("en", "age_location", "u home by yourself?"),
    ("en", "age_location", "what time do ur parents get back"),
    ("en", "age_location", "are your parents out tonight?"),
    ("en", "age_location", "what year were you born"),
    # gifts_money
    ("da", "gifts_money", "jeg har lige sendt 200 kr til dig på mobilepay"),
    ("da", "gifts_money", "der er mange der betaler for billeder"),
    ("en", "gifts_money", "just sent you 20 quid on paypal"),
    ("en", "gifts_money", "lots of people pay for pics"),
    # meeting
    ("da", "meeting", "jeg kunne sagtens samle dig op efter skole"),
    ("da", "meeting", "skal vi ikke ses en dag"),
    ("da", "meeting", "jeg kan kigge forbi med pizza"),
    ("en", "meeting", "i could grab you after school"),
    ("en", "meeting", "i could swing by later"),
    ("en", "meeting", "we should go for a drive, just the two of us"),
    # sexual
    ("da", "sexual", "hvad sover du i?"),
    ("da", "sexual", "har du nogensinde været sammen med nogen?"),
    ("da", "sexual", "er du stadig jomfru"),
    ("da", "sexual", "har du nogle lidt mere vovede?"),
    ("en", "sexual", "what do you sleep in?"),
    ("en", "sexual", "have you ever been with anyone?"),
    ("en", "sexual", "are you still a virgin"),
    ("en", "sexual", "thinking about you gets me so worked up"),
    # flattery_trust
    ("da", "flattery_trust", "du kan godt stole på mig"),
    ("da", "flattery_trust", "dine venner er bare misundelige"),
    ("da", "flattery_trust", "jeg er den eneste der virkelig forstår dig"),
    ("en", "flattery_trust", "you seem really grown up for your age"),
    ("en", "flattery_trust", "your friends are just jealous"),
    ("en", "flattery_trust", "people don't get friendships like ours"),
    # undressing, lifts, video calls, out-of-sight servers
    ("da", "sexual", "tag lige trøjen af"),
    ("en", "sexual", "take your top off for me"),
    ("da", "meeting", "jeg kan give dig et lift hjem fra skole"),
    ("en", "meeting", "i can give you a lift home from school"),
    ("da", "photos", "ring op på video"),
    ("en", "photos", "call me on video"),
    ("da", "secrecy", "lad være med at snakke med dine forældre om det"),
    ("en", "secrecy", "don't talk to your parents about it"),
    # threat (sextortion)
    ("da", "threat", "hvis du ikke svarer, deler jeg billederne på nettet"),
    ("da", "threat", "ellers ryger de ud til hele din skole"),
    ("en", "threat", "otherwise the photos go out to everyone"),
    ("en", "threat", "i'll send your pics to your whole class"),
]


@pytest.mark.parametrize(("language", "kind", "text"), FAMILIES)
def test_phrasing_families_are_found(language, kind, text):
    assert kind in kinds(text, language)


FAMILY_LOOK_ALIKES = [
    # pictures of things, and pictures for school
    ("da", "photos", "send et billede af dit nye værelse når det er færdigt"),
    ("da", "photos", "send billederne af jeres forsøg til mig på aula"),
    ("da", "photos", "kan du tage et billede af side 42 i bogen"),
    ("en", "photos", "send a pic of your new room"),
    ("en", "photos", "send me a photo of the question you're stuck on"),
    ("en", "photos", "send the photos to me on the school portal"),
    # counsellors and friends
    ("da", "secrecy", "jeg har slettet alle beskeder fra min eks"),
    ("da", "secrecy", "det er okay at fortælle det til en voksen"),
    ("en", "secrecy", "you can delete your account in the settings"),
    ("en", "threat", "i'll share the photos with you later"),
    ("da", "threat", "jeg deler billedet med dig senere"),
    ("da", "gifts_money", "jeg giver dig helt ret"),
    ("en", "age_location", "how old do you have to be to work?"),
    ("da", "meeting", "min mor kører, du kan få et lift hjem bagefter"),
    ("da", "photos", "send et billede af jeres nye hund"),
]


@pytest.mark.parametrize(("language", "kind", "text"), FAMILY_LOOK_ALIKES)
def test_family_look_alikes_are_not_taken_for_that_kind(language, kind, text):
    assert kind not in kinds(text, language)


def test_a_phrase_right_after_punctuation_is_found_and_one_inside_a_word_is_not():
    # The matcher looks for phrases after the character before them (see Matcher).
    assert kinds("alder?hvor bor du") == {"age_location"}
    assert kinds("(hvor gammel er du)") == {"age_location"}
    assert kinds("xhvor gammel er du") == set()
    found = detect(normalise("ok. hvor gammel er du"), "da")
    assert [(f.start, f.end) for f in found] == [(4, 21)]


def test_a_threat_with_a_photo_request_flags_a_conversation_even_with_ages_unknown():
    messages = [
        ConversationMessage(1, "", "tak for billedet 😘"),
        ConversationMessage(2, "", "slet det please"),
        ConversationMessage(1, "", "send et mere, ellers viser jeg det til hele din klasse"),
    ]
    risk = score_conversation(messages)
    assert risk.flagged
    assert risk.counts == {"photos": 1, "threat": 1}


def test_a_peers_everyday_ellers_is_not_a_threat_and_peers_count_less():
    peers = score_conversation(
        adult_to_teen("giv mig min oplader tilbage, ellers fortæller jeg det til læreren", writer="13-15")
    )
    assert not peers.flagged
    friends = [
        ConversationMessage(1, "13-15", "hvor gammel er du?"),
        ConversationMessage(2, "13-15", "14, og du?"),
        ConversationMessage(1, "13-15", "også 14! har du snap?"),
        ConversationMessage(2, "13-15", "ja, skriv til mig der"),
        ConversationMessage(1, "13-15", "send et billede af dit nye værelse når det er færdigt"),
    ]
    assert score_conversation(friends).score < 0.4


def test_a_coach_fetching_a_child_in_agreement_with_the_parent_is_not_flagged():
    coach = adult_to_teen(
        "husk træning i morgen kl 16", "jeg kan hente dig ved skolen, så snakker jeg med din mor om det"
    )
    assert not score_conversation(coach).flagged


def test_an_adult_checking_that_the_parents_are_away_then_asking_for_the_camera_is_flagged():
    risk = score_conversation(
        adult_to_teen("hvornår kommer dine forældre hjem?", "tænd lige dit kamera", writer="18-25")
    )
    assert risk.flagged
    assert set(risk.counts) == {"age_location", "photos"}


def test_a_grooming_model_adds_what_the_lists_miss_and_only_there():
    from helle.safety.classifier import LinearTextClassifier

    # A made-up model that knows one made-up move: "vores blå bog". The lists know nothing of it.
    model = LinearTextClassifier(labels=("none", "grooming")).train(
        [(f"vores blå bog {t}", "grooming") for t in ("i aften", "bare os", "igen", "tænk på den", "husk")]
        + [(t, "none") for t in ("god kamp i går", "tak for hjælpen", "vi ses", "hvad laver du", "fedt")],
        tune_threshold=False,
    )
    conversation = adult_to_teen(
        "vores blå bog i aften?", "tænk på vores blå bog", writer="26+", reader="13-15"
    )
    without = score_conversation(conversation)
    with_model = score_conversation(conversation, model=model)
    assert without.score == 0 and with_model.counts == {"model": 2}
    assert with_model.score > 0.4
    # A message the lists already read is left to them.
    listed = adult_to_teen("hvor gammel er du?", writer="26+", reader="13-15")
    assert score_conversation(listed, model=model).counts == {"age_location": 1}
