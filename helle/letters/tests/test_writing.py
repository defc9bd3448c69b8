"""Writing a letter: bad input keeps the text, drafts are saved as the member types, a crisis
shows help at once, and the writer gets an honest estimate of the wait."""

import pytest
from django.urls import reverse

from helle.letters import selectors, services
from helle.letters.forms import LETTER_MAX
from helle.letters.models import Draft, Letter
from helle.letters.tests.conftest import CRISIS, LETTER, answered


def _send(client, topic, body, **extra):
    return client.post(
        reverse("letters:write"), {"topic": topic.pk, "body": body, "checked": "1", "send": "1", **extra}
    )


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("   ", "empty"),
        ("a" * (LETTER_MAX + 1), "too long"),
        ("Hej\x07 med dig", "a control character"),
    ],
)
def test_a_bad_letter_gets_a_clear_message_and_keeps_the_text(as_, writer, topic, body, why):
    response = as_(writer).post(
        reverse("letters:write"), {"topic": topic.pk, "body": body, "checked": "1", "send": "1"}
    )
    assert response.status_code == 400, why
    form = response.context["form"]
    assert form.errors["body"]
    assert form["body"].value() == body  # nothing the writer typed is lost
    assert not Letter.objects.exists()


def test_a_letter_without_a_topic_is_not_sent_and_keeps_the_text(as_, writer):
    response = as_(writer).post(reverse("letters:write"), {"body": LETTER, "checked": "1", "send": "1"})
    assert response.status_code == 400
    assert response.context["form"]["body"].value() == LETTER


def test_a_letter_is_only_sent_after_the_writer_saw_similar_answers(as_, writer, topic):
    client = as_(writer)
    client.post(reverse("letters:write"), {"topic": topic.pk, "body": LETTER, "send": "1"})  # no "checked"
    assert not Letter.objects.exists()
    _send(client, topic, LETTER)
    assert Letter.objects.count() == 1


def test_a_writer_with_three_letters_waiting_keeps_the_fourth_as_typed(as_, writer, topic):
    client = as_(writer)
    for n in range(services.MAX_OPEN_LETTERS):
        _send(client, topic, f"{LETTER} ({n})")
    response = _send(client, topic, "Mit fjerde brev")
    assert response.status_code == 400
    assert response.context["form"]["body"].value() == "Mit fjerde brev"
    assert Letter.objects.count() == services.MAX_OPEN_LETTERS


def test_the_draft_is_saved_as_the_member_types_and_comes_back(as_, writer, topic):
    client = as_(writer)
    saved = client.post(
        reverse("letters:draft"), {"key": "new", "topic": topic.pk, "body": "Jeg ved ikke hvordan"}
    )
    assert saved.status_code == 200
    page = client.get(reverse("letters:write"))
    assert page.context["form"]["body"].value() == "Jeg ved ikke hvordan"
    assert page.context["form"]["topic"].value() == topic.pk
    _send(client, topic, "Jeg ved ikke hvordan jeg skal sige det")
    assert not Draft.objects.filter(member=writer).exists()  # sent: the draft is done


def test_nobody_saves_a_draft_for_a_follow_up_to_someone_elses_letter(as_, letter, make_member):
    response = as_(make_member("Fremmed")).post(
        reverse("letters:draft"), {"key": f"follow-up:{letter.pk}", "body": "hej"}
    )
    assert response.status_code == 404


def test_a_crisis_letter_shows_the_writer_help_at_once(as_, writer, topic):
    client = as_(writer)
    response = _send(client, topic, CRISIS)
    page = client.get(response.url)
    assert 'id="help"' in page.content.decode()
    assert Letter.objects.get().crisis


def test_contact_details_in_a_letter_are_kept_for_the_counsellor_and_flagged(writer, topic):
    from helle.safety.models import ReviewItem

    letter = services.send_letter(
        writer=writer, topic=topic, body=LETTER + " Du kan skrive til mig på 20 30 40 50."
    )
    assert "20 30 40 50" in letter.body
    assert ReviewItem.objects.filter(target_type="letters.letter", target_id=str(letter.pk)).exists()


