"""The text classifier: training, saving, loading, the active model, and its figures on DKHATE."""

import json
import time
from pathlib import Path

import pytest

from helle.safety import classifier as module
from helle.safety.classifier import (
    LinearTextClassifier,
    TextClassifier,
    active_classifier,
    reset_active_classifier,
)
from helle.safety.evaluation import offensive

REPO = Path(__file__).resolve().parents[3]
DATA = (REPO / ".." / "shared" / "data").resolve()
DKHATE = DATA / "dkhate" / "train.tsv"
HATECHECK = DATA / "hatecheck" / "dev.csv"

# The combined system reached 0.8002 macro-F1 on the held-out 15 % (seed 42; the classifier
# alone 0.8078); allow 0.02. Out-of-fold on all of DKHATE's training file both the per-word
# character features and the earlier binary ones reach 0.782, so the 445-text held-out part
# moves by about that much from one feature definition to the next.
DKHATE_COMBINED_REACHED = 0.8002

TINY = [
    *[
        (t, "harassment")
        for t in (
            "du er så grim",
            "din taber",
            "fuck dig din idiot",
            "du er en klam luder",
            "hold din kæft taber",
            "you are so ugly",
            "shut up you idiot",
            "you're a loser",
            "fuck you",
            "you are pathetic",
            "din fede so",
            "du er dum",
            "you stupid cow",
            "go away loser",
            "du er ulækker",
        )
    ],
    *[
        (t, "none")
        for t in (
            "hej hvordan går det",
            "jeg glæder mig til weekenden",
            "tak for hjælpen",
            "vi ses i morgen",
            "hvad laver du i dag",
            "hello how are you",
            "thanks for the help",
            "see you tomorrow",
            "what are you doing today",
            "i love this song",
            "god film i går",
            "skal vi spille fodbold",
            "nice weather today",
            "jeg har lavet lektier",
            "have a good day",
        )
    ],
]


@pytest.fixture(scope="module")
def tiny_model():
    return LinearTextClassifier().train(TINY, sources=["in-test examples"])


@pytest.fixture
def fresh_active():
    reset_active_classifier()
    yield
    reset_active_classifier()


def test_a_trained_classifier_is_a_text_classifier(tiny_model):
    assert isinstance(tiny_model, TextClassifier)
    assert tiny_model.labels == ("none", "harassment")


def test_the_tiny_model_learns_its_tiny_data(tiny_model):
    proba = tiny_model.predict_proba(["du er så grim din taber", "tak for i dag, vi ses"])
    assert set(proba[0]) == {"none", "harassment"}
    assert abs(sum(proba[0].values()) - 1.0) < 1e-9
    assert proba[0]["harassment"] > proba[1]["harassment"]


def test_fast_scoring_gives_the_same_probabilities_as_scikit_learn(tiny_model):
    texts = [module.prepare(t) for t, _ in TINY]
    pipeline = tiny_model._pipeline()
    pipeline.fit(texts, [int(label == "harassment") for _, label in TINY])
    model = LinearTextClassifier()
    model._compile(pipeline)
    new = ["du er så grim", "ny tekst med ukendte ord", "", "FUCK dig!!"]
    expected = pipeline.predict_proba([module.prepare(t) for t in new])[:, 1]
    for text, p in zip(new, expected, strict=True):
        assert abs(model.positive_proba(text) - p) < 1e-9


def test_metadata_tells_version_labels_size_sources_and_library_versions(tiny_model):
    import sklearn

    meta = tiny_model.metadata
    assert meta["version"] == tiny_model.version and tiny_model.version != "untrained"
    assert meta["labels"] == ["none", "harassment"]
    assert meta["training_size"] == len(TINY)
    assert meta["training_data_sources"] == ["in-test examples"]
    assert meta["scikit_learn_version"] == sklearn.__version__
    assert len(meta["training_data_sha256"]) == 64


def test_the_version_changes_with_the_training_data():
    a = LinearTextClassifier().train(TINY, tune_threshold=False)
    b = LinearTextClassifier().train([*TINY, ("du er en spade", "harassment")], tune_threshold=False)
    assert a.version.split("-")[-1] != b.version.split("-")[-1]


