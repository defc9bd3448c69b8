"""How fast is assess()? Messages per second on one core, and latency percentiles.

Target (issue 4): at least 2,000 messages per second with the classifier, and p99 under
2 ms for a 500-character message. The messages are built from our own sentences, a mix
of harmless talk and the kinds of text the detectors look for.
"""

import random
import statistics
import time
from pathlib import Path

from helle.safety import classifier as classifiers
from helle.safety.evaluation import offensive, own_sets
from helle.safety.pipeline import assess
from helle.safety.policy import Surface

HARMLESS = {
    "da": [
        "jeg har haft en rigtig lang dag i skolen og er bare træt",
        "min mor forstår mig ikke og vi skændes hele tiden om alt",
        "kan i hjælpe mig med at finde ud af hvad jeg skal sige til min lærer",
        "nogle gange har jeg det som om ingen kan lide mig",
        "tak fordi i lytter det betyder meget for mig",
        "min bedste veninde er flyttet og jeg savner hende helt vildt",
        "jeg ved ikke om jeg skal vælge gymnasiet eller en efterskole",
        "vi har eksamen i næste uge og jeg er så nervøs",
        "det hjalp at skrive det ned, tak for svaret",
    ],
    "en": [
        "i really need someone to talk to about my friends",
        "we played football after school and it was actually fun",
        "my parents are getting divorced and i dont know how to feel",
        "i have exams next week and i am so nervous about them",
        "thank you for listening it means a lot to me",
        "my best friend moved away and i miss her so much",
    ],
}
RISKY = {
    "da": [
        "skriv til mig på snap anna_2009 så snakker vi videre",
        "ring til mig på 20 30 40 50 hvis du vil",
        "jeg orker ikke mere og vil ikke være her",
        "du er så grim og dum ingen gider dig",
        "hvor gammel er du og hvor bor du henne",
    ],
    "en": [
        "add me on snap its anna_2009",
        "i cant do this anymore i dont want to be here",
        "you are so ugly and stupid nobody likes you",
        "buy cheap followers at www.spam.example now",
    ],
}


def message(rng: random.Random, length: int = 500, risky_share: float = 0.2) -> str:
    """A 500-character message in one language (Danish four times in five); `risky_share` of them
    carry one sentence with something to find, the rest is ordinary talk."""
    language = "da" if rng.random() < 0.8 else "en"
    words = [rng.choice(RISKY[language])] if rng.random() < risky_share else []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(HARMLESS[language]))
    rng.shuffle(words)
    return " ".join(words)[:length]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


ROUNDS = 3  # the machine is shared: the median of three rounds, not one lucky or unlucky one
WARM_UP = 1000


def measure(count: int = 4000, risky_share: float = 0.2) -> dict:
    # Warm up on other messages of the same kind (another seed), as a running server is warm
    # from earlier traffic: compiled patterns, caches of known words.
    warm_rng = random.Random(1)  # noqa: S311 - repeatable test messages, not secrets
    for _ in range(WARM_UP):
        assess(message(warm_rng, risky_share=risky_share), surface=Surface.FORUM)
    rng = random.Random(2026)  # noqa: S311 - repeatable test messages, not secrets
    messages = [message(rng, risky_share=risky_share) for _ in range(count)]
    rounds, timings = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for text in messages:
            t0 = time.perf_counter()
            assess(text, surface=Surface.FORUM)
            timings.append((time.perf_counter() - t0) * 1000)
        rounds.append(count / (time.perf_counter() - started))
    return {
        "count": count,
        "per_second": statistics.median(rounds),
        "rounds": rounds,
        "mean_ms": statistics.fmean(timings),
        "p50_ms": percentile(timings, 50),
        "p99_ms": percentile(timings, 99),
        "max_ms": max(timings),
    }


SHARED_DKHATE = Path(__file__).resolve().parents[2] / "shared" / "data" / "dkhate" / "train.tsv"


