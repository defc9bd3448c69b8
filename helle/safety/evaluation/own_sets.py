"""Our own labelled sets (helle/safety/evaluation/sets/*.jsonl), written by us.

Crisis: every text is labelled crisis, concern_for_other or none; "hard" marks harmless
texts that look alike (idioms, films, lyrics, school topics, negations).
Grooming: whole conversations, labelled grooming or none.
"""

import json
from pathlib import Path

from helle.safety.detectors import crisis, grooming
from helle.safety.evaluation.metrics import confusion, per_label, rate
from helle.safety.findings import Label, Severity
from helle.safety.language import detect_language
from helle.safety.normalise import normalise

SETS = Path(__file__).resolve().parent / "sets"
CRISIS_LABELS = ("crisis", "concern_for_other", "none")
# What the crisis model learns from: sentences written for training, each file by another
# writer, and our evaluation set of the rules. Never the held-out sets: they measure the model.
TRAINING = Path(__file__).resolve().parents[1] / "training"
CRISIS_TRAINING_FILES = (
    TRAINING / "crisis.jsonl",
    TRAINING / "crisis_more.jsonl",
    TRAINING / "crisis_third.jsonl",
    TRAINING / "crisis_da_chat.jsonl",
    TRAINING / "crisis_da_posts.jsonl",
    TRAINING / "crisis_en_mixed.jsonl",
    TRAINING / "crisis_en_posts.jsonl",
    TRAINING / "crisis_en_chat.jsonl",
    TRAINING / "crisis_en_subtle.jsonl",
    TRAINING / "crisis_en_voices.jsonl",
    TRAINING / "crisis_lookalikes.jsonl",
    SETS / "crisis.jsonl",
)
# Written blind, each by someone who saw no rule, list or training sentence; the second one
# after the first had been used for several rounds of work, so it is the fresher estimate.
CRISIS_HELDOUTS = (SETS / "crisis_heldout.jsonl", SETS / "crisis_heldout_2.jsonl")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# The crisis model's bar: the lowest at which at most this share of the harmless look-alikes of
# each training writer reach it, judged by a model trained on the other writers' sentences (so
# the share is what a new writer's look-alikes meet); the rules' own false alarms come on top.
# Issue 4 asks for at most 5 %; we chose recall first, because a missed crisis costs more than
# a counsellor's look at a false alarm. docs/evaluation.md shows what it buys on held-out sets.
CRISIS_FALSE_ALARMS = 0.10
# Word n-grams in at least this many training texts: two thirds of the crisis model's word
# table goes (a smaller model to load and keep in memory), at the same recall and false alarms
# on each writer's sentences judged by a model trained on the others' and on the held-out sets.
CRISIS_MIN_DF = 2


def is_look_alike(row: dict) -> bool:
    """A harmless text that looks like a crisis: marked hard in our sets, or of a kind other
    than plain everyday talk in the training sentences."""
    return row["label"] == "none" and bool(row.get("hard") or row.get("kind", "everyday") != "everyday")


def crisis_training_rows(paths=CRISIS_TRAINING_FILES) -> list[dict]:
    """The rows of our crisis sets, each with its file's name as "source" (one file, one writer),
    without any text that is also in a held-out set: sets written apart sometimes share a
    common line ("jeg dør af grin 😂😂"), and a model must never have seen what measures it."""
    held_out = _held_out_texts()
    return [
        {**row, "source": source_name(Path(path))}
        for path in paths
        if Path(path).exists()
        for row in read_jsonl(Path(path))
        if _key(row["text"]) not in held_out
    ]


def source_name(path: Path) -> str:
    """A training file's name as its writer: with its folder, as training/crisis.jsonl and
    sets/crisis.jsonl are two writers."""
    return f"{path.parent.name}/{path.name}"


def _key(text: str) -> str:
    return text.casefold().strip()


def _held_out_texts() -> frozenset[str]:
    return frozenset(
        _key(row["text"]) for path in CRISIS_HELDOUTS if path.exists() for row in read_jsonl(path)
    )


def train_crisis_model(extra: list[tuple[str, str]] = (), sources: list[str] | None = None):
    """The crisis model: our training sentences (and `extra` examples, e.g. from moderators'
    decisions), its bar set by CRISIS_FALSE_ALARMS."""
    from helle.safety.classifier import LinearTextClassifier

    rows = crisis_training_rows()
    # Worry about someone else is not the writer's own crisis: "none" here (the rules tell it apart).
    examples = [(r["text"], "crisis" if r["label"] == "crisis" else "none") for r in rows] + list(extra)
    look_alikes = [is_look_alike(r) for r in rows] + [False] * len(extra)
    groups = [r["source"] for r in rows] + ["extra"] * len(extra)
    sources = sources or [f"{p.parent.name}/{p.name}" for p in CRISIS_TRAINING_FILES if p.exists()]
    return LinearTextClassifier(labels=("none", "crisis"), min_df=CRISIS_MIN_DF).train(
        examples,
        sources=sources,
        max_false_alarms=CRISIS_FALSE_ALARMS,
        look_alikes=look_alikes,
        groups=groups,
    )


