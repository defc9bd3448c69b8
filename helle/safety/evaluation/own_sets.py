"""Our own labelled sets (helle/safety/evaluation/sets/*.jsonl), written by us.

Crisis: every text is labelled crisis, concern_for_other or none; "hard" marks harmless
texts that look alike (idioms, films, lyrics, school topics, negations).
Grooming: whole conversations, labelled grooming or none.
"""

import json
from pathlib import Path

from helle.safety.detectors import crisis, grooming
from helle.safety.evaluation.metrics import confusion, per_label, rate
from helle.safety.findings import Label
from helle.safety.language import detect_language
from helle.safety.normalise import normalise

SETS = Path(__file__).resolve().parent / "sets"
CRISIS_LABELS = ("crisis", "concern_for_other", "none")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def crisis_prediction(text: str) -> str:
    labels = {f.label for f in crisis.detect(normalise(text), detect_language(text))}
    if Label.CRISIS in labels:
        return "crisis"
    if Label.CONCERN in labels:
        return "concern_for_other"
    return "none"


def evaluate_crisis(path: Path = SETS / "crisis.jsonl") -> dict:
    rows = read_jsonl(path)
    result = {}
    for language in ("da", "en"):
        subset = [r for r in rows if r["lang"] == language]
        gold = [r["label"] for r in subset]
        predicted = [crisis_prediction(r["text"]) for r in subset]
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


def evaluate_grooming(path: Path = SETS / "grooming.jsonl") -> dict:
    # The set also holds single-message examples (for the detector's tests); only whole
    # conversations count here.
    rows = [r for r in read_jsonl(path) if "messages" in r]
    result = {}
    for language in ("da", "en"):
        subset = [r for r in rows if r["lang"] == language]
        gold = [r["label"] for r in subset]
        predicted = [
            "grooming" if grooming.score_conversation(_conversation(r), language=language).flagged else "none"
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
