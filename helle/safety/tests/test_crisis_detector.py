"""The crisis detector: the writer's own risk is escalated, a friend's is a concern, and
the look-alikes of a teenager's day are left alone."""

import json
from pathlib import Path

import pytest

from helle.safety.detectors import crisis
from helle.safety.findings import Label, Severity
from helle.safety.normalise import normalise

SET = Path(__file__).resolve().parents[1] / "evaluation" / "sets" / "crisis.jsonl"


def findings(text: str, language: str = "da"):
    return crisis.detect(normalise(text), language)


def crisis_kinds(text: str, language: str = "da") -> set[str]:
    return {f.kind for f in findings(text, language) if f.label == Label.CRISIS}


def labels(text: str, language: str = "da") -> set[Label]:
    return {f.label for f in findings(text, language)}


# --- The writer's own risk, every kind, both languages -----------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("jeg har haft selvmordstanker hele ugen", "da", "ideation"),
        ("jeg orker ikke mere", "da", "ideation"),
        ("vil bare sove og aldrig vågne", "da", "ideation"),
        ("det ville være nemmere hvis jeg ikke var her", "da", "ideation"),
        ("ingen ville savne mig", "da", "ideation"),
        ("nogle gange har jeg så meget lyst til bare at dø", "da", "ideation"),
        ("i just want to disappear forever", "en", "ideation"),
        ("everyone would be better off without me", "en", "ideation"),
        ("i'm not sure i want to live", "en", "ideation"),
        ("kms fr", "en", "ideation"),
        ("thinking about sewerslide again", "en", "ideation"),
        ("jeg skærer i mig selv", "da", "self_harm"),
        ("er begyndt at cutte igen", "da", "self_harm"),
        ("i cut myself again last night", "en", "self_harm"),
        ("relapsed on sh today", "en", "self_harm"),
        ("jeg har besluttet mig. jeg vil ikke leve mere", "da", "plan"),
        ("i've decided. i'm going to end it", "en", "plan"),
        ("jeg vil tage alle mine piller", "da", "method"),
        ("i want to hang myself", "en", "method"),
        ("jeg vil ikke leve mere og tænker på piller", "da", "method"),
        ("jeg slår mig selv ihjel i aften", "da", "time"),
        ("i want to die and i'm doing it tonight", "en", "time"),
        ("farvel til alle. tak for alt", "da", "goodbye"),
        ("tak for alt. farvel", "da", "goodbye"),
        ("this is my last message", "en", "goodbye"),
        ("i won't be here tomorrow", "en", "goodbye"),
    ],
)
def test_the_writers_own_risk_is_a_crisis_of_its_kind(text, language, kind):
    assert kind in crisis_kinds(text, language), findings(text, language)


def test_an_unknown_language_uses_both_lists():
    assert "ideation" in crisis_kinds("jeg vil dø", "")
    assert "ideation" in crisis_kinds("i want to die", "")
    assert "ideation" in crisis_kinds("jag vill dö", "sv")


def test_danish_teenagers_writing_english_slang_are_heard():
    assert "ideation" in crisis_kinds("jeg er så suicidal igen", "da")
    assert "ideation" in crisis_kinds("kms seriøst", "da")


# --- Obfuscation and misspelling -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("S3LVM0RDSTANKER", "da"),  # leetspeak and capitals
        ("s€lvmord$tanker", "da"),  # symbols for letters
        ("jeg har s e l v m o r d s t a n k e r", "da"),  # spaced letters
        ("jeg viiil bare døøø", "da"),  # repeated letters
        ("ѕelvmordѕtanker igen", "da"),  # Cyrillic s
        ("har selvmorstanker igen", "da"),  # misspelling
        ("jeg vil begå selvmort", "da"),  # misspelling
        ("su1c1dal thoughts again", "en"),
        ("S U I C I D A L", "en"),
        ("i wanna diiiie", "en"),
        ("ѕuicidal", "en"),
        ("i wanna kil my self", "en"),
        ("thinking about sucide a lot", "en"),
        ("har lyst til at d0", "da"),  # zero for ø
    ],
)
def test_obfuscated_and_misspelled_crisis_words_are_found(text, language):
    assert crisis_kinds(text, language), findings(text, language)