def crisis_prediction(text: str, model=None) -> str:
    """What the rules say, and, when `model` (a crisis classifier) is given, what the pipeline
    says: the model is asked only when the rules found neither crisis nor concern. "crisis"
    is what alerts staff; past thoughts that are over (kind "history", LOW) are only flagged
    for review, like worry about someone else, so they count as "none" here."""
    language = detect_language(text)
    findings = crisis.detect(normalise(text), language)
    labels = {f.label for f in findings}
    if any(f.label is Label.CRISIS and f.severity >= Severity.MEDIUM for f in findings):
        return "crisis"
    if Label.CONCERN in labels:
        return "concern_for_other"
    if Label.CRISIS in labels:
        return "none"  # history: flagged for review, no alert, and the model is not asked
    if model is not None and model.knows_language(language) and model.positive_proba(text) >= model.threshold:
        return "crisis"
    return "none"


def evaluate_crisis(path: Path | tuple[Path, ...] = SETS / "crisis.jsonl", model=None) -> dict:
    """Scores per language on one set, or on several together (a tuple of paths)."""
    rows = [row for one in (path if isinstance(path, tuple) else (path,)) for row in read_jsonl(one)]
    result = {}
    for language in ("da", "en"):
        subset = [r for r in rows if r["lang"] == language]
        gold = [r["label"] for r in subset]
        predicted = [crisis_prediction(r["text"], model) for r in subset]
        # The held-out set marks every harmless text hard; our own set also has plain ones.
        hard = [
            (r, p) for r, p in zip(subset, predicted, strict=True) if r["label"] == "none" and r.get("hard")
        ]
        misses = [
            r["text"]
            for r, p in zip(subset, predicted, strict=True)
            if r["label"] == "crisis" and p != "crisis"
        ]
        false_alarms = [r["text"] for r, p in hard if p == "crisis"]
        result[language] = {
            "per_label": per_label(gold, predicted, CRISIS_LABELS),
            "confusion": confusion(gold, predicted, CRISIS_LABELS),
            "hard_negatives": len(hard),
            "false_positive_rate": rate(len(false_alarms), len(hard)),
            "misses": misses,
            "false_alarms": false_alarms,
        }
    return result


def _conversation(row: dict) -> list[grooming.ConversationMessage]:
    authors = {name: number for number, name in enumerate(sorted({m["author"] for m in row["messages"]}), 1)}
    return [
        grooming.ConversationMessage(authors[m["author"]], m.get("age_band", ""), m["text"])
        for m in row["messages"]
    ]


GROOMING_HELDOUT = SETS / "grooming_heldout.jsonl"


GROOMING_TRAINING_FILES = (TRAINING / "grooming_messages.jsonl",)
# The grooming message model's bar: at most this share of the harmless look-alike messages
# (out of fold) reach it.
GROOMING_FALSE_ALARMS = 0.05
_GROOMING_LOOK_ALIKES = {"look_alike", "legit_adult", "peer_flirting", "homework_photos", "support"}


def is_grooming_look_alike(row: dict) -> bool:
    return row["label"] == "none" and row.get("kind") in _GROOMING_LOOK_ALIKES


def train_grooming_model():
    from helle.safety.classifier import LinearTextClassifier

    rows = [row for path in GROOMING_TRAINING_FILES if path.exists() for row in read_jsonl(path)]
    examples = [(r["text"], "grooming" if r["label"] == "grooming" else "none") for r in rows]
    look_alikes = [is_grooming_look_alike(r) for r in rows]
    return LinearTextClassifier(labels=("none", "grooming")).train(
        examples,
        sources=[f"training/{p.name}" for p in GROOMING_TRAINING_FILES if p.exists()],
        max_false_alarms=GROOMING_FALSE_ALARMS,
        look_alikes=look_alikes,
    )


def evaluate_grooming(path: Path = SETS / "grooming.jsonl", model=None) -> dict:
    # The set also holds single-message examples (for the detector's tests); only whole
    # conversations count here.
    rows = [r for r in read_jsonl(path) if "messages" in r]
    result = {}
    for language in ("da", "en"):
        subset = [r for r in rows if r["lang"] == language]
        gold = [r["label"] for r in subset]
        predicted = [
            "grooming"
            if grooming.score_conversation(_conversation(r), language=language, model=model).flagged
            else "none"
            for r in subset
        ]
        result[language] = {
            "per_label": per_label(gold, predicted, ("grooming", "none")),
            "confusion": confusion(gold, predicted, ("grooming", "none")),
            "false_positive_rate": rate(
                sum(1 for g, p in zip(gold, predicted, strict=True) if g == "none" and p == "grooming"),
                gold.count("none"),
            ),
        }
    return result
