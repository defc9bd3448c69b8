"""`manage.py safety_eval` holds the project to its floors, with or without ../shared/data."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from helle.safety.management.commands import safety_eval


@pytest.mark.django_db
def test_the_evaluation_passes_its_floors_on_our_own_sets(tmp_path):
    out = StringIO()
    call_command("safety_eval", "--no-write", "--data", str(tmp_path), stdout=out)  # no shared data here
    assert "Every figure is at or above its floor." in out.getvalue()
    assert "[6/6]" in out.getvalue()


@pytest.mark.django_db
def test_the_evaluation_fails_when_a_figure_drops_below_its_floor(tmp_path, monkeypatch):
    monkeypatch.setitem(safety_eval.FLOORS, "crisis recall (da)", 1.01)
    with pytest.raises(CommandError, match="below the project's floor"):
        call_command(
            "safety_eval", "--no-write", "--data", str(tmp_path), stdout=StringIO(), stderr=StringIO()
        )


def test_shared_data_is_read_from_beside_the_project_and_never_copied_in():
    repository = Path(__file__).resolve().parents[3]
    assert repository.parent / "shared" / "data" == safety_eval.SHARED_DATA
    assert not list(repository.glob("**/dkhate/train.tsv")) and not list(repository.glob("**/pii/dev.json"))
