from io import StringIO

import pytest
from django.core.management import call_command

from helle.letters import selectors
from helle.letters.models import Letter


@pytest.mark.django_db
def test_the_demo_letter_box_has_published_answers_one_in_review_and_one_waiting():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "letters: 2 answered and published" in out.getvalue()
    assert selectors.published().count() == 2
    assert Letter.objects.filter(state=Letter.State.IN_REVIEW).count() == 1
    assert Letter.objects.filter(state=Letter.State.WAITING).count() == 1
    call_command("seed_demo", stdout=StringIO())
    assert Letter.objects.count() == 4  # seeding again adds nothing