# --- Look-alikes that must stay quiet ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("jeg dør af grin 😂", "da"),
        ("jeg dør hvis jeg ikke får pizza", "da"),
        ("jeg slår mig selv ihjel hvis jeg ikke får billetter 😂", "da"),
        ("min mor slår mig ihjel hvis hun ser min karakter", "da"),
        ("i'm dying lol", "en"),
        ("i'm dying 😂", "en"),
        ("this homework is killing me", "en"),
        ("you're killing it", "en"),
        ("i want to die of embarrassment lol", "en"),
        ("this class is so boring i want to die lol", "en"),
    ],
)
def test_idioms_and_clear_jokes_are_not_a_crisis(text, language):
    assert Label.CRISIS not in labels(text, language), findings(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("i filmen begår han selvmord", "da"),
        ("har i set 13 reasons why?", "da"),
        ("in the movie she kills herself", "en"),
        ('han synger "jeg vil ikke leve mere"', "da"),
        ('the song goes "i want to die" lol', "en"),
        ("lyrics: i don't wanna live forever", "en"),
        ("vi har om selvmord i dansk", "da"),
        ("jeg skal skrive en opgave om selvmordstanker hos unge", "da"),
        ("we're writing an essay about suicide prevention", "en"),
        ("our health class talked about self harm today", "en"),
    ],
)
def test_films_songs_and_school_topics_are_not_a_crisis(text, language):
    assert not findings(text, language), findings(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("jeg har aldrig tænkt på selvmord", "da"),
        ("jeg er ikke selvmordstruet, bare træt", "da"),
        ("nej nej, jeg har ikke tænkt på at gøre skade på mig selv", "da"),
        ("I'm not suicidal", "en"),
        ("i would never kill myself", "en"),
        ("i don't want to die, i'm just scared of the dentist", "en"),
    ],
)
def test_a_negated_crisis_word_is_not_a_crisis(text, language):
    assert Label.CRISIS not in labels(text, language), findings(text, language)


def test_but_not_being_sure_one_wants_to_live_is_a_crisis():
    assert "ideation" in crisis_kinds("I'm not sure I want to live", "en")
    assert "ideation" in crisis_kinds("jeg ved ikke om jeg vil leve mere", "da")


def test_a_negation_inside_another_crisis_phrase_does_not_cancel_the_next_one():
    assert "ideation" in crisis_kinds("jeg kan ikke mere jeg vil dø", "da")
    assert "ideation" in crisis_kinds("im not ok i want to die", "en")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("jeg dræbte dragen i minecraft", "da"),
        ("han slog mig ihjel i fortnite", "da"),
        ("skær løget i små tern", "da"),
        ("jeg skar mig i fingeren da jeg lavede mad", "da"),
        ("jeg tager mine piller hver morgen for min astma", "da"),
        ("vi skal hoppe fra broen ned i vandet i sommerferien", "da"),
        ("i killed him in fortnite", "en"),
        ("i cut myself shaving this morning", "en"),
        ("cut the onions into small pieces", "en"),
        ("my phone is dying, text you later", "en"),
        ("i hurt myself playing football", "en"),
    ],
)
def test_gaming_cooking_and_accidents_are_not_a_crisis(text, language):
    assert Label.CRISIS not in labels(text, language), findings(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("farvel til alle, vi ses efter ferien", "da"),
        ("tak for alt hjælpen i dag", "da"),
        ("goodbye everyone, see you after the holidays", "en"),
        ("i won't be here tomorrow, i have a dentist appointment", "en"),
        ("jeg har besluttet mig for at gå til fodbold igen", "da"),
        ("i have a plan for this weekend", "en"),
    ],
)
def test_everyday_goodbyes_and_plans_are_not_a_crisis(text, language):
    assert Label.CRISIS not in labels(text, language), findings(text, language)


def test_advice_and_questions_to_the_reader_are_not_the_writers_crisis():
    assert not findings("hvis du har selvmordstanker så ring til livslinien", "da")
    assert not findings("are you suicidal? you can talk to me", "en")


def test_run_on_messages_without_full_stops_are_read_clause_by_clause():
    # Someone else's "ikke", someone else's "her", a football match further on: none of
    # them belongs to "jeg orker ikke mere" / "i cant do this anymore".
    text = "min mor forstår mig ikke jeg orker ikke mere og vil ikke være her vi har eksamen i næste uge"
    assert Label.CRISIS in labels(text, "")
    text = "i miss her so much i cant do this anymore i dont want to be here we played football after school"
    assert Label.CRISIS in labels(text, "")