def test_without_recent_answers_the_estimate_is_the_service_level(db, settings):
    settings.LETTER_ANSWER_DAYS = 5
    estimate = selectors.answer_estimate()
    assert (estimate.days, estimate.from_history) == (5, False)


def test_the_estimate_comes_from_recent_answer_times_and_the_queue(
    writer, make_member, topic, counsellor, supervisor, clock
):
    for n in range(4):  # four letters answered two days after they came
        letter = services.send_letter(writer=make_member(f"Skriver{n}"), topic=topic, body=LETTER)
        clock.advance(days=2)
        answered(letter, counsellor, supervisor)
    quick = selectors.answer_estimate()
    assert (quick.days, quick.from_history, quick.answered_recently) == (2, True, 4)
    # Twenty letters waiting at four answers a month: it will take longer than two days.
    for n in range(20):
        services.send_letter(writer=make_member(f"Venter{n}"), topic=topic, body=LETTER)
    slow = selectors.answer_estimate()
    assert slow.waiting == 20 and slow.days == 140  # 20 letters at 4 / 28 letters a day


def test_answers_older_than_four_weeks_do_not_count_in_the_estimate(clock, letter, counsellor, supervisor):
    answered(letter, counsellor, supervisor)
    clock.advance(days=selectors.RECENT_DAYS + 1)
    assert not selectors.answer_estimate().from_history


def test_the_nearest_rank_percentile():
    values = [float(v) for v in range(1, 11)]
    assert selectors.percentile(values, 50) == 5.0
    assert selectors.percentile(values, 90) == 9.0
    assert selectors.percentile([3.0], 90) == 3.0


def test_the_estimate_is_shown_before_writing(as_, writer, settings):
    settings.LETTER_ANSWER_DAYS = 5
    page = as_(writer).get(reverse("letters:write")).content.decode()
    assert 'id="estimate"' in page and "5" in page


def test_a_letter_answered_in_hours_is_estimated_as_one_day(clock, letter, counsellor, supervisor):
    clock.advance(hours=3)
    answered(letter, counsellor, supervisor)
    assert selectors.answer_estimate().days == 1  # rounded up to whole days, never "0 days"


def test_a_letter_in_the_review_queue_is_never_hidden_from_its_writer(writer, topic, supervisor, as_):
    from helle.safety import services as safety_services
    from helle.safety.models import ReviewItem

    letter = services.send_letter(writer=writer, topic=topic, body=CRISIS)
    item = ReviewItem.objects.get(target_type="letters.letter", target_id=str(letter.pk))
    page = as_(supervisor).get(reverse("safety:review", args=[item.pk])).content.decode()
    assert 'value="hide"' not in page and 'value="approve"' in page
    assert reverse("letters:staff_letter", args=[letter.pk]) in page  # the moderator can open it in place
    with pytest.raises(ValueError):
        safety_services.decide(moderator=supervisor, item=item, outcome="hide", reason="nej")


def test_a_letters_words_are_not_copied_into_the_review_queue_and_only_its_readers_see_the_item(
    writer, topic, supervisor, colleague, peer
):
    from helle.safety import services as safety_services
    from helle.safety.models import ReviewItem

    letter = services.send_letter(writer=writer, topic=topic, body=CRISIS)
    item = ReviewItem.objects.get(target_type="letters.letter", target_id=str(letter.pk))
    assert item.excerpt == "" and item.findings["findings"]  # what was found, not the words
    assert item in safety_services.review_queue(supervisor)
    assert item not in safety_services.review_queue(colleague)  # a counsellor who does not hold it
    assert item not in safety_services.review_queue(peer)
    services.claim(counsellor=colleague, letter=letter)
    assert item in safety_services.review_queue(colleague)
