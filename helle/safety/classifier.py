"""A small, fast text classifier behind a narrow interface, for the safety pipeline.

The rules in `helle.safety.detectors` work without it; a classifier adds what rules miss
(the many ways of being offensive that no list holds). Anything that has `labels`,
`version` and `predict_proba(texts)` is a `TextClassifier`; the one we ship is
`LinearTextClassifier`:

- features: word 1–2-grams and character 3–5-grams inside words, both on the `letters`
  view of `helle.safety.normalise` (case folded, look-alike letters folded, leet read as
  letters), weighted by IDF. Word n-grams are binary and L2-normalised. Character n-grams
  are counted once per *distinct word* of the text and the block is scaled by
  1 / sqrt(sum over the text's distinct words of the sum of idf² of their n-grams) — the
  L2 norm of binary features when no two words share an n-gram, and close to it otherwise;
- model: logistic regression with balanced class weights (scikit-learn, fixed seed), and a
  decision threshold for the positive label chosen on out-of-fold predictions of the
  training data. How the settings were chosen: `evaluation.offensive.select_model`, 5-fold
  cross-validated macro-F1 on DKHATE's training part over 30 settings (logistic regression
  or a sigmoid-calibrated linear SVM; C; binary or sublinear tf; character 2–5, 3–5 or
  2–4-grams). All 30 lay within 0.763–0.769, i.e. within noise; this one (0.767) gives
  probabilities directly and is the cheapest to apply.

Speed: scikit-learn's `predict_proba` costs about 2 ms for one text (validation, sparse
matrices, its analysers). After training the model is turned into plain tables, feature ->
(idf × weight, idf²). Because character features add up word by word, each word's share
(sum of idf × weight, sum of idf²) is worked out once and kept; a prediction is then a
set of words, one look-up per word and two sums — the same number as scikit-learn's
(tests check it) in a fraction of the time.

Saving and loading: `save(directory)` writes `model.joblib` (the tables) and
`metadata.json` (version, labels, training size and sources, evaluation figures, versions
of the libraries, and the SHA-256 of `model.joblib`). **joblib files are pickles: loading
one runs whatever code it names. Never load a model file that did not come from this
project's own training, written by the project into its own data folder.**
`active_classifier()` only loads from `settings.DATA_DIR / "models" / "safety"`, and
`load()` refuses a model whose SHA-256 does not match its metadata or whose format is not
ours. That catches a swapped or damaged file, not an attacker who can write both: the data
folder must be writable by the application only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import platform
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Protocol, runtime_checkable

from helle.safety.normalise import Normalised, alphanumeric_words, alphanumeric_words_in, normalise

FORMAT = "helle-linear-text-classifier/2"  # 2: character n-grams per distinct word
MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
SEED = 42
FOLDS = 5
MIN_GROUPS = 3  # writers needed to choose a threshold on one writer's texts at a time

logger = logging.getLogger(__name__)


@runtime_checkable
class TextClassifier(Protocol):
    labels: tuple[str, ...]
    version: str

    def predict_proba(self, texts: list[str]) -> list[dict[str, float]]: ...

    def knows_language(self, language: str) -> bool: ...


# --- Features ------------------------------------------------------------------------------------

_WORDS = re.compile(r"[^\W_]+")


def prepare(text: str | Normalised) -> str:
    """What the classifier reads: the `letters` view, with runs of white space made one space."""
    normalised = text if isinstance(text, Normalised) else normalise(text)
    return " ".join(normalised.letters.text.split())


CHAR_LOW, CHAR_HIGH = 3, 5
_WEIGHT, _SQUARE = itemgetter(0), itemgetter(1)
WORD_CACHE_SIZE = 100_000


def word_ngrams(text: str) -> set[str]:
    """Words and pairs of words: "du er grim" -> du, er, grim, "du er", "er grim"."""
    tokens = alphanumeric_words(text)  # = _WORDS.findall(text), faster
    return {*tokens, *map(" ".join, pairwise(tokens))}


def _ngrams_of(tokens: list[str]) -> set[str | tuple[str, str]]:
    """`word_ngrams` as the fast scorer reads them: a pair as a tuple ("du", "er"), which
    pairwise() makes in C, instead of a joined string (see `_Block`)."""
    return {*tokens, *pairwise(tokens)}


@lru_cache(maxsize=50_000)
def _word_char_ngrams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    length = len(padded)
    return tuple(
        {
            padded[i : i + n]
            for n in range(CHAR_LOW, min(CHAR_HIGH, length) + 1)
            for i in range(length - n + 1)
        }
    )


def char_ngrams(text: str) -> list[str]:
    """Character 3–5-grams inside space-padded words (scikit-learn's "char_wb" idea), each
    distinct word's n-grams once: an n-gram shared by two different words counts twice."""
    return [gram for word in set(text.split()) for gram in _word_char_ngrams(word)]


class PerWordCharFeatures:
    """scikit-learn transformer for the character block: IDF-weighted counts from
    `char_ngrams`, each row scaled by 1 / sqrt(sum of count × idf²), which is the sum over the
    text's distinct words of their n-grams' idf². That scale splits word by word, so the fast
    scorer can keep one pair of sums per word (see `_Block`)."""

    def __init__(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(analyzer=char_ngrams, norm=None)

    # scikit-learn clones estimators through their parameters; this one has none.
    def get_params(self, deep: bool = True) -> dict:
        return {}

    def set_params(self, **params) -> PerWordCharFeatures:
        return self

    def fit(self, texts, y=None) -> PerWordCharFeatures:
        self.vectorizer.fit(texts)
        return self

    def transform(self, texts):
        import numpy as np
        from scipy import sparse

        x = self.vectorizer.transform(texts)  # count × idf
        squares = np.asarray(x @ self.vectorizer.idf_).ravel()  # sum of count × idf²
        scale = np.divide(1.0, np.sqrt(squares), out=np.zeros_like(squares), where=squares > 0)
        return sparse.diags(scale) @ x

    def fit_transform(self, texts, y=None):
        return self.fit(texts).transform(texts)

    @property
    def vocabulary_(self) -> dict[str, int]:
        return self.vectorizer.vocabulary_

    @property
    def idf_(self):
        return self.vectorizer.idf_


@dataclass(frozen=True)
class Features:
    """What every model reads from one prepared text, worked out once for all of them."""

    ngrams: set[str | tuple[str, str]]  # word 1–2-grams, pairs as tuples
    words: set[str]  # distinct words, for their character n-grams


def features(text: str | Normalised) -> Features:
    normalised = text if isinstance(text, Normalised) else normalise(text)
    # The white-space pieces of `prepare(text)`, without joining and splitting them again.
    pieces = normalised.letters.text.split()
    return Features(_ngrams_of(alphanumeric_words_in(pieces)), set(pieces))


# --- The model's tables ---------------------------------------------------------------------------


@dataclass
class _Block:
    """One kind of feature: n-gram -> (idf × weight, idf²). The block's share of the log-odds
    is sum(idf × weight) / sqrt(sum(idf²)) over the n-grams of the text that the model knows;
    for words once per n-gram, for characters once per n-gram of each distinct word."""

    analyzer: str  # "word" or "char"
    table: dict[str, tuple[float, float]]
    # word -> (sum of idf × weight, sum of idf²) of its known character n-grams. Words recur,
    # so most words of most messages are found here.
    _word_sums: dict[str, tuple[float, float]] = field(default_factory=dict, repr=False, compare=False)
    # The word table as `Features.ngrams` are looked up: "du er" as ("du", "er").
    _lookup: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.analyzer == "word":
            self._lookup = {tuple(g.split(" ")) if " " in g else g: v for g, v in self.table.items()}
        else:
            self._lookup = self.table

    def _char_sums(self, word: str) -> tuple[float, float]:
        table = self.table
        found = [t for t in map(table.get, _word_char_ngrams(word)) if t is not None]
        sums = (sum(map(_WEIGHT, found)), sum(map(_SQUARE, found)))
        if len(self._word_sums) < WORD_CACHE_SIZE:
            self._word_sums[word] = sums
        return sums

    def score(self, text: str) -> float:
        return self.score_features(features(text))

    def score_features(self, found_in: Features) -> float:
        if self.analyzer == "word":
            # Known n-grams' pairs of sums (a pair is never empty, so filter(None) drops only the
            # unknown ones, in C).
            found = list(filter(None, map(self._lookup.get, found_in.ngrams)))
        else:
            words = found_in.words
            found = list(map(self._word_sums.get, words))
            if None in found:  # words not seen before: work their sums out once
                found = [sums or self._char_sums(word) for word, sums in zip(words, found, strict=True)]
        if not found:
            return 0.0
        squares = sum(map(_SQUARE, found))
        # map() with itemgetter keeps the two sums in C: this is the classifier's hot loop.
        return sum(map(_WEIGHT, found)) / math.sqrt(squares) if squares else 0.0


@dataclass
class LinearTextClassifier:
    """TF-IDF word and character n-grams with a linear model; binary, fast, small."""

    labels: tuple[str, ...] = ("none", "harassment")  # (negative, positive)
    c: float = 30.0
    # Word n-grams seen in fewer training texts than this are left out: a pair of words one
    # writer used once teaches the model little and makes the model bigger.
    min_df: int = 1
    version: str = "untrained"
    threshold: float = 0.5  # for the positive label, chosen on out-of-fold predictions
    combined_threshold: float | None = None  # the same, when the rules' findings also count
    # The languages the training data was written in (each at least LANGUAGE_SHARE of it): a
    # model has nothing to say about a language it never saw, so it is not asked.
    languages: tuple[str, ...] = ()
    metadata: dict = field(default_factory=dict)
    oof_proba: list[float] | None = field(default=None, repr=False)  # from training; not saved
    _blocks: list[_Block] = field(default_factory=list, repr=False)
    _intercept: float = 0.0

    # -- training --

    def train(
        self,
        examples: Sequence[tuple[str, str]],
        *,
        sources: Iterable[str] = (),
        tune_threshold: bool = True,
        max_false_alarms: float | None = None,
        look_alikes: Sequence[bool] | None = None,
        groups: Sequence[str] | None = None,
    ) -> LinearTextClassifier:
        """Fit on (text, label) pairs; the labels must be the two of `self.labels`. The
        threshold is chosen on out-of-fold predictions: for the best macro-F1, or, with
        `max_false_alarms`, as the lowest one at which at most that share of the negative
        examples would be called positive (for labels where a miss costs more than a false
        alarm, like a crisis: the most recall that many false alarms buy). `look_alikes`
        marks the negative examples that count for that share (harmless texts that look like
        positive ones); all negatives count when it is not given. `groups` names who wrote each
        example (a file per writer): then each writer's examples are predicted by a model trained
        on the others' for the threshold, which is what a text from a new writer meets."""
        import sklearn

        started = time.perf_counter()
        texts = [prepare(t) for t, _ in examples]
        unknown = {label for _, label in examples} - set(self.labels)
        if unknown:
            raise ValueError(f"labels {sorted(unknown)} are not among {self.labels}")
        y = [int(label == self.labels[1]) for _, label in examples]
        if len(set(y)) < 2:
            raise ValueError("training needs examples of both labels")
        pipeline = self._pipeline()
        if tune_threshold and min(y.count(0), y.count(1)) >= 2 * FOLDS:
            self.oof_proba = self._out_of_fold(texts, y, groups)
            self.threshold = (
                _best_threshold(self.oof_proba, y)
                if max_false_alarms is None
                else _threshold_for_false_alarms(
                    [
                        p
                        for i, p in enumerate(self.oof_proba)
                        if look_alikes is None or look_alikes[i] or y[i]
                    ],
                    [label for i, label in enumerate(y) if look_alikes is None or look_alikes[i] or label],
                    max_false_alarms,
                )
            )
        pipeline.fit(texts, y)
        self._compile(pipeline)
        self.languages = _languages_of([t for t, _ in examples])
        digest = hashlib.sha256()
        for text, label in examples:
            digest.update(f"{label}\t{text}\n".encode())
        trained_at = datetime.now(UTC)
        self.version = f"{trained_at:%Y%m%dT%H%M%SZ}-{digest.hexdigest()[:12]}"
        self.metadata = {
            "format": FORMAT,
            "version": self.version,
            "trained_at": trained_at.isoformat(timespec="seconds"),
            "labels": list(self.labels),
            "training_size": len(examples),
            "training_counts": dict(Counter(label for _, label in examples)),
            "training_data_sha256": digest.hexdigest(),
            "training_data_sources": list(sources),
            "training_seconds": round(time.perf_counter() - started, 2),
            "model": {
                "features": (
                    "tf-idf, letters view: word 1-2-grams (binary, l2); "
                    "char_wb 3-5-grams once per distinct word, scaled per word"
                ),
                "estimator": "LogisticRegression(class_weight='balanced', solver='liblinear')",
                "C": self.c,
                "min_df": self.min_df,
                "threshold": self.threshold,
                "threshold_chosen_for": (
                    f"at most {max_false_alarms:.0%} false alarms on "
                    + ("look-alikes" if look_alikes is not None else "negatives")
                    if max_false_alarms
                    else "best macro-F1"
                )
                + (" of a writer the model did not learn from" if self._grouped(groups) else ""),
                "languages": list(self.languages),
                "seed": SEED,
                "features_kept": sum(len(b.table) for b in self._blocks),
            },
            "evaluation": {},
            "scikit_learn_version": sklearn.__version__,
            "python_version": platform.python_version(),
        }
        return self

    @staticmethod
    def _grouped(groups: Sequence[str] | None) -> bool:
        return groups is not None and len(set(groups)) >= MIN_GROUPS

    def _pipeline(self):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        features = FeatureUnion(
            [
                (
                    "word",
                    TfidfVectorizer(analyzer=word_ngrams, binary=True, dtype=np.float64, min_df=self.min_df),
                ),
                ("char", PerWordCharFeatures()),
            ]
        )
        model = LogisticRegression(
            C=self.c, class_weight="balanced", solver="liblinear", random_state=SEED, max_iter=1000
        )
        return Pipeline([("features", features), ("model", model)])

    def _out_of_fold(
        self, texts: list[str], y: list[int], groups: Sequence[str] | None = None
    ) -> list[float]:
        """Each training text's probability from a model that did not see it: from a model that
        saw none of its writer's texts when `groups` names at least MIN_GROUPS writers, else
        from 5 random folds. Random folds flatter a model: a writer's own turns of phrase are
        on both sides of the split (on our crisis sentences, false alarms on a new writer's
        look-alikes came out about half again as high as random folds promised)."""
        from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold, cross_val_predict

        if self._grouped(groups):
            folds, by_group = LeaveOneGroupOut(), {"groups": list(groups)}
        else:
            folds, by_group = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED), {}
        predicted = cross_val_predict(
            self._pipeline(), texts, y, cv=folds, method="predict_proba", **by_group
        )
        return [float(p) for p in predicted[:, 1]]

    def _compile(self, pipeline) -> None:
        model = pipeline.named_steps["model"]
        weights = model.coef_[0]
        blocks = []
        offset = 0
        for name, vectorizer in pipeline.named_steps["features"].transformer_list:
            vocabulary = vectorizer.vocabulary_
            idf = vectorizer.idf_
            table = {
                gram: (float(idf[j] * weights[offset + j]), float(idf[j] * idf[j]))
                for gram, j in vocabulary.items()
            }
            blocks.append(_Block(name, table))
            offset += len(vocabulary)
        self._blocks = blocks
        self._intercept = float(model.intercept_[0])

    # -- prediction --

    @property
    def task(self) -> str:
        """What the model looks for: its positive label ("harassment", "crisis")."""
        return self.labels[1]

    def decision(self, prepared: str) -> float:
        """The model's log-odds for the positive label, for a text already `prepare`d."""
        return self.decision_for(features(prepared))

    def decision_for(self, found_in: Features) -> float:
        return self._intercept + sum(block.score_features(found_in) for block in self._blocks)

    def proba_for(self, found_in: Features) -> float:
        """The positive label's probability from features already worked out (the pipeline
        works them out once for every model)."""
        z = self.decision_for(found_in)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def positive_proba(self, text: str | Normalised) -> float:
        return self.proba_for(features(text))

    def knows_language(self, language: str) -> bool:
        """Should the model be asked about a text in `language` ("" = not known)?"""
        return not self.languages or not language or language in self.languages

    def predict_proba(self, texts: list[str] | list[Normalised]) -> list[dict[str, float]]:
        """Probabilities per label. The pipeline, which has normalised each message for the
        detectors already, may pass the `Normalised` objects and save normalising twice."""
        if not self._blocks:
            raise RuntimeError("the classifier is not trained")
        negative, positive = self.labels
        out = []
        for text in texts:
            p = self.positive_proba(text)
            out.append({negative: 1.0 - p, positive: p})
        return out

    def predict(self, texts: list[str]) -> list[str]:
        return [
            self.labels[1] if p[self.labels[1]] >= self.threshold else self.labels[0]
            for p in self.predict_proba(texts)
        ]

    # -- saving and loading --

    def save(self, directory: str | Path) -> Path:
        """Write model.joblib and metadata.json into `directory` (created); returns it."""
        import joblib

        if not self._blocks:
            raise RuntimeError("the classifier is not trained")
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        state = {
            "format": FORMAT,
            "labels": list(self.labels),
            "c": self.c,
            "version": self.version,
            "threshold": self.threshold,
            "combined_threshold": self.combined_threshold,
            "languages": list(self.languages),
            "intercept": self._intercept,
            "blocks": [(b.analyzer, b.table) for b in self._blocks],
        }
        model_path = directory / MODEL_FILE
        joblib.dump(state, model_path, compress=3)
        metadata = dict(self.metadata, model_sha256=_sha256(model_path), format=FORMAT)
        (directory / METADATA_FILE).write_text(
            json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> LinearTextClassifier:
        """Load what `save` wrote. Only ever call this on the project's own model folders:
        joblib files are pickles and loading one can run code."""
        import joblib

        directory = Path(directory)
        metadata = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
        model_path = directory / MODEL_FILE
        if metadata.get("format") != FORMAT:
            raise ValueError(
                f"{directory}: not a model this project wrote (format {metadata.get('format')!r})"
            )
        if metadata.get("model_sha256") != _sha256(model_path):
            raise ValueError(f"{model_path}: SHA-256 does not match metadata.json; refusing to load it")
        state = joblib.load(model_path)
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            raise ValueError(f"{model_path}: unexpected content")
        classifier = cls(
            labels=tuple(state["labels"]),
            c=state["c"],
            version=state["version"],
            threshold=state["threshold"],
            combined_threshold=state["combined_threshold"],
            languages=tuple(state.get("languages", ())),
            metadata=metadata,
        )
        classifier._intercept = float(state["intercept"])
        classifier._blocks = [_Block(analyzer, table) for analyzer, table in state["blocks"]]
        return classifier


LANGUAGE_SHARE = 0.05


def _languages_of(texts: Sequence[str]) -> tuple[str, ...]:
    from helle.safety.language import detect_language

    counts = Counter(filter(None, map(detect_language, texts)))
    return tuple(sorted(code for code, n in counts.items() if n >= LANGUAGE_SHARE * len(texts)))


def _best_threshold(proba: Sequence[float], y: Sequence[int]) -> float:
    """The threshold with the best macro-F1 (of equal scores, the one closest to 0.5)."""
    from sklearn.metrics import f1_score

    best_key, best = None, 0.5
    for step in range(20, 81):
        t = step / 100
        key = (round(f1_score(y, [int(p >= t) for p in proba], average="macro"), 4), -abs(t - 0.5))
        if best_key is None or key > best_key:
            best_key, best = key, t
    return best


def _threshold_for_false_alarms(proba: Sequence[float], y: Sequence[int], share: float) -> float:
    """The lowest threshold (in steps of 0.01, from 0.05) at which at most `share` of the
    negative examples reach it."""
    negatives = sorted((p for p, label in zip(proba, y, strict=True) if not label), reverse=True)
    allowed = int(share * len(negatives))
    for step in range(5, 100):
        t = step / 100
        if sum(p >= t for p in negatives[: allowed + 1]) <= allowed:
            return t
    return 0.99


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- The model in use ---------------------------------------------------------------------------------

TASKS = ("harassment", "crisis", "grooming")  # one model per task, each in its own folder
# The models assess() asks about every text; the grooming model reads chat messages when a
# conversation is scored (helle.safety.detectors.grooming.score_conversation).
PIPELINE_TASKS = ("harassment", "crisis")
_active: dict[str, LinearTextClassifier | None] = {}
_lock = threading.Lock()


def models_directory(task: str = "harassment") -> Path:
    from django.conf import settings

    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; one of {TASKS}")
    return Path(settings.DATA_DIR) / "models" / task


def model_directories(root: Path) -> list[Path]:
    """The model folders under `root`, newest first (folders are named by version, which
    starts with the training time, so the greatest name is the newest)."""
    if not root.is_dir():
        return []
    return sorted(
        (p for p in root.iterdir() if (p / METADATA_FILE).is_file() and (p / MODEL_FILE).is_file()),
        reverse=True,
    )


def newest_model_directory(task: str = "harassment") -> Path | None:
    directories = model_directories(models_directory(task))
    return directories[0] if directories else None


def _newest_loadable_model(task: str) -> LinearTextClassifier | None:
    """The newest model this version of helle can read. An older format (after an upgrade)
    or a damaged file is skipped with a warning rather than stopping every post: the rules
    work without a model, and `train_safety_model` makes a new one."""
    for directory in model_directories(models_directory(task)):
        try:
            model = LinearTextClassifier.load(directory)
        except (ValueError, OSError) as error:
            logger.warning("safety model %s skipped: %s", directory.name, error)
            continue
        if model.task == task:
            return model
        logger.warning("safety model %s skipped: it looks for %s, not %s", directory.name, model.task, task)
    return None


def model_directory_for(classifier: LinearTextClassifier) -> Path:
    """Where to save a freshly trained model so that `active_classifier` finds it."""
    return models_directory(classifier.task) / classifier.version


def active_classifier(task: str = "harassment") -> LinearTextClassifier | None:
    """The newest model for `task` under settings.DATA_DIR/models/<task>, loaded once per
    process; None when there is none (the rules still work)."""
    if task not in _active:
        with _lock:
            if task not in _active:
                _active[task] = _newest_loadable_model(task)
    return _active[task]


def active_classifiers(tasks: tuple[str, ...] = PIPELINE_TASKS) -> dict[str, LinearTextClassifier]:
    """The models that exist for these tasks, by task."""
    return {task: model for task in tasks if (model := active_classifier(task)) is not None}


def reset_active_classifier() -> None:
    """Forget the loaded models (tests; after training a new one)."""
    with _lock:
        _active.clear()