def test_saving_and_loading_keeps_predictions_and_metadata(tiny_model, tmp_path):
    directory = tiny_model.save(tmp_path / "model")
    assert {p.name for p in directory.iterdir()} == {"model.joblib", "metadata.json"}
    loaded = LinearTextClassifier.load(directory)
    texts = ["du er så grim", "hej med dig", "you're a loser", "vi ses"]
    assert loaded.predict_proba(texts) == tiny_model.predict_proba(texts)
    assert loaded.version == tiny_model.version
    assert loaded.threshold == tiny_model.threshold
    written = json.loads((directory / "metadata.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in written.items() if k != "model_sha256"} == {
        **tiny_model.metadata,
        "format": module.FORMAT,
    }


def test_loading_refuses_a_model_file_that_does_not_match_its_metadata(tiny_model, tmp_path):
    directory = tiny_model.save(tmp_path / "model")
    with (directory / "model.joblib").open("ab") as f:
        f.write(b"tampered")
    with pytest.raises(ValueError, match="SHA-256"):
        LinearTextClassifier.load(directory)


def test_loading_refuses_a_folder_the_project_did_not_write(tmp_path):
    (tmp_path / "metadata.json").write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    (tmp_path / "model.joblib").write_bytes(b"not ours")
    with pytest.raises(ValueError, match="not a model this project wrote"):
        LinearTextClassifier.load(tmp_path)


def test_training_needs_both_labels_and_known_labels():
    with pytest.raises(ValueError):
        LinearTextClassifier().train([("a", "none"), ("b", "none")])
    with pytest.raises(ValueError):
        LinearTextClassifier().train([("a", "none"), ("b", "OFF")])


def test_active_classifier_is_none_without_a_model(settings, tmp_path, fresh_active):
    settings.DATA_DIR = tmp_path
    assert active_classifier() is None


def test_active_classifier_loads_the_newest_model_once(settings, tmp_path, tiny_model, fresh_active):
    settings.DATA_DIR = tmp_path
    root = module.models_directory()
    old = LinearTextClassifier().train(TINY, tune_threshold=False)
    old.version = "20000101T000000Z-old"
    old.save(root / old.version)
    tiny_model.save(module.model_directory_for(tiny_model))
    first = active_classifier()
    assert first.version == tiny_model.version
    assert active_classifier() is first  # cached for the process
    reset_active_classifier()
    assert active_classifier() is not first  # loaded again after a reset


def test_a_newer_model_in_an_old_format_is_skipped_not_fatal(settings, tmp_path, tiny_model, fresh_active):
    settings.DATA_DIR = tmp_path
    tiny_model.save(module.model_directory_for(tiny_model))
    newer = module.models_directory() / "29990101T000000Z-from-an-older-helle"
    tiny_model.save(newer)
    metadata = json.loads((newer / "metadata.json").read_text())
    (newer / "metadata.json").write_text(json.dumps(dict(metadata, format="helle-linear-text-classifier/1")))
    assert active_classifier().version == tiny_model.version


def test_normalised_messages_give_the_same_probabilities_as_their_text(tiny_model):
    from helle.safety.normalise import normalise

    texts = ["du er så GR1M!!", "hej med dig", "you're a l o s e r"]
    assert tiny_model.predict_proba([normalise(t) for t in texts]) == tiny_model.predict_proba(texts)


# --- DKHATE and HateCheck (skipped without ../shared/data) --------------------------------------------

needs_dkhate = pytest.mark.skipif(
    not DKHATE.is_file(), reason=f"DKHATE not found at {DKHATE} (../shared/data)"
)
needs_hatecheck = pytest.mark.skipif(not HATECHECK.is_file(), reason=f"HateCheck not found at {HATECHECK}")


@pytest.fixture(scope="session")
def dkhate_report():
    if not DKHATE.is_file():
        pytest.skip(f"DKHATE not found at {DKHATE} (../shared/data)")
    started = time.perf_counter()
    report = offensive.evaluate_dkhate(DKHATE)
    report["wall_seconds"] = time.perf_counter() - started
    return report


@needs_dkhate
def test_dkhate_is_read_with_its_malformed_last_line_as_a_not_row():
    rows = offensive.read_dkhate(DKHATE)
    assert len(rows) == 2961
    assert rows[-1] == ("[deleted]", "NOT")
    counts = {label: sum(1 for _, gold in rows if gold == label) for label in ("OFF", "NOT")}
    assert counts == {"OFF": 384, "NOT": 2577}
    examples = offensive.training_examples_from_dkhate(DKHATE)
    assert {label for _, label in examples} == {"harassment", "none"}


@needs_dkhate
def test_dkhate_report_has_rules_classifier_and_combined_with_per_label_figures(dkhate_report):
    for system in ("rules", "classifier", "combined"):
        report = dkhate_report[system]
        assert set(report["per_label"]) == {"OFF", "NOT"}
        assert report["confusion"]["labels"] == ["OFF", "NOT"]
        assert sum(map(sum, report["confusion"]["matrix"])) == dkhate_report["split"]["test"]
    assert dkhate_report["split"]["test"] == 445


@needs_dkhate
def test_the_combined_system_reaches_its_macro_f1_on_held_out_dkhate(dkhate_report):
    assert dkhate_report["combined"]["macro_f1"] >= DKHATE_COMBINED_REACHED - 0.02
    assert dkhate_report["classifier"]["macro_f1"] >= DKHATE_COMBINED_REACHED - 0.02
    assert dkhate_report["training_seconds"] < 120


@needs_hatecheck
def test_the_rules_on_hatecheck_keep_counter_speech_and_reclaimed_words_apart():
    report = offensive.evaluate_hatecheck(HATECHECK)["rules"]
    functionality = report["per_functionality"]
    assert report["macro_f1"] >= 0.88
    for name in ("counter_quote_nh", "negate_neg_nh", "ident_neutral_nh", "target_obj_nh"):
        assert functionality[name]["accuracy"] >= 0.97, name
    assert functionality["slur_reclaimed_nh"]["accuracy"] >= 0.9
    assert functionality["slur_h"]["accuracy"] >= 0.75


def test_a_model_knows_the_languages_it_was_trained_on(tiny_model):
    assert tiny_model.languages == ("da", "en")
    danish_only = LinearTextClassifier().train(
        [(t, label) for t, label in TINY if _danish(t)], tune_threshold=False
    )
    assert danish_only.languages == ("da",)
    assert danish_only.knows_language("da") and danish_only.knows_language("")
    assert not danish_only.knows_language("en")


def _danish(text: str) -> bool:
    from helle.safety.language import detect_language

    return detect_language(text) == "da"


def test_with_writers_named_each_writers_texts_are_judged_by_a_model_that_never_read_them():
    # Each writer has words of their own for harmful and harmless texts. Random folds learn a
    # writer's words from their other texts; folds by writer cannot, as a new writer's texts.
    writers = {"a": ("zebra", "lion"), "b": ("giraffe", "tiger"), "c": ("walrus", "otter")}
    examples, groups = [], []
    for writer, (harmful, harmless) in writers.items():
        for n in range(12):
            examples += [(f"{harmful} og nummer {n}", "harassment"), (f"{harmless} og nummer {n}", "none")]
            groups += [writer, writer]
    by_writer = LinearTextClassifier().train(examples, groups=groups)
    at_random = LinearTextClassifier().train(examples)

    def separation(model) -> float:
        """Mean out-of-fold probability of the harmful texts minus that of the harmless ones."""
        harmful = [
            p for p, (_, label) in zip(model.oof_proba, examples, strict=True) if label == "harassment"
        ]
        harmless = [p for p, (_, label) in zip(model.oof_proba, examples, strict=True) if label == "none"]
        return sum(harmful) / len(harmful) - sum(harmless) / len(harmless)

    assert separation(at_random) > 0.5
    assert abs(separation(by_writer)) < 0.2
    chosen = by_writer.metadata["model"]["threshold_chosen_for"]
    assert chosen == "best macro-F1 of a writer the model did not learn from"
