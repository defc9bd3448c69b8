"""Precision, recall, F1 and confusion matrices, without extra dependencies."""

from collections import Counter
from collections.abc import Sequence


def per_label(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, dict]:
    pairs = Counter(zip(gold, predicted, strict=True))
    result = {}
    for label in labels:
        tp = pairs[(label, label)]
        fp = sum(n for (g, p), n in pairs.items() if p == label and g != label)
        fn = sum(n for (g, p), n in pairs.items() if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return result


def macro_f1(scores: dict[str, dict]) -> float:
    return sum(s["f1"] for s in scores.values()) / len(scores) if scores else 0.0


def confusion(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    """Rows: gold label; columns: predicted label (in `labels` order)."""
    pairs = Counter(zip(gold, predicted, strict=True))
    return [[pairs[(g, p)] for p in labels] for g in labels]


def rate(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0
