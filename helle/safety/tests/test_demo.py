"""The demo data puts a few reports in the review queue, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from helle.safety import selectors
from helle.safety.models import Report, ReviewItem


@pytest.mark.django_db
def test_the_demo_fills_the_review_queue_once_with_the_most_urgent_report_first(settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())  # again: nothing more
    assert ReviewItem.objects.filter(reason="reported").count() == 3  # the forum demo adds a held post
    assert "Review queue: 3 reports" in out.getvalue()
    first = selectors.open_review_items().first()
    assert first.reports.get().category == Report.Category.SELF_HARM
