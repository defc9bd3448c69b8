"""How well the contact detector finds contact details and personal data.

Two sets:
- `evaluate_presidio(path)`: Presidio's synthetic PII sentences (shared/data/pii/dev.json, see
  shared/data/README.md section 3). English, US-centric, no Danish formats. Its entity types are
  mapped onto our kinds; types we do not detect on their own are listed as "not in scope".
- `evaluate_own_set(path)`: our own set (sets/contact.jsonl), Danish and English teen chat with
  obfuscated forms and harmless look-alikes.

Span-level scores per kind, typed (a prediction must have the gold span's kind):
- "overlap": a prediction is right when it overlaps a gold span of its kind; a gold span is found
  when some prediction of its kind overlaps it. Precision counts predictions, recall gold spans.
- "exact": the same offsets as well.
Plus micro (all kinds pooled; predictions of kinds the set has no gold for count as wrong) and
macro averages (mean over kinds with gold spans), "any kind" overlap (is the place found at all,
whatever kind we gave it), sentence-level "contains contact / personal data", and false
positives on the records without in-scope spans.

Run: python -m helle.safety.evaluation.pii [path/to/dev.json] [path/to/contact.jsonl]
"""

import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from helle.safety.detectors import contact
from helle.safety.findings import Label
from helle.safety.normalise import normalise

OWN_SET = Path(__file__).resolve().parent / "sets" / "contact.jsonl"

PRESIDIO_TO_OURS = {
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "DOMAIN_NAME": "url",
    "IP_ADDRESS": "ip",
    "STREET_ADDRESS": "address",
    "CREDIT_CARD": "card",
    "IBAN_CODE": "iban",
    "US_SSN": "id_number",
}
# Presidio types we do not detect on their own: a name, a town or a date alone does not let a
# stranger reach someone (a name with a school does: kind "school_and_name").
PRESIDIO_NOT_IN_SCOPE = (
    "PERSON",
    "GPE",
    "ORGANIZATION",
    "DATE_TIME",
    "TITLE",
    "AGE",
    "NRP",
    "ZIP_CODE",
    "US_DRIVER_LICENSE",
)
KIND_LABEL = contact.KIND_LABELS  # one table of which kind belongs to which label


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Record:
    text: str
    language: str
    gold: tuple[Span, ...]
    note: str = ""


