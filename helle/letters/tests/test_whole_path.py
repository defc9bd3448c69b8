"""The whole path of a letter, through the pages people use: written, compared with published
answers, sent, claimed, drafted, returned, revised, approved, delivered, followed up,
anonymised, approved for publication, published and found by search."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from helle.core.models import AuditEntry
from helle.letters import services
from helle.letters.models import Answer, Letter, Publication, Review
from helle.letters.tests.conftest import ANSWER, LETTER, answered


def _publish(letter, editor, supervisor, *, title="Nervøs for eksamen", question=None, answer=None):
    publication = services.save_publication(
        editor=editor,
        letter=letter,
        title=title,
        question=question or "Jeg er nervøs for eksamen og kan ikke sove.",
        answer=answer or "Det er almindeligt at være nervøs. Prøv at ...",
        submit=True,
    )
    return services.review_publication(reviewer=supervisor, publication=publication, approve=True)


def test_a_letter_goes_all_the_way_from_writing_to_the_public_archive(
    as_, writer, topic, counsellor, supervisor, editor, make_member
):
    # An earlier letter about exams is already in the archive.
    earlier_writer = make_member("Tidligere")
    earlier = services.send_letter(writer=earlier_writer, topic=topic, body=LETTER, may_publish=True)
    _publish(answered(earlier, counsellor, supervisor), editor, supervisor, title="Eksamensnerver")

    client = as_(writer)
    form = {"topic": topic.pk, "body": LETTER + " Jeg går i 8. klasse.", "may_publish": "on"}
    shown = client.post(reverse("letters:write"), form)
    assert shown.status_code == 200
    assert "Eksamensnerver" in shown.content.decode()  # similar published answers come first
    assert not Letter.objects.filter(writer=writer).exists()  # nothing is sent yet

    sent = client.post(reverse("letters:write"), {**form, "checked": "1", "send": "1"})
    letter = Letter.objects.get(writer=writer)
    assert sent.url == reverse("letters:letter", args=[letter.pk])
    assert letter.state == Letter.State.WAITING and letter.may_publish and letter.age_band == "13-15"

    client = as_(counsellor)
    assert client.post(reverse("letters:claim", args=[letter.pk])).status_code == 302
    page = client.get(reverse("letters:staff_letter", args=[letter.pk]))
    assert "8. klasse" in page.content.decode()
    client.post(reverse("letters:answer", args=[letter.pk]), {"body": "Første udkast", "action": "save"})
    assert Answer.objects.get(letter=letter).body == "Første udkast"
    client.post(reverse("letters:answer", args=[letter.pk]), {"body": "Første udkast.", "action": "submit"})
    letter.refresh_from_db()
    assert letter.state == Letter.State.IN_REVIEW

    # The writer sees no answer before a second person approved it.
    assert (
        "Første udkast" not in as_(writer).get(reverse("letters:letter", args=[letter.pk])).content.decode()
    )

    client = as_(supervisor)
    client.post(
        reverse("letters:review", args=[letter.pk]),
        {"body": "Første udkast.", "comment": "Sig mere om søvn.", "action": "return"},
    )
    letter.refresh_from_db()
    assert letter.state == Letter.State.ANSWERING and letter.answer.state == Answer.State.RETURNED

    client = as_(counsellor)
    assert (
        "Sig mere om søvn." in client.get(reverse("letters:staff_letter", args=[letter.pk])).content.decode()
    )
    client.post(reverse("letters:answer", args=[letter.pk]), {"body": ANSWER, "action": "submit"})

    client = as_(supervisor)
    edited = ANSWER + " Skriv endelig igen."
    client.post(
        reverse("letters:review", args=[letter.pk]), {"body": edited, "comment": "", "action": "approve"}
    )
    letter.refresh_from_db()
    assert letter.state == Letter.State.ANSWERED and letter.answered_at is not None
    review = Review.objects.filter(answer=letter.answer).first()
    assert review.outcome == Review.Outcome.EDITED and review.body_before == ANSWER

    client = as_(writer)
    inbox = client.get(reverse("letters:inbox")).content.decode()
    assert f'href="{reverse("letters:letter", args=[letter.pk])}"' in inbox
    assert 'id="letters-count">1</span>' in inbox  # the menu counts the new answer
    page = client.get(reverse("letters:letter", args=[letter.pk]))
    assert "Skriv endelig igen." in page.content.decode()
    letter.refresh_from_db()
    assert letter.answer_read_at is not None
    assert 'id="letters-count" hidden>' in client.get(reverse("letters:inbox")).content.decode()
    client.post(reverse("letters:helped", args=[letter.pk]), {"helped": "yes"})
    client.post(
        reverse("letters:follow_up", args=[letter.pk]), {"body": "Tak! Må jeg spørge om én ting mere?"}
    )
    follow_up = Letter.objects.get(follow_up_to=letter)
    assert follow_up.state == Letter.State.WAITING and follow_up.topic == topic
    # Only one follow-up.
    assert (
        client.post(reverse("letters:follow_up", args=[letter.pk]), {"body": "Og en til?"}).status_code == 403
    )

    client = as_(editor)
    page = client.get(reverse("letters:publication_edit", args=[letter.pk]))
    assert page.status_code == 200
    client.post(
        reverse("letters:publication_edit", args=[letter.pk]),
        {
            "title": "Kan ikke sove før eksamen",
            "question": "Jeg er så nervøs for eksamen at jeg ikke kan sove.",
            "answer": edited,
            "action": "submit",
        },
    )
    publication = Publication.objects.get(letter=letter)
    assert publication.state == Publication.State.IN_REVIEW
    client = as_(supervisor)
    client.post(
        reverse("letters:publication_review", args=[publication.pk]), {"comment": "", "action": "approve"}
    )
    publication.refresh_from_db()
    assert publication.state == Publication.State.PUBLISHED

    as_(None)
    found = client.get(reverse("letters:archive"), {"q": "sove eksamen"})
    assert "Kan ikke sove før eksamen" in found.content.decode()
    public = client.get(reverse("letters:published", args=[publication.pk])).content.decode()
    assert "8. klasse" not in public  # the original is never public

    done = set(
        AuditEntry.objects.filter(target_id=str(letter.pk), target_type="letters.letter").values_list(
            "action", flat=True
        )
    )
    assert {
        "letters.sent",
        "letters.claimed",
        "letters.read",
        "letters.answer_submitted",
        "letters.answer_returned",
        "letters.answer_edited",
    } <= done
    assert AuditEntry.objects.filter(action="letters.published", target_id=str(publication.pk)).exists()


def test_only_an_approved_answer_reaches_the_writer(letter, counsellor, supervisor, as_):
    services.claim(counsellor=counsellor, letter=letter)
    letter.refresh_from_db()
    services.submit_answer(counsellor=counsellor, letter=letter, body="Et svar der venter")
    page = as_(letter.writer).get(reverse("letters:letter", args=[letter.pk])).content.decode()
    assert "Et svar der venter" not in page


def test_nobody_reviews_their_own_answer(letter, supervisor, colleague):
    services.claim(counsellor=supervisor, letter=letter)
    letter.refresh_from_db()
    services.submit_answer(counsellor=supervisor, letter=letter, body=ANSWER)
    letter.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.review_answer(reviewer=supervisor, answer=letter.answer, approve=True)
    with pytest.raises(PermissionDenied):  # a counsellor is no reviewer
        services.review_answer(reviewer=colleague, answer=letter.answer, approve=True)


def test_returning_an_answer_needs_a_comment(letter, counsellor, supervisor):
    services.claim(counsellor=counsellor, letter=letter)
    letter.refresh_from_db()
    services.submit_answer(counsellor=counsellor, letter=letter, body=ANSWER)
    letter.refresh_from_db()
    with pytest.raises(services.Refused):
        services.review_answer(reviewer=supervisor, answer=letter.answer, approve=False, comment=" ")
    letter.answer.refresh_from_db()
    assert letter.answer.state == Answer.State.SUBMITTED


def test_the_writer_is_told_live_when_the_answer_arrives(letter, counsellor, supervisor):
    with mock.patch("helle.letters.services.send_to_member_on_commit") as send:
        answered(letter, counsellor, supervisor)
    send.assert_called_once_with(letter.writer_id, {"type": "letter.answered", "letter": letter.pk})