def test_being_told_to_kill_oneself_is_harassment_not_the_writers_wish():
    assert Label.CRISIS not in labels("a guy messaged me telling me to hang myself", "en")


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("nogle gange har jeg så meget lyst til bare at dø", "da", "ideation"),
        ("gider jeg ikke at leve mere", "da", "ideation"),
        ("alle ville have det bedre hvis jeg bare ikke var her", "da", "ideation"),
        ("jeg ønsker at jeg kunne falde i søvn og ikke vågne igen", "da", "ideation"),
        ("jeg skar i armen i nat", "da", "self_harm"),
        ("jeg har tænkt på at springe fra taget", "da", "method"),
        ("everyone would be happier if i just wasn't around", "en", "ideation"),
        ("honestly i'd rather not exist", "en", "ideation"),
        ("no one would notice if i just stopped existing", "en", "ideation"),
        ("i keep thinking about taking a bunch of pills", "en", "method"),
        ("my wrists are covered in cuts", "en", "self_harm"),
    ],
)
def test_combinations_catch_what_no_list_holds(text, language, kind):
    assert kind in crisis_kinds(text, language), findings(text, language)


def test_ten_or_more_pills_is_a_method_but_a_normal_dose_is_not():
    assert "method" in crisis_kinds("jeg har lige taget 20 panodil", "da")
    assert "method" in crisis_kinds("i just took 30 tylenol", "en")
    assert not findings("jeg har taget 2 panodil mod min hovedpine", "da")
    assert not findings("i took 2 tylenol for my headache", "en")


def test_an_inner_voice_telling_the_writer_to_die_is_a_crisis():
    assert Label.CRISIS in labels("my head keeps telling me to kill myself", "en")


def test_a_misread_language_does_not_change_the_answer():
    assert Label.CRISIS not in labels("i want to die of embarrassment lol", "da")
    assert Label.CRISIS not in labels("jeg har aldrig tænkt på selvmord", "en")
    assert "ideation" in crisis_kinds("jeg vil ikke leve mere", "en")
    assert "ideation" in crisis_kinds("i don't want to live anymore", "da")


# --- Someone else at risk ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("min veninde skærer i sig selv, hvad skal jeg gøre?", "da"),
        ("min ven siger han vil dø", "da"),
        ("hun skrev til mig at hun vil slå sig selv ihjel", "da"),
        ('min veninde sagde "jeg vil ikke leve mere"', "da"),
        ("my friend cuts herself, what should i do", "en"),
        ("my best friend told me he wants to kill himself", "en"),
        ("my sister keeps saying nobody would miss her", "en"),
        ("my friend texted me: i can't do this anymore", "en"),
    ],
)
def test_a_friend_at_risk_is_a_concern_not_the_writers_crisis(text, language):
    found = labels(text, language)
    assert Label.CONCERN in found and Label.CRISIS not in found, findings(text, language)


def test_a_friend_at_risk_with_a_plan_is_a_high_concern():
    found = findings("my friend said she's going to end it tonight", "en")
    assert {f.label for f in found} == {Label.CONCERN}
    assert max(f.severity for f in found) == Severity.HIGH


def test_when_the_writer_and_a_friend_are_both_at_risk_both_are_reported():
    for text, language in [
        ("min veninde har selvmordstanker, og jeg har det også sådan", "da"),
        ("my friend is suicidal and so am i", "en"),
        ("min ven cutter og jeg har selv selvmordstanker", "da"),
    ]:
        assert {Label.CRISIS, Label.CONCERN} <= labels(text, language), findings(text, language)


# --- Severity, score, history --------------------------------------------------------------------


def severity_of(text: str, language: str = "da") -> int:
    return max(f.severity for f in findings(text, language) if f.label == Label.CRISIS)


def test_thoughts_and_self_harm_are_medium():
    assert severity_of("jeg har selvmordstanker") == Severity.MEDIUM
    assert severity_of("i self harm", "en") == Severity.MEDIUM


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("jeg har besluttet mig for at dø", "da"),
        ("jeg vil tage alle mine piller", "da"),
        ("jeg har selvmordstanker og det bliver i nat", "da"),
        ("det her er min sidste besked", "da"),
        ("i wrote my suicide note", "en"),
        ("i'm going to kill myself tonight", "en"),
        ("goodbye everyone", "en"),
    ],
)
def test_a_plan_a_method_a_time_or_a_goodbye_is_higher_than_a_thought(text, language):
    assert severity_of(text, language) == Severity.HIGH > severity_of("jeg har selvmordstanker")


def test_each_kind_is_reported_with_its_own_span():
    text = "jeg har selvmordstanker og vil tage alle mine piller i aften"
    spans = {f.kind: text[f.start : f.end] for f in findings(text)}
    assert spans == {"ideation": "selvmordstanker", "method": "tage alle mine piller", "time": "i aften"}


def test_thoughts_with_a_method_and_a_time_score_higher_than_thoughts_alone():
    alone = next(f for f in findings("jeg har selvmordstanker") if f.kind == "ideation")
    together = next(
        f
        for f in findings("jeg har selvmordstanker og vil tage alle mine piller i aften")
        if f.kind == "ideation"
    )
    assert together.score > alone.score
    assert all(0 <= f.score <= 1 for f in findings("jeg har selvmordstanker og vil tage alle mine piller"))