def _prf(tp_pred: int, predicted: int, tp_gold: int, support: int) -> dict:
    precision = tp_pred / predicted if predicted else (1.0 if not support else 0.0)
    recall = tp_gold / support if support else (1.0 if not predicted else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def predict(text: str, language: str, min_score: float = 0.0) -> list[Span]:
    return [
        Span(f.start, f.end, f.kind)
        for f in contact.detect(normalise(text), language)
        if f.score >= min_score
    ]


def evaluate(records: Iterable[Record], min_score: float = 0.0) -> dict:
    """Scores for records with gold spans (see the module docstring)."""
    records = list(records)
    support: Counter = Counter()
    predicted: Counter = Counter()
    overlap_tp_gold: Counter = Counter()
    overlap_tp_pred: Counter = Counter()
    exact_tp: Counter = Counter()
    any_tp_gold = any_tp_pred = 0
    sentence: dict[str, Counter] = {name: Counter() for name in ("any", Label.CONTACT, Label.PERSONAL_DATA)}
    misses: list[dict] = []
    false_positives: list[dict] = []
    negatives = negatives_flagged = 0
    negative_examples: list[dict] = []

    for record in records:
        predictions = predict(record.text, record.language, min_score)
        for g in record.gold:
            support[g.kind] += 1
            same = [p for p in predictions if p.kind == g.kind]
            if any(p.overlaps(g) for p in same):
                overlap_tp_gold[g.kind] += 1
            else:
                misses.append(
                    {
                        "text": record.text,
                        "kind": g.kind,
                        "span": record.text[g.start : g.end],
                        "found": [(p.kind, record.text[p.start : p.end]) for p in predictions],
                    }
                )
            if any(p.start == g.start and p.end == g.end for p in same):
                exact_tp[g.kind] += 1
            if any(p.overlaps(g) for p in predictions):
                any_tp_gold += 1
        for p in predictions:
            predicted[p.kind] += 1
            if any(p.overlaps(g) and g.kind == p.kind for g in record.gold):
                overlap_tp_pred[p.kind] += 1
            else:
                false_positives.append(
                    {
                        "text": record.text,
                        "kind": p.kind,
                        "span": record.text[p.start : p.end],
                        "gold": [(g.kind, record.text[g.start : g.end]) for g in record.gold],
                    }
                )
            if any(p.overlaps(g) for g in record.gold):
                any_tp_pred += 1
        # Sentence level: does the message hold contact details / personal data at all?
        for name, counter in sentence.items():

            def has(kinds, name=name):
                return any(name == "any" or KIND_LABEL[k] == name for k in kinds)

            truth = has(g.kind for g in record.gold)
            guess = has(p.kind for p in predictions)
            counter[(truth, guess)] += 1
        if not record.gold:
            negatives += 1
            if predictions:
                negatives_flagged += 1
                negative_examples.append(
                    {
                        "text": record.text,
                        "found": [(p.kind, record.text[p.start : p.end]) for p in predictions],
                    }
                )

    kinds = sorted(set(support) | set(predicted))
    per_kind = {}
    for kind in kinds:
        per_kind[kind] = {
            "support": support[kind],
            "predicted": predicted[kind],
            "overlap": _prf(overlap_tp_pred[kind], predicted[kind], overlap_tp_gold[kind], support[kind]),
            "exact": _prf(exact_tp[kind], predicted[kind], exact_tp[kind], support[kind]),
        }
    total_support, total_predicted = sum(support.values()), sum(predicted.values())
    micro = {
        "overlap": _prf(
            sum(overlap_tp_pred.values()), total_predicted, sum(overlap_tp_gold.values()), total_support
        ),
        "exact": _prf(sum(exact_tp.values()), total_predicted, sum(exact_tp.values()), total_support),
        "any_kind_overlap": _prf(any_tp_pred, total_predicted, any_tp_gold, total_support),
    }
    with_gold = [k for k in kinds if support[k]]
    macro = {
        variant: {
            metric: round(sum(per_kind[k][variant][metric] for k in with_gold) / len(with_gold), 4)
            if with_gold
            else 0.0
            for metric in ("precision", "recall", "f1")
        }
        for variant in ("overlap", "exact")
    }
    sentence_scores = {}
    for name, c in sentence.items():
        tp, fp, fn, tn = c[(True, True)], c[(False, True)], c[(True, False)], c[(False, False)]
        sentence_scores[str(name)] = {
            **_prf(tp, tp + fp, tp, tp + fn),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
        }
    return {
        "records": len(records),
        "support": total_support,
        "predicted": total_predicted,
        "per_kind": per_kind,
        "micro": micro,
        "macro": macro,
        "sentence": sentence_scores,
        "negatives": {
            "records": negatives,
            "flagged": negatives_flagged,
            "rate": round(negatives_flagged / negatives, 4) if negatives else 0.0,
            "examples": negative_examples,
        },
        "misses": misses,
        "false_positives": false_positives,
    }


def load_presidio(path) -> tuple[list[Record], Counter]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    records = []
    not_in_scope: Counter = Counter()
    for item in data:
        gold = []
        for s in item["spans"]:
            kind = PRESIDIO_TO_OURS.get(s["entity_type"])
            if kind:
                gold.append(Span(s["start_position"], s["end_position"], kind))
            else:
                not_in_scope[s["entity_type"]] += 1
        records.append(Record(item["full_text"], "en", tuple(gold)))
    return records, not_in_scope


def evaluate_presidio(path, min_score: float = 0.0) -> dict:
    """Scores on Presidio's synthetic sentences (English); see the module docstring."""
    records, not_in_scope = load_presidio(path)
    result = evaluate(records, min_score)
    counts = {name: not_in_scope.get(name, 0) for name in PRESIDIO_NOT_IN_SCOPE} | dict(not_in_scope)
    result["not_in_scope"] = dict(sorted(counts.items(), key=lambda kv: -kv[1]))
    result["in_scope_types"] = PRESIDIO_TO_OURS
    return result


def load_own_set(path=OWN_SET) -> list[Record]:
    records = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        spans = []
        for s in item["spans"]:
            if KIND_LABEL.get(s["kind"]) != s["label"]:
                raise ValueError(f"line {number}: kind {s['kind']!r} does not belong to label {s['label']!r}")
            spans.append(Span(s["start"], s["end"], s["kind"]))
        records.append(Record(item["text"], item["lang"], tuple(spans), item.get("note", "")))
    return records


def evaluate_own_set(path=OWN_SET, min_score: float = 0.0) -> dict:
    """Scores on our own set, per language and together."""
    records = load_own_set(path)
    result = evaluate(records, min_score)
    result["by_language"] = {
        language: {
            k: v
            for k, v in evaluate([r for r in records if r.language == language], min_score).items()
            if k in ("records", "support", "micro", "sentence", "negatives")
        }
        for language in sorted({r.language for r in records})
    }
    for part in result["by_language"].values():
        part["negatives"] = {k: v for k, v in part["negatives"].items() if k != "examples"}
    return result


def format_report(result: dict, title: str) -> str:
    lines = [
        f"== {title}: {result['records']} records, {result['support']} gold spans, "
        f"{result['predicted']} predicted"
    ]
    lines.append(f"{'kind':16} {'n':>5} {'pred':>5}   overlap P / R / F1      exact P / R / F1")
    for kind, s in result["per_kind"].items():
        o, e = s["overlap"], s["exact"]
        lines.append(
            f"{kind:16} {s['support']:5} {s['predicted']:5}   {o['precision']:.3f} {o['recall']:.3f} "
            f"{o['f1']:.3f}     {e['precision']:.3f} {e['recall']:.3f} {e['f1']:.3f}"
        )
    for name in ("overlap", "exact", "any_kind_overlap"):
        m = result["micro"][name]
        lines.append(f"micro {name:18} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}")
    for name in ("overlap", "exact"):
        m = result["macro"][name]
        lines.append(f"macro {name:18} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}")
    for name, m in result["sentence"].items():
        lines.append(
            f"sentence {name:15} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  "
            f"(tp {m['tp']} fp {m['fp']} fn {m['fn']} tn {m['tn']})"
        )
    neg = result["negatives"]
    lines.append(
        f"records without in-scope spans: {neg['records']}, flagged {neg['flagged']} ({neg['rate']:.1%})"
    )
    if "not_in_scope" in result:
        lines.append(
            "not in scope (support): " + ", ".join(f"{k} {v}" for k, v in result["not_in_scope"].items())
        )
    for language, part in result.get("by_language", {}).items():
        m = part["micro"]["overlap"]
        lines.append(
            f"[{language}] {part['records']} records, {part['support']} spans: "
            f"overlap P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f}; "
            f"negatives flagged {part['negatives']['flagged']}"
            f"/{part['negatives']['records']}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    presidio = (
        Path(argv[0])
        if argv
        else Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pii" / "dev.json"
    )
    own = Path(argv[1]) if len(argv) > 1 else OWN_SET
    if own.exists():
        print(format_report(evaluate_own_set(own), f"own set {own.name}"))
    if presidio.exists():
        print(format_report(evaluate_presidio(presidio), f"Presidio {presidio.name}"))
    else:
        print(f"(no Presidio file at {presidio})")


if __name__ == "__main__":
    main(sys.argv[1:])
