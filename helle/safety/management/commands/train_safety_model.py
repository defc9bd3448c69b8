"""Train a safety classifier on this machine, keep it versioned with its evaluation.

Two tasks, one model each: `harassment` (offensive language; learns from DKHATE-format files
and moderators' decisions) and `crisis` (the writer in crisis; learns from the sentences we
wrote for it, in the repository, and from moderators' decisions).
"""

import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from helle.safety import classifier as classifiers
from helle.safety.evaluation.metrics import confusion, macro_f1, per_label
from helle.safety.evaluation.offensive import training_examples_from_dkhate
from helle.safety.evaluation.own_sets import (
    CRISIS_FALSE_ALARMS,
    CRISIS_MIN_DF,
    CRISIS_TRAINING_FILES,
    GROOMING_FALSE_ALARMS,
    GROOMING_TRAINING_FILES,
    crisis_training_rows,
    is_grooming_look_alike,
    is_look_alike,
    read_jsonl,
    source_name,
)
from helle.safety.models import ModelVersion, TrainingExample


def stratified_split(examples, labels, holdout: float, seed: int):
    rng = random.Random(seed)  # noqa: S311 - a repeatable split, not a secret
    train, test = [], []
    for label in labels:
        group = [e for e in examples if e[1] == label]
        rng.shuffle(group)
        cut = round(len(group) * holdout)
        test += group[:cut]
        train += group[cut:]
    return train, test


def read_file(path: Path, task: str) -> list[tuple[str, str, bool, str]]:
    """(text, label, look-alike, source) from a DKHATE-format .tsv (harassment) or one of our
    .jsonl sets; look-alike marks harmless texts that resemble the task's label (they set the
    crisis and grooming bars); the source is the file, which stands for its writer."""
    if path.suffix == ".jsonl":
        rows = crisis_training_rows([path]) if task == "crisis" else read_jsonl(path)
        look_alike = is_look_alike if task == "crisis" else is_grooming_look_alike
        source = source_name(path)
        return [(r["text"], task if r["label"] == task else "none", look_alike(r), source) for r in rows]
    if task in ("crisis", "grooming"):
        raise CommandError(
            f"{path}: the crisis model learns from .jsonl files like {CRISIS_TRAINING_FILES[0].name}"
        )
    return [(text, label, False, path.name) for text, label in training_examples_from_dkhate(path)]


def decided_examples(task: str) -> list[tuple[str, str, bool, str]]:
    """Moderators' decisions as examples: the content they hid for this task's label is
    positive, everything they let stand is negative."""
    return [
        (e.text, task if e.label == task else "none", False, "moderators' decisions")
        for e in TrainingExample.objects.all()
        if e.label in (task, "none")
    ]


class Command(BaseCommand):
    help = "Train a safety classifier (harassment or crisis) from labelled data and moderators' decisions."

    def add_arguments(self, parser):
        parser.add_argument("--task", choices=classifiers.TASKS, default="harassment")
        parser.add_argument(
            "--data",
            action="append",
            default=[],
            type=Path,
            help=(
                "A labelled file: OffensEval/DKHATE format (id, text, OFF/NOT) or one of our .jsonl "
                "sets. Repeatable. The crisis model reads the repository's own sentences when none is given."
            ),
        )
        parser.add_argument(
            "--no-decisions",
            action="store_true",
            help="Leave out the examples that moderators' decisions produced.",
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing when a model for the task exists already."
        )
        parser.add_argument("--holdout", type=float, default=0.15, help="Share kept back for evaluation.")
        parser.add_argument("--seed", type=int, default=42)

    def step(self, number: int, text: str) -> None:
        self.stdout.write(f"[{number}/4] {text}")

    def handle(self, *args, task, data, no_decisions, if_missing, holdout, seed, **options):
        if if_missing and classifiers.newest_model_directory(task) is not None:
            self.stdout.write(f"A {task} model exists already; nothing to do.")
            return
        labels = ("none", task)
        self.step(1, f"Reading the training data for the {task} model ...")
        examples, sources = self.read(task, data, no_decisions)
        if len({label for _, label, *_ in examples}) < 2:
            raise CommandError("Training needs examples of both harmful and harmless texts.")
        train, test = stratified_split(examples, labels, holdout, seed)
        self.stdout.write(
            f"      {len(examples)} examples from {', '.join(sources)}; "
            f"{len(train)} to train on, {len(test)} kept back."
        )

        self.step(2, f"Training on {len(train)} examples (this takes up to a minute) ...")
        started = time.monotonic()
        false_alarms = {"crisis": CRISIS_FALSE_ALARMS, "grooming": GROOMING_FALSE_ALARMS}.get(task)
        min_df = CRISIS_MIN_DF if task == "crisis" else 1
        model = classifiers.LinearTextClassifier(labels=labels, min_df=min_df).train(
            [(text, label) for text, label, _, _ in train],
            sources=sources,
            max_false_alarms=false_alarms,
            look_alikes=[look_alike for _, _, look_alike, _ in train] if false_alarms else None,
            groups=[source for *_, source in train] if false_alarms else None,
        )
        self.stdout.write(
            f"      done in {time.monotonic() - started:.0f} s; threshold {model.threshold:.2f}."
        )

        self.step(3, f"Evaluating on {len(test)} held-back examples ...")
        evaluation = self.evaluate(model, test, labels, seed)
        model.metadata["evaluation"] = evaluation

        self.step(4, "Saving the model ...")
        directory = model.save(classifiers.model_directory_for(model))
        with transaction.atomic():
            ModelVersion.objects.filter(task=task).update(is_active=False)
            ModelVersion.objects.create(
                task=task,
                version=model.version,
                path=str(directory),
                training_size=len(train),
                evaluation=evaluation,
                is_active=True,
            )
        classifiers.reset_active_classifier()
        self.stdout.write(self.style.SUCCESS(f"Model {model.version} saved in {directory} and in use."))

    def read(self, task: str, data: list[Path], no_decisions: bool):
        examples, sources = [], []
        defaults = {"crisis": CRISIS_TRAINING_FILES, "grooming": GROOMING_TRAINING_FILES}.get(task, ())
        paths = data or [p for p in defaults if p.exists()]
        if not paths:
            raise CommandError("Give the labelled data with --data (for example DKHATE's train.tsv).")
        for path in paths:
            if not path.exists():
                raise CommandError(f"No such file: {path}")
            rows = read_file(path, task)
            examples += rows
            sources.append(f"{path.name} ({len(rows)})")
        if not no_decisions:
            decided = decided_examples(task)
            examples += decided
            sources.append(f"moderators' decisions ({len(decided)})")
        return examples, sources

    def evaluate(self, model, test, labels, seed) -> dict:
        gold = [label for _, label, *_ in test]
        predicted = model.predict([text for text, *_ in test])
        scores = per_label(gold, predicted, labels)
        for label in labels:
            s = scores[label]
            self.stdout.write(
                f"      {label:<11} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
                f"F1 {s['f1']:.3f}  (n={s['support']})"
            )
        evaluation = {
            "per_label": scores,
            "macro_f1": macro_f1(scores),
            "confusion": confusion(gold, predicted, labels),
            "labels": list(labels),
            "holdout": len(test),
            "seed": seed,
        }
        self.stdout.write(f"      macro-F1 {evaluation['macro_f1']:.3f}")
        return evaluation
