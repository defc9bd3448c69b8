"""Evaluation of the harassment rules and the offensive-language classifier.

Plain functions returning plain dicts (JSON-serialisable), so that a management command can
print them and write docs/evaluation.md:

- `evaluate_dkhate(path)`: DKHATE (OffensEval 2020 Danish, training file). A stratified
  85/15 split with a fixed seed; the classifier is trained on the 85 %, and the rules, the
  classifier and both combined are scored on the 15 %: precision/recall/F1 per label (OFF,
  NOT), macro-F1 (OffensEval's metric) and the confusion matrix.
- `evaluate_hatecheck(path)`: HateCheck (English functional tests, dev half), hateful as
  positive; P/R/F1 for both classes and accuracy per functionality.
- `evaluate_own_set(path)`: our own teen-register set (sets/harassment.jsonl), per language.

The data files are read where they lie (shared/data); nothing is copied into the repository.
All randomness is seeded. DKHATE's "offensive" is broader than our `harassment` (it counts
any profanity in adult news comments), HateCheck's "hateful" narrower (hate against a
protected group): neither is the platform's register, so read the figures as sanity checks.
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

from helle.safety.classifier import SEED, LinearTextClassifier, TextClassifier
from helle.safety.detectors import harassment
from helle.safety.findings import Label
from helle.safety.normalise import normalise

SETS = Path(__file__).resolve().parent / "sets"
OWN_SET = SETS / "harassment.jsonl"

# A message counts as harassment for the rules when a finding is at least this sure: aimed at
# the reader, a slur, a threat, hate against a group. Insults about a third person (0.3) and
# teasing (0.45) are reported to moderators as context but do not count on their own.
RULE_MIN_SCORE = 0.5
TEST_SIZE = 0.15

# DKHATE labels and ours.
OFF, NOT = "OFF", "NOT"
DKHATE_TO_OURS = {OFF: "harassment", NOT: "none"}
HATEFUL, NON_HATEFUL = "hateful", "non-hateful"


# --- Reading the data -----------------------------------------------------------------------------


def read_dkhate(path: str | Path) -> list[tuple[str, str]]:
    """(text, "OFF"/"NOT") from DKHATE's tab-separated file (unquoted: csv.QUOTE_NONE).

    The file's last line ("4000    [deleted]   NOT") has spaces instead of tabs; a line of
    one column is split on white space instead (it is a NOT row)."""
    rows: list[tuple[str, str]] = []
    with Path(path).open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header[:3] != ["id", "tweet", "subtask_a"]:
            raise ValueError(f"{path}: unexpected header {header}")
        for row in reader:
            if len(row) == 1 and row[0].strip():
                parts = row[0].split()
                row = [parts[0], " ".join(parts[1:-1]), parts[-1]]
            if len(row) != 3 or row[2] not in (OFF, NOT):
                raise ValueError(f"{path}: cannot read row {row!r}")
            rows.append((row[1], row[2]))
    return rows


def training_examples_from_dkhate(path: str | Path) -> list[tuple[str, str]]:
    """DKHATE as (text, our label): OFF -> "harassment", NOT -> "none"."""
    return [(text, DKHATE_TO_OURS[label]) for text, label in read_dkhate(path)]


def split(rows: Sequence[tuple[str, str]], seed: int = SEED, test_size: float = TEST_SIZE):
    """Stratified split by label with a fixed seed: (train, test)."""
    from sklearn.model_selection import train_test_split

    labels = [label for _, label in rows]
    train, test = train_test_split(list(rows), test_size=test_size, stratify=labels, random_state=seed)
    return train, test


def read_hatecheck(path: str | Path) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_own_set(path: str | Path = OWN_SET) -> list[dict]:
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --- Scoring --------------------------------------------------------------------------------------


def binary_report(gold: Sequence[str], predicted: Sequence[str], labels: tuple[str, str]) -> dict:
    """Precision, recall, F1 and support per label, macro-F1, accuracy and the confusion
    matrix (rows: gold, columns: predicted, in the order of `labels`)."""
    pairs = Counter(zip(gold, predicted, strict=True))
    per_label = {}
    for label in labels:
        tp = pairs[(label, label)]
        predicted_n = sum(n for (_, p), n in pairs.items() if p == label)
        support = sum(n for (g, _), n in pairs.items() if g == label)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    return {
        "per_label": per_label,
        "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(labels), 4),
        "accuracy": round(sum(pairs[(label, label)] for label in labels) / max(len(gold), 1), 4),
        "confusion": {"labels": list(labels), "matrix": [[pairs[(g, p)] for p in labels] for g in labels]},
        "n": len(gold),
    }


def rule_score(text: str, language: str) -> float:
    """The highest harassment score the rules give a text (0 when none)."""
    findings = harassment.detect(normalise(text), language)
    return max((f.score for f in findings if f.label is Label.HARASSMENT), default=0.0)


def rules_flag(text: str, language: str, min_score: float = RULE_MIN_SCORE) -> bool:
    return rule_score(text, language) >= min_score


def best_combined_threshold(
    proba: Sequence[float], rule_flags: Sequence[bool], gold: Sequence[bool]
) -> float:
    """The classifier threshold with the best macro-F1 for "classifier or rules" (of equal
    scores, the one closest to 0.5)."""
    gold_labels = [OFF if g else NOT for g in gold]
    best_key, best = None, 0.5
    for step in range(20, 91):
        t = step / 100
        predicted = [OFF if p >= t or r else NOT for p, r in zip(proba, rule_flags, strict=True)]
        key = (binary_report(gold_labels, predicted, (OFF, NOT))["macro_f1"], -abs(t - 0.5))
        if best_key is None or key > best_key:
            best_key, best = key, t
    return best


def tune_combined_threshold(
    classifier: LinearTextClassifier, train: Sequence[tuple[str, str]], language: str
) -> float:
    """Set and return `classifier.combined_threshold` from its out-of-fold probabilities on
    its own training data (`train`: (text, our label), in training order)."""
    if classifier.oof_proba is None or len(classifier.oof_proba) != len(train):
        raise ValueError("the classifier has no out-of-fold probabilities for these examples")
    flags = [rules_flag(text, language) for text, _ in train]
    gold = [label == classifier.labels[1] for _, label in train]
    classifier.combined_threshold = best_combined_threshold(classifier.oof_proba, flags, gold)
    classifier.metadata.setdefault("model", {})["combined_threshold"] = classifier.combined_threshold
    return classifier.combined_threshold


# --- DKHATE ---------------------------------------------------------------------------------------


def evaluate_dkhate(
    path: str | Path, seed: int = SEED, *, classifier: LinearTextClassifier | None = None
) -> dict:
    """Rules, classifier and both combined on a held-out 15 % of DKHATE.

    The classifier is trained on the other 85 % (unless one trained on exactly that split is
    given). Combined: OFF when the classifier's probability reaches its threshold for the
    combination, or when a rule finding reaches RULE_MIN_SCORE. That threshold is chosen on
    out-of-fold predictions of the training part, never on the test part."""
    rows = read_dkhate(path)
    train, test = split(rows, seed)
    started = time.perf_counter()
    if classifier is None:
        examples = [(t, DKHATE_TO_OURS[label]) for t, label in train]
        classifier = LinearTextClassifier().train(
            examples, sources=[f"dkhate/train.tsv (85 % split, seed {seed})"]
        )
        tune_combined_threshold(classifier, examples, "da")
    training_seconds = round(time.perf_counter() - started, 2)
    positive = classifier.labels[1]
    texts = [t for t, _ in test]
    gold = [label for _, label in test]

    rule_scores = [rule_score(t, "da") for t in texts]
    rules_predicted = [OFF if s >= RULE_MIN_SCORE else NOT for s in rule_scores]
    rules_any = [OFF if s > 0 else NOT for s in rule_scores]

    proba = [p[positive] for p in classifier.predict_proba(texts)]
    classifier_predicted = [OFF if p >= classifier.threshold else NOT for p in proba]
    combined_threshold = classifier.combined_threshold or classifier.threshold
    combined_predicted = [
        OFF if p >= combined_threshold or s >= RULE_MIN_SCORE else NOT
        for p, s in zip(proba, rule_scores, strict=True)
    ]
    labels = (OFF, NOT)
    return {
        "dataset": "DKHATE (OffensEval 2020 Danish), train.tsv",
        "split": {
            "seed": seed,
            "test_size": TEST_SIZE,
            "train": len(train),
            "test": len(test),
            "test_counts": dict(Counter(gold)),
        },
        "rules": dict(binary_report(gold, rules_predicted, labels), min_score=RULE_MIN_SCORE),
        "rules_any_finding": dict(binary_report(gold, rules_any, labels), min_score=0.0),
        "classifier": dict(binary_report(gold, classifier_predicted, labels), threshold=classifier.threshold),
        "combined": dict(
            binary_report(gold, combined_predicted, labels),
            threshold=combined_threshold,
            rule_min_score=RULE_MIN_SCORE,
        ),
        "training_seconds": training_seconds,
        "classifier_version": classifier.version,
    }


def train_production_model(
    dkhate_path: str | Path, *, evaluation: dict | None = None
) -> LinearTextClassifier:
    """The model to ship: trained on all of DKHATE, its thresholds chosen out of fold, with the
    held-out figures of `evaluate_dkhate` (same settings) in its metadata. Save it with
    `classifier.save(model_directory_for(classifier))` so that `active_classifier` finds it."""
    examples = training_examples_from_dkhate(dkhate_path)
    classifier = LinearTextClassifier().train(examples, sources=["dkhate/train.tsv (all rows)"])
    tune_combined_threshold(classifier, examples, "da")
    if evaluation is not None:
        classifier.metadata["evaluation"] = {
            "dkhate_heldout": {
                name: {
                    "macro_f1": evaluation[name]["macro_f1"],
                    "per_label": evaluation[name]["per_label"],
                    "confusion": evaluation[name]["confusion"],
                }
                for name in ("rules", "classifier", "combined")
            },
            "split": evaluation["split"],
        }
    return classifier


# --- HateCheck ------------------------------------------------------------------------------------


def evaluate_hatecheck(
    path: str | Path, *, classifier: TextClassifier | None = None, classifier_threshold: float = 0.5
) -> dict:
    """Rules (and a classifier, if given) on HateCheck, hateful as positive: a report per
    system under "rules" (and "classifier", "combined"), the rules' one also at the top level.

    A classifier trained on Danish DKHATE is no English hate-speech model; pass one only to
    see how little it transfers."""
    cases = read_hatecheck(path)
    gold = [c["label_gold"] for c in cases]
    systems: dict[str, list[str]] = {
        "rules": [HATEFUL if rules_flag(c["test_case"], "en") else NON_HATEFUL for c in cases],
    }
    if classifier is not None:
        positive = classifier.labels[-1]
        proba = [p[positive] for p in classifier.predict_proba([c["test_case"] for c in cases])]
        systems["classifier"] = [HATEFUL if p >= classifier_threshold else NON_HATEFUL for p in proba]
        systems["combined"] = [
            HATEFUL if a == HATEFUL or b == HATEFUL else NON_HATEFUL
            for a, b in zip(systems["rules"], systems["classifier"], strict=True)
        ]
    out: dict = {"dataset": "HateCheck (English), dev.csv", "n": len(cases)}
    for name, predicted in systems.items():
        report = binary_report(gold, predicted, (HATEFUL, NON_HATEFUL))
        by_functionality: dict[str, list[bool]] = defaultdict(list)
        labels_of: dict[str, str] = {}
        for case, p in zip(cases, predicted, strict=True):
            by_functionality[case["functionality"]].append(p == case["label_gold"])
            labels_of[case["functionality"]] = case["label_gold"]
        report["per_functionality"] = {
            f: {"label": labels_of[f], "n": len(ok), "accuracy": round(sum(ok) / len(ok), 4)}
            for f, ok in sorted(by_functionality.items())
        }
        out[name] = report
    # The rules' figures also at the top level: "per_label", "macro_f1", "per_functionality" ...
    return {**out["rules"], **out}


# --- Our own set ----------------------------------------------------------------------------------


def evaluate_own_set(path: str | Path = OWN_SET, *, classifier: TextClassifier | None = None) -> dict:
    """The rules (and a classifier, if given) on our teen-register set, per language, with
    accuracy per kind and for the hard items."""
    items = read_own_set(path)
    out: dict = {"dataset": str(Path(path).name), "n": len(items)}
    for language in ("da", "en"):
        subset = [i for i in items if i["lang"] == language]
        gold = [i["label"] for i in subset]
        predicted = ["harassment" if rules_flag(i["text"], language) else "none" for i in subset]
        report = binary_report(gold, predicted, ("harassment", "none"))
        by_kind: dict[str, list[bool]] = defaultdict(list)
        for item, p in zip(subset, predicted, strict=True):
            by_kind[f"{item['label']}/{item['kind']}"].append(p == item["label"])
        report["per_kind"] = {
            k: {"n": len(v), "accuracy": round(sum(v) / len(v), 4)} for k, v in sorted(by_kind.items())
        }
        hard = [p == i["label"] for i, p in zip(subset, predicted, strict=True) if i["hard"]]
        report["hard"] = {"n": len(hard), "accuracy": round(sum(hard) / len(hard), 4) if hard else None}
        report["errors"] = [
            {"text": i["text"], "label": i["label"], "kind": i["kind"]}
            for i, p in zip(subset, predicted, strict=True)
            if p != i["label"]
        ]
        if classifier is not None:
            positive = classifier.labels[-1]
            proba = [p[positive] for p in classifier.predict_proba([i["text"] for i in subset])]
            threshold = getattr(classifier, "threshold", 0.5)
            report["classifier"] = binary_report(
                gold, ["harassment" if p >= threshold else "none" for p in proba], ("harassment", "none")
            )
        out[language] = report
    return out


# --- Speed ----------------------------------------------------------------------------------------


def measure(function: Callable[[], object], calls: int = 2000) -> dict:
    """Mean and 99th percentile of one call, in milliseconds."""
    for _ in range(min(200, calls)):
        function()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    times.sort()
    return {
        "calls": calls,
        "mean_ms": round(statistics.mean(times) * 1000, 4),
        "p99_ms": round(times[int(calls * 0.99) - 1] * 1000, 4),
    }


SAMPLE_500 = (
    "Hej, jeg ved ikke helt hvad jeg skal gøre. Min veninde siger hele tiden at jeg er grim og at ingen kan "
    "lide mig, og i går skrev en fra klassen noget klamt under mit billede. Jeg har prøvet at snakke med min "
    "lærer, men hun siger bare at jeg skal ignorere det. Det er fandme svært når det sker hver dag, og jeg "
    "gider ikke gå i skole mere. Har I nogen gode råd til hvordan man får det til at stoppe uden at det "
    "bliver værre? Jeg er 14 og går i 8. klasse. Tak fordi I læser med, det betyder meget for mig lige nu."
)[:500]


def speed(classifier: LinearTextClassifier | None = None, text: str = SAMPLE_500) -> dict:
    """Timing of normalise, the harassment rules and predict_proba on one 500-character text."""
    normalised = normalise(text)
    out = {
        "text_length": len(text),
        "normalise": measure(lambda: normalise(text)),
        "harassment_rules": measure(lambda: harassment.detect(normalised, "da")),
    }
    if classifier is not None:
        out["predict_proba"] = measure(lambda: classifier.predict_proba([text]))
    return out


# --- How the classifier's settings were chosen ----------------------------------------------------


def select_model(path: str | Path, seed: int = SEED, folds: int = 5) -> list[dict]:
    """The small grid behind LinearTextClassifier's defaults: 5-fold cross-validated macro-F1
    (at the best threshold) on the 85 % training part of DKHATE only, never the held-out part.
    Slow (a few minutes); not for tests."""
    import functools

    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    from helle.safety import classifier as module

    train, _ = split(read_dkhate(path), seed)
    texts = [module.prepare(t) for t, _ in train]
    y = [int(label == OFF) for _, label in train]
    gold = [str(v) for v in y]

    # Lists, not sets, so that binary=False sees how often an n-gram occurs.
    def words(text: str) -> list[str]:
        tokens = module._WORDS.findall(text)
        return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]

    def chars(text: str, low: int, high: int) -> list[str]:
        padded = [f" {word} " for word in text.split()]
        return [
            w[i : i + n]
            for w in padded
            for n in range(low, min(high, len(w)) + 1)
            for i in range(len(w) - n + 1)
        ]

    def model(estimator: str, c: float):
        if estimator == "logistic regression":
            return LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=seed)
        svm = LinearSVC(C=c, class_weight="balanced", random_state=seed)
        return CalibratedClassifierCV(svm, cv=3, ensemble=False)

    grid = [
        (estimator, c, binary, low, high)
        for estimator, cs in (
            ("logistic regression", (3.0, 10.0, 30.0)),
            ("linear SVM + sigmoid", (0.3, 1.0)),
        )
        for c in cs
        for binary in (True, False)
        for low, high in ((2, 5), (3, 5), (2, 4))
    ]
    results = []
    for estimator, c, binary, low, high in grid:
        features = make_union(
            TfidfVectorizer(analyzer=words, binary=binary, sublinear_tf=not binary),
            TfidfVectorizer(
                analyzer=functools.partial(chars, low=low, high=high), binary=binary, sublinear_tf=not binary
            ),
        )
        cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
        pipeline = make_pipeline(features, model(estimator, c))
        proba = cross_val_predict(pipeline, texts, y, cv=cv, method="predict_proba")[:, 1]
        f1, threshold = max(
            (binary_report(gold, [str(int(p >= t)) for p in proba], ("1", "0"))["macro_f1"], float(t))
            for t in np.round(np.arange(0.2, 0.81, 0.01), 2)
        )
        result = {
            "estimator": estimator,
            "C": c,
            "binary": binary,
            "char_ngrams": [low, high],
            "cv_macro_f1": f1,
            "threshold": threshold,
        }
        results.append(result)
        print(result, file=sys.stderr, flush=True)
    return sorted(results, key=lambda r: -r["cv_macro_f1"])
