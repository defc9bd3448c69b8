import pytest

from helle.safety import pipeline


@pytest.fixture(autouse=True)
def _fresh_safety_settings():
    # Watched words and policy rules are cached per process; each test reads its own.
    pipeline.settings_changed()
    yield
    pipeline.settings_changed()
