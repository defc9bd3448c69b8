"""The crisis model in the pipeline and its training command."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from helle.safety import classifier as classifiers
from helle.safety.classifier import LinearTextClassifier
from helle.safety.findings import Label
from helle.safety.models import ModelVersion
from helle.safety.pipeline import assess
from helle.safety.policy import Action, Surface

# A made-up model that knows one thing: "tågen" means crisis. The rules know no such word, so
# what the pipeline does with it is the model's doing alone.
FOG = [
    *[
        (f"tågen {t}", "crisis")
        for t in ("er her igen", "tager over", "i mit hoved", "vil ikke gå", "igen i nat")
    ],
    *[
        (t, "none")
        for t in (
            "vi ses i morgen",
            "god weekend",
            "tak for hjælpen",
            "jeg har lavet lektier",
            "skal vi spille",
            "hvad laver du",
        )
    ],
]


@pytest.fixture
def fog_model(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    model = LinearTextClassifier(labels=("none", "crisis")).train(FOG, tune_threshold=False)
    model.save(classifiers.model_directory_for(model))
    classifiers.reset_active_classifier()
    yield model
    classifiers.reset_active_classifier()


@pytest.mark.django_db
def test_what_the_rules_miss_and_the_crisis_model_catches_is_a_crisis(fog_model):
    result = assess("tågen er tilbage og den går ikke væk", surface=Surface.FORUM)
    finding = next(f for f in result.findings if f.label is Label.CRISIS)
    assert finding.kind == "model" and finding.score >= fog_model.threshold
    assert result.action is Action.CRISIS and result.decision.alert_staff
    assert "crisis" in result.model_version


@pytest.mark.django_db
def test_the_crisis_model_is_not_asked_when_the_rules_say_it_is_about_someone_else(fog_model):
    result = assess("min veninde skriver at tågen er her og hun vil ikke leve mere", surface=Surface.FORUM)
    assert Label.CONCERN in result.labels()
    assert not [f for f in result.findings if f.kind == "model" and f.label is Label.CRISIS]


@pytest.mark.django_db
def test_harmless_text_stays_harmless_with_the_crisis_model(fog_model):
    result = assess("tak for hjælpen, vi ses i morgen", surface=Surface.FORUM)
    assert result.action is Action.ALLOW


@pytest.mark.django_db
def test_training_the_crisis_model_saves_a_version_with_its_bar_for_false_alarms(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    data = tmp_path / "crisis.jsonl"
    rows = [{"text": t, "lang": "da", "label": label} for t, label in FOG * 4]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = StringIO()
    call_command("train_safety_model", "--task", "crisis", "--data", str(data), stdout=out)
    assert "[4/4]" in out.getvalue()
    version = ModelVersion.objects.get(task="crisis", is_active=True)
    model = classifiers.active_classifier("crisis")
    assert model.version == version.version and model.task == "crisis"
    assert model.metadata["model"]["threshold_chosen_for"] == "at most 10% false alarms on look-alikes"
    assert model.metadata["model"]["min_df"] == 2  # word n-grams one text used once are left out
    again = StringIO()
    call_command("train_safety_model", "--task", "crisis", "--if-missing", stdout=again)
    assert "nothing to do" in again.getvalue()
    classifiers.reset_active_classifier()


def test_the_held_out_sets_are_never_trained_on_and_share_no_text_with_training():
    from helle.safety.evaluation import own_sets

    assert not set(own_sets.CRISIS_HELDOUTS) & set(own_sets.CRISIS_TRAINING_FILES)
    present = [path for path in own_sets.CRISIS_HELDOUTS if path.exists()]
    if not present:
        pytest.skip("no held-out set in this checkout")
    rows = own_sets.crisis_training_rows()
    assert len(rows) > 4000
    assert len({row["source"] for row in rows}) >= 3  # writers, for the threshold (MIN_GROUPS)
    training = {row["text"].casefold().strip() for row in rows}
    for path in present:
        held_out = {row["text"].casefold().strip() for row in own_sets.read_jsonl(path)}
        assert not training & held_out, path.name


@pytest.mark.django_db
def test_the_grooming_model_trains_by_command_and_is_left_to_conversation_scoring(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    data = tmp_path / "grooming_messages.jsonl"
    moves = [f"vores blå bog {t}" for t in ("i aften", "bare os", "igen", "tænk på den", "husk")]
    plain = ["god kamp i går", "tak for hjælpen", "vi ses", "hvad laver du", "fedt"]
    rows = [{"text": t, "lang": "da", "label": "grooming", "kind": "secrecy"} for t in moves] * 4
    rows += [{"text": t, "lang": "da", "label": "none", "kind": "look_alike"} for t in plain] * 4
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    call_command("train_safety_model", "--task", "grooming", "--data", str(data), stdout=StringIO())
    assert classifiers.active_classifier("grooming").task == "grooming"
    result = assess("vores blå bog i aften", surface=Surface.CHAT)
    assert "grooming" not in result.model_version  # assess() never asks it
    assert not [f for f in result.findings if f.kind == "model"]
    classifiers.reset_active_classifier()