def ensure_models() -> dict:
    """The benchmark measures the pipeline with its classifiers: train those that are missing
    (the crisis model from the repository's sentences, the harassment model from DKHATE)."""
    if classifiers.active_classifier("crisis") is None:
        print("      no crisis model yet: training one (about 40 s) ...", flush=True)
        trained = own_sets.train_crisis_model()
        trained.save(classifiers.model_directory_for(trained))
    if classifiers.active_classifier("harassment") is None and SHARED_DKHATE.exists():
        print("      no harassment model yet: training one on DKHATE (about 10 s) ...", flush=True)
        trained = offensive.train_production_model(SHARED_DKHATE)
        trained.save(classifiers.model_directory_for(trained))
    classifiers.reset_active_classifier()
    return classifiers.active_classifiers()


def stage_costs(count: int = 2000) -> list[tuple[str, float]]:
    """Where the time of a typical message goes: milliseconds per message in each stage of
    assess(), measured inside the pipeline (a stage alone, out of it, runs faster: the others
    no longer push its patterns and tables out of the processor's caches)."""
    from helle.safety import pipeline

    warm_rng = random.Random(1)  # noqa: S311 - repeatable test messages, not secrets
    for _ in range(WARM_UP):
        assess(message(warm_rng), surface=Surface.FORUM)
    spent: dict[str, float] = {}

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    saved = {name: getattr(pipeline, name) for name in ("DETECTORS", *_STAGES)}
    try:
        pipeline.DETECTORS = tuple(
            timed(f"detector: {d.__module__.rsplit('.', 1)[-1]}", d) for d in saved["DETECTORS"]
        )
        for name, label in _STAGES.items():
            setattr(pipeline, name, timed(label, saved[name]))
        rng = random.Random(3)  # noqa: S311 - repeatable test messages, not secrets
        messages = [message(rng) for _ in range(count)]
        started = time.perf_counter()
        for text in messages:
            assess(text, surface=Surface.FORUM)
        spent["everything else (settings, sorting, the assessment)"] = (time.perf_counter() - started) - sum(
            spent.values()
        )
    finally:
        for name, value in saved.items():
            setattr(pipeline, name, value)
    return sorted(((name, seconds * 1000 / count) for name, seconds in spent.items()), key=lambda s: -s[1])


# The pipeline's functions timed as stages, besides each detector.
_STAGES = {
    "normalise": "normalise (three views)",
    "detect_language": "language",
    "_watched_findings": "watched words",
    "_classifier_findings": "classifiers (features and both models)",
    "decide": "policy",
}


def run() -> str:
    models = ensure_models()
    versions = ", ".join(f"{task} {m.version}" for task, m in models.items()) or "none trained: rules only"
    typical = measure(risky_share=0.2)
    worst = measure(count=1000, risky_share=1.0)
    stages = stage_costs()
    verdict = "meets" if typical["per_second"] >= 2000 and typical["p99_ms"] < 2 else "misses"

    def row(name: str, f: dict) -> str:
        return (
            f"| {name} | {f['per_second']:,.0f} | {f['mean_ms']:.3f} ms | {f['p50_ms']:.3f} ms | "
            f"{f['p99_ms']:.3f} ms | {f['max_ms']:.3f} ms |"
        )

    return "\n".join(
        [
            "## Safety pipeline: assess() on 500-character messages",
            "",
            f"One process, one core, {ROUNDS} rounds after a warm-up on {WARM_UP} other messages "
            "(messages/s: the median round; latencies: every call of every round); every detector, "
            "the watched words, the policy and the classifiers "
            f"({versions}). "
            "Typical: ordinary talk where one "
            "message in five carries something to find; every one: each message carries it.",
            "",
            "| messages | messages/s | mean | p50 | p99 | max |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            row(f"typical ({typical['count']})", typical),
            row(f"every one risky ({worst['count']})", worst),
            "",
            "Rounds (typical): " + ", ".join(f"{r:,.0f}" for r in typical["rounds"]) + " messages/s.",
            "",
            f"Target: ≥ 2,000 messages/s and p99 < 2 ms (typical messages). This run {verdict} it.",
            "",
            "### Where the time goes (typical messages)",
            "",
            "| stage | ms per message | share |",
            "| --- | ---: | ---: |",
            *(f"| {name} | {ms:.3f} | {ms / sum(m for _, m in stages):.0%} |" for name, ms in stages),
            "",
        ]
    )