def test_past_resolved_thoughts_are_a_low_history_finding():
    found = findings("for to år siden havde jeg selvmordstanker, men nu har jeg det godt")
    assert [(f.label, f.kind, f.severity) for f in found] == [(Label.CRISIS, "history", Severity.LOW)]


def test_a_past_that_comes_with_a_plan_is_not_history():
    assert "history" not in crisis_kinds(
        "for et år siden havde jeg det godt, men nu har jeg skrevet et afskedsbrev"
    )


def test_reasons_are_short_english_for_moderators():
    found = findings("jeg har selvmordstanker og vil tage alle mine piller")
    reasons = {f.kind: f.reason for f in found}
    assert reasons["ideation"] == "suicidal thoughts (Danish)"
    assert reasons["method"] == "method: pills, with intent (Danish)"


def test_laughter_lowers_the_score_but_does_not_hide_a_masked_cry():
    plain = findings("i want to die", "en")[0]
    laughing = findings("i want to die lol", "en")[0]
    assert laughing.label == Label.CRISIS and laughing.score < plain.score


# --- Spans point at what was written -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "written"),
    [
        ("hej. S3LVM0RDSTANKER igen", "da", "S3LVM0RDSTANKER"),
        ("jeg har s e l v m o r d s t a n k e r", "da", "s e l v m o r d s t a n k e r"),
        ("okay ѕuicidal again", "en", "ѕuicidal"),
        ("jeg viiil bare døøø!!", "da", "viiil bare døøø"),
        ("im so done, i wanna k1ll mys3lf", "en", "k1ll mys3lf"),
        ("jeg\u200b skærer i mig selv", "da", "skærer i mig selv"),
    ],
)
def test_a_span_points_at_the_original_characters(text, language, written):
    spans = [text[f.start : f.end] for f in findings(text, language)]
    assert written in spans, spans


# --- The labelled set ----------------------------------------------------------------------------


# --- Phrasing families: generalising beyond fixed sentences -------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # a wish and a death word far apart in one sentence, across "og"/"and"
        ("har så meget lyst til bare at lægge mig ned og dø", "da"),
        ("i really want to just lie down and die", "en"),
        # a wish not to wake, with the subject repeated
        ("nogle gange ønsker jeg bare at jeg ikke vågner i morgen", "da"),
        # doubt that is the phrase itself, not a negation of it
        ("jeg ved ikke om jeg overlever natten", "da"),
        ("i don't think i'll make it through the night", "en"),
        # inverted Danish word order, still, relapse, deeper
        ("har været clean i 3 måneder men i går skar jeg igen", "da"),
        ("jeg skærer stadig, bare på benene nu", "da"),
        ("i relapsed last night after 4 months clean", "en"),
        ("i cut deeper than usual last night", "en"),
        ("jeg har kradset mine arme til blods igen", "da"),
        ("i scratched my arms until they bled again", "en"),
        # burden and "should not be alive"
        ("min familie ville klare sig fint uden mig", "da"),
        ("i feel like i shouldn't be living", "en"),
        ("i'm tired of existing", "en"),
        # a plan in pieces: a decision, "doing it", a day
        ("jeg har besluttet mig, jeg gør det på lørdag", "da"),
        ("i've been planning how i'd do it", "en"),
        ("i've picked a date", "en"),
        # a means at hand
        ("jeg sidder med pillerne i hånden", "da"),
        ("i feel like walking into traffic", "en"),
        # goodbyes in pieces
        ("jeg har givet min kat til min søster og ryddet mit værelse, jeg er klar", "da"),
        ("hvis jeg ikke skriver i morgen så ved i hvorfor", "da"),
        ("by the time you read this i'll be gone", "en"),
        ("tror ikke jeg er her meget længere", "da"),
        ("i don't think i'll be around much longer", "en"),
    ],
)
def test_new_phrasing_families_are_the_writers_crisis(text, language):
    assert Label.CRISIS in labels(text, language), text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my sister posted a goodbye message on insta and isn't answering her phone", "en"),
        ("she wrote that tonight is her last night", "en"),
        ("my mate keeps talking about ending it", "en"),
    ],
)
def test_new_phrasing_about_a_friend_is_a_concern(text, language):
    assert labels(text, language) == {Label.CONCERN}, text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("jeg vil gerne bare lægge mig ned og se netflix til jeg dør af kedsomhed", "da"),
        ("i really want to just lie down and watch movies until i die of boredom", "en"),
        ("jeg har sat en dato for min fødselsdagsfest", "da"),
        ("we've set a date for the party", "en"),
        ("min mormor klarer sig fint uden mig i weekenden", "da"),
        ("tror ikke jeg er her meget længere i dag, skal hjem og spise", "da"),
        ("i don't think i'll be around much longer today, gotta go eat", "en"),
        ("hvis jeg ikke skriver i morgen er det fordi jeg er til fødselsdag", "da"),
        ("i'll be gone for two weeks, thanks for everything", "en"),
        ("got my hair cut again today", "en"),
        ("jeg kan ikke mere med den her varme", "da"),
        ("jeg ville ønske jeg kunne forsvinde fra den her time", "da"),
        ("jeg har lyst til at skære alle kagerne ud", "da"),
        ("i hit myself on the table by accident", "en"),
        ("i want to live until i'm a hundred", "en"),
    ],
)
def test_new_look_alikes_are_left_alone(text, language):
    assert Label.CRISIS not in labels(text, language), text


