"""Train the safety classifier on this machine, keep it versioned with its evaluation."""

import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from helle.safety import classifier as classifiers
from helle.safety.evaluation.metrics import confusion, macro_f1, per_label
from helle.safety.evaluation.offensive import training_examples_from_dkhate
from helle.safety.models import ModelVersion, TrainingExample

LABELS = ("none", "harassment")


def stratified_split(examples, holdout: float, seed: int):
    rng = random.Random(seed)  # noqa: S311 - a repeatable split, not a secret
    train, test = [], []
    for label in LABELS:
        group = [e for e in examples if e[1] == label]
        rng.shuffle(group)
        cut = round(len(group) * holdout)
        test += group[:cut]
        train += group[cut:]
    return train, test


class Command(BaseCommand):
    help = "Train the safety classifier from labelled data and moderators' decisions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            action="append",
            default=[],
            type=Path,
            help="A labelled file in the OffensEval/DKHATE format (id, text, OFF/NOT). Repeatable.",
        )
        parser.add_argument(
            "--no-decisions",
            action="store_true",
            help="Leave out the examples that moderators' decisions produced.",
        )
        parser.add_argument("--holdout", type=float, default=0.15, help="Share kept back for evaluation.")
        parser.add_argument("--seed", type=int, default=42)

    def step(self, number: int, text: str) -> None:
        self.stdout.write(f"[{number}/4] {text}")

    def handle(self, *args, data, no_decisions, holdout, seed, **options):
        self.step(1, "Reading the training data ...")
        examples, sources = [], []
        for path in data:
            if not path.exists():
                raise CommandError(f"No such file: {path}")
            rows = training_examples_from_dkhate(path)
            examples += rows
            sources.append(f"{path.name} ({len(rows)})")
        if not no_decisions:
            decided = [
                (e.text, e.label if e.label == "none" else "harassment")
                for e in TrainingExample.objects.all()
            ]
            examples += decided
            sources.append(f"moderators' decisions ({len(decided)})")
        if len({label for _, label in examples}) < 2:
            raise CommandError("Training needs examples of both harmful and harmless texts.")
        train, test = stratified_split(examples, holdout, seed)
        self.stdout.write(
            f"      {len(examples)} examples from {', '.join(sources)}; "
            f"{len(train)} to train on, {len(test)} kept back."
        )

        self.step(2, f"Training on {len(train)} examples (this takes a minute) ...")
        started = time.monotonic()
        model = classifiers.LinearTextClassifier().train(train, sources=sources)
        self.stdout.write(f"      done in {time.monotonic() - started:.0f} s.")

        self.step(3, f"Evaluating on {len(test)} held-back examples ...")
        gold = [label for _, label in test]
        predicted = model.predict([text for text, _ in test])
        scores = per_label(gold, predicted, LABELS)
        evaluation = {
            "per_label": scores,
            "macro_f1": macro_f1(scores),
            "confusion": confusion(gold, predicted, LABELS),
            "labels": list(LABELS),
            "holdout": len(test),
            "seed": seed,
        }
        model.metadata["evaluation"] = evaluation
        for label in LABELS:
            s = scores[label]
            self.stdout.write(
                f"      {label:<11} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
                f"F1 {s['f1']:.3f}  (n={s['support']})"
            )
        self.stdout.write(f"      macro-F1 {evaluation['macro_f1']:.3f}")

        self.step(4, "Saving the model ...")
        directory = model.save(classifiers.model_directory_for(model))
        with transaction.atomic():
            ModelVersion.objects.update(is_active=False)
            ModelVersion.objects.create(
                version=model.version,
                path=str(directory),
                training_size=len(train),
                evaluation=evaluation,
                is_active=True,
            )
        classifiers.reset_active_classifier()
        self.stdout.write(self.style.SUCCESS(f"Model {model.version} saved in {directory} and in use."))