def labelled_set() -> list[dict]:
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_labelled_set_is_big_enough_in_both_languages():
    rows = labelled_set()
    for language in ("da", "en"):
        mine = [r for r in rows if r["lang"] == language]
        assert sum(r["label"] == "crisis" for r in mine) >= 120
        assert sum(r["label"] == "concern_for_other" for r in mine) >= 40
        assert sum(r["label"] == "none" and r["hard"] for r in mine) >= 120


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_labelled_set_has_high_recall_and_few_false_alarms(language):
    rows = [r for r in labelled_set() if r["lang"] == language]
    crises = [r for r in rows if r["label"] == "crisis"]
    look_alikes = [r for r in rows if r["label"] == "none" and r["hard"]]
    missed = [r["text"] for r in crises if Label.CRISIS not in labels(r["text"], language)]
    false_alarms = [r["text"] for r in look_alikes if Label.CRISIS in labels(r["text"], language)]
    recall = 1 - len(missed) / len(crises)
    false_alarm_rate = len(false_alarms) / len(look_alikes)
    assert recall >= 0.95, f"recall {recall:.3f}, missed: {missed}"
    assert false_alarm_rate <= 0.05, f"false alarms {false_alarm_rate:.3f}: {false_alarms}"


@pytest.mark.parametrize("language", ["da", "en"])
def test_worry_about_a_friend_in_the_labelled_set_is_mostly_a_concern(language):
    rows = [r for r in labelled_set() if r["lang"] == language and r["label"] == "concern_for_other"]
    wrong = [
        r["text"]
        for r in rows
        if ((found := labels(r["text"], language)) and (Label.CONCERN not in found or Label.CRISIS in found))
        or not found
    ]
    assert len(wrong) / len(rows) <= 0.1, wrong


# --- Speed ----------------------------------------------------------------------------------------


# --- Fed up with something, a word asked about, a story that is over --------------------------


@pytest.mark.parametrize(
    "text, language",
    [
        ("jeg kan ikke mere med den klasse, der sker aldrig noget", "da"),
        ("gider ikke mere af det spil, har tabt ti gange", "da"),
        ("orker ikke mere i dag, skal bare sove", "da"),
        ("i can't anymore with this roommate, she never cleans", "en"),
    ],
)
def test_fed_up_with_a_named_thing_is_not_a_crisis(text, language):
    assert Label.CRISIS not in labels(text, language)


@pytest.mark.parametrize(
    "text, language",
    [
        ("jeg kan ikke mere med livet", "da"),
        ("jeg kan ikke mere med det her, jeg er så træt", "da"),
        ("i can't do this anymore with my life", "en"),
    ],
)
def test_fed_up_with_life_or_with_it_all_stays_a_crisis(text, language):
    assert Label.CRISIS in labels(text, language)


@pytest.mark.parametrize(
    "text, language",
    [
        ("hvad er forskellen på selvskade og et selvmordsforsøg? det skal bruges til min sso", "da"),
        ("what does self-harm mean? it came up in a text for my research project", "en"),
    ],
)
def test_asking_about_a_word_for_school_is_a_topic(text, language):
    assert Label.CRISIS not in labels(text, language)


@pytest.mark.parametrize(
    "text, language",
    [
        ("for tre år siden cuttede jeg, nu er jeg frivillig og hjælper andre", "da"),
        ("jeg har været et år uden selvskade i dag og er stolt", "da"),
        ("two years since my last suicidal thoughts, therapy really helped", "en"),
    ],
)
def test_thoughts_that_are_over_are_history_not_a_crisis_now(text, language):
    assert crisis_kinds(text, language) == {"history"}
