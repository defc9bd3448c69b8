"""Every write of the letter box. Each use case is one transaction with its audit row; the
writer's words pass the safety pipeline with the letters policy before they are stored.

The path of a letter: sent (waiting) → claimed by a counsellor (answering; the claim runs out
after LETTER_CLAIM_HOURS without work) → answer submitted (in review) → approved, perhaps
edited, by a second person (answered: the writer is told) or returned with comments
(answering again). With the writer's consent an editor then writes an anonymised version,
a second person approves it and it is published.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from helle.core import clock
from helle.core.events import send_to_member_on_commit
from helle.core.services import Refused, record_audit
from helle.letters import policies, selectors
from helle.letters.models import Answer, Draft, Letter, Publication, Review, Snippet, Topic
from helle.safety import services as safety_services
from helle.safety.pipeline import assess
from helle.safety.policy import Action, Surface

MAX_OPEN_LETTERS = 3  # letters one writer may have waiting at once: the queue is for everybody
NEW_LETTER = "new"


def follow_up_key(letter: Letter) -> str:
    return f"follow-up:{letter.pk}"


# --- Topics (staff) -------------------------------------------------------------------------------------


def save_topic(*, actor, topic: Topic) -> Topic:
    created = topic.pk is None
    if not topic.slug:
        base = (
            slugify(topic.name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))[:70]
            or "emne"
        )
        topic.slug, number = base, 2
        while Topic.objects.filter(slug=topic.slug).exists():
            topic.slug, number = f"{base}-{number}", number + 1
    with transaction.atomic():
        topic.save()
        record_audit(
            actor=actor,
            action="letters.topic_created" if created else "letters.topic_changed",
            target=topic,
            data={"name": topic.name},
        )
    return topic


# --- Writing -----------------------------------------------------------------------------------------


def save_draft(*, member, key: str, body: str, topic: Topic | None = None) -> Draft | None:
    """Keep what a member is writing. An emptied text removes the draft."""
    if not body.strip():
        Draft.objects.filter(member=member, key=key).delete()
        return None
    draft, _created = Draft.objects.update_or_create(
        member=member, key=key, defaults={"body": body, "topic": topic, "updated_at": clock.now()}
    )
    return draft


def send_letter(
    *, writer, topic: Topic, body: str, may_publish: bool = False, follow_up_to: Letter | None = None
) -> Letter:
    """A letter into the queue. A crisis goes first in the queue, staff on duty are alerted at
    once and the writer is shown help (the view does that from `letter.crisis`)."""
    if follow_up_to is not None:
        policies.require_can_follow_up(writer, follow_up_to)
        topic = follow_up_to.topic
    elif selectors.open_letters_of(writer) >= MAX_OPEN_LETTERS:
        raise Refused(
            {
                "body": [
                    _(
                        "You already have %(count)s letters waiting for an answer. You can send a new one "
                        "when one of them is answered. Your text is kept here."
                    )
                    % {"count": MAX_OPEN_LETTERS}
                ]
            }
        )
    assessment = assess(body, surface=Surface.LETTER, author=writer)
    if assessment.action is Action.REFUSE:
        raise Refused({"body": assessment.refusal_messages()})
    with transaction.atomic():
        letter = Letter.objects.create(
            writer=writer,
            topic=topic,
            age_band=writer.age_band,
            body=body,
            follow_up_to=follow_up_to,
            crisis=assessment.is_crisis,
            severity=assessment.severity if assessment.findings else 0,
            may_publish=may_publish and follow_up_to is None,
        )
        safety_services.record(assessment, target=letter, author=writer)
        key = follow_up_key(follow_up_to) if follow_up_to is not None else NEW_LETTER
        Draft.objects.filter(member=writer, key=key).delete()
        record_audit(
            actor=writer,
            action="letters.sent",
            target=letter,
            data={"topic": topic.slug, "crisis": letter.crisis, "follow_up": follow_up_to is not None},
        )
    return letter


# --- Answering ---------------------------------------------------------------------------------------


def _claim_until():
    return clock.now() + timedelta(hours=settings.LETTER_CLAIM_HOURS)


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().get(pk=letter.pk)


def claim(*, counsellor, letter: Letter) -> Letter:
    """Take a letter to answer. A draft an earlier holder left stays with the letter."""
    with transaction.atomic():
        letter = _locked(letter)
        policies.require_can_claim(counsellor, letter)
        letter.claimed_by = counsellor
        letter.claim_expires_at = _claim_until()
        letter.state = Letter.State.ANSWERING
        letter.save(update_fields=["claimed_by", "claim_expires_at", "state"])
        answer, _created = Answer.objects.get_or_create(letter=letter)
        answer.author = counsellor
        answer.by_peer = policies.answers_as_peer(counsellor)
        answer.state = Answer.State.RETURNED if answer.reviews.exists() else Answer.State.DRAFT
        answer.save()
        record_audit(actor=counsellor, action="letters.claimed", target=letter)
    return letter


def release(*, counsellor, letter: Letter) -> Letter:
    """Give a letter back to the queue; the draft stays for whoever claims it next."""
    with transaction.atomic():
        letter = _locked(letter)
        policies.require_can_write_answer(counsellor, letter)
        letter.claimed_by, letter.claim_expires_at, letter.state = None, None, Letter.State.WAITING
        letter.save(update_fields=["claimed_by", "claim_expires_at", "state"])
        record_audit(actor=counsellor, action="letters.released", target=letter)
    return letter


def save_answer(*, counsellor, letter: Letter, body: str) -> Answer:
    """Keep the answer being written; working on it keeps the claim alive."""
    with transaction.atomic():
        letter = _locked(letter)
        policies.require_can_write_answer(counsellor, letter)
        letter.claim_expires_at = _claim_until()
        letter.save(update_fields=["claim_expires_at"])
        answer = letter.answer
        answer.body, answer.updated_at = body, clock.now()
        answer.save(update_fields=["body", "updated_at"])
    return answer


def submit_answer(*, counsellor, letter: Letter, body: str) -> Answer:
    """Hand the answer to the second pair of eyes. Nothing reaches the writer before approval."""
    if not body.strip():
        raise Refused({"body": [_("Write the answer before you send it for review.")]})
    with transaction.atomic():
        letter = _locked(letter)
        policies.require_can_write_answer(counsellor, letter)
        now = clock.now()
        letter.state, letter.claim_expires_at = Letter.State.IN_REVIEW, None
        letter.save(update_fields=["state", "claim_expires_at"])
        answer = letter.answer
        answer.body, answer.state, answer.submitted_at, answer.updated_at = (
            body,
            Answer.State.SUBMITTED,
            now,
            now,
        )
        answer.save()
        record_audit(actor=counsellor, action="letters.answer_submitted", target=letter)
    return answer


def review_answer(*, reviewer, answer: Answer, approve: bool, body: str = "", comment: str = "") -> Review:
    """Approve (with `body` when the reviewer changed the wording: the change is kept and shown
    as a difference) or return with a comment. Approval delivers the answer to the writer."""
    with transaction.atomic():
        answer = Answer.objects.select_for_update().select_related("letter").get(pk=answer.pk)
        policies.require_can_review(reviewer, answer)
        letter = answer.letter
        submitted = answer.body
        if not approve and not comment.strip():
            raise Refused(
                {"comment": [_("Say what should change, so the writer of the answer can revise it.")]}
            )
        if approve:
            final = body if body.strip() else submitted
            outcome = Review.Outcome.APPROVED if final == submitted else Review.Outcome.EDITED
            _deliver(letter, answer, final)
        else:
            final, outcome = submitted, Review.Outcome.RETURNED
            answer.state = Answer.State.RETURNED
            answer.save(update_fields=["state"])
            letter.state, letter.claimed_by_id = Letter.State.ANSWERING, answer.author_id
            letter.claim_expires_at = None  # returned work stays with its writer until they submit
            letter.save(update_fields=["state", "claimed_by", "claim_expires_at"])
        review = Review.objects.create(
            answer=answer,
            reviewer=reviewer,
            outcome=outcome,
            comment=comment,
            body_before=submitted,
            body_after=final,
        )
        record_audit(actor=reviewer, action=f"letters.answer_{outcome}", target=letter, reason=comment)
    return review


def _deliver(letter: Letter, answer: Answer, body: str) -> None:
    now = clock.now()
    answer.body, answer.state, answer.updated_at = body, Answer.State.APPROVED, now
    answer.save(update_fields=["body", "state", "updated_at"])
    letter.state, letter.answered_at, letter.claim_expires_at = Letter.State.ANSWERED, now, None
    letter.save(update_fields=["state", "answered_at", "claim_expires_at"])
    _forget_unread(letter.writer_id)
    send_to_member_on_commit(letter.writer_id, {"type": "letter.answered", "letter": letter.pk})


def _forget_unread(member_id: int) -> None:
    """The menu's count of new answers is cached: forget it now, and again after commit, so a page
    drawn in between does not keep the old number for a minute."""
    key = selectors.unread_key(member_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def note_staff_read(*, reader, letter: Letter) -> None:
    """Every time someone other than the writer opens a letter, the audit log says who."""
    record_audit(actor=reader, action="letters.read", target=letter)


def save_snippet(*, actor, snippet: Snippet, shared: bool = False) -> Snippet:
    snippet.owner = None if shared and policies.can_manage_shared_snippets(actor) else actor
    snippet.save()
    return snippet


def delete_snippet(*, actor, snippet: Snippet) -> None:
    if selectors.snippet_for(actor, snippet.pk) is None:
        raise PermissionError("not this user's snippet")
    snippet.delete()


# --- The writer after the answer -----------------------------------------------------------------------


def mark_answer_read(*, writer, letter: Letter) -> None:
    if (
        policies.is_writer(writer, letter)
        and letter.state == Letter.State.ANSWERED
        and letter.answer_read_at is None
    ):
        letter.answer_read_at = clock.now()
        letter.save(update_fields=["answer_read_at"])
        _forget_unread(writer.pk)


def say_if_helped(*, writer, letter: Letter, helped: bool) -> Letter:
    policies.require_is_writer(writer, letter)
    if letter.state != Letter.State.ANSWERED:
        raise Refused({"helped": [_("You can say this once your letter is answered.")]})
    letter.helped, letter.helped_at = helped, clock.now()
    letter.save(update_fields=["helped", "helped_at"])
    return letter


def set_consent(*, writer, letter: Letter, may_publish: bool) -> Letter:
    """The writer says yes or no to an anonymised version. No, before publication, stops the work
    on it; no, after publication, takes it down at once (the writer's right to ask for removal)."""
    policies.require_is_writer(writer, letter)
    with transaction.atomic():
        letter = _locked(letter)
        letter.may_publish, letter.consent_changed_at = may_publish and not letter.is_follow_up, clock.now()
        letter.save(update_fields=["may_publish", "consent_changed_at"])
        if not letter.may_publish:
            publication = selectors.publication_of(letter)
            if publication is not None and publication.state != Publication.State.REMOVED:
                publication.state, publication.updated_at = Publication.State.REMOVED, clock.now()
                publication.save(update_fields=["state", "updated_at"])
        record_audit(
            actor=writer,
            action="letters.consent_given" if letter.may_publish else "letters.consent_withdrawn",
            target=letter,
        )
    return letter


# --- Publication --------------------------------------------------------------------------------------


def save_publication(
    *, editor, letter: Letter, title: str, question: str, answer: str, submit: bool
) -> Publication:
    """The anonymised version, kept as a draft or sent for approval."""
    with transaction.atomic():
        letter = _locked(letter)
        policies.require_can_make_publication(editor, letter)
        publication = selectors.publication_of(letter) or Publication(letter=letter, topic=letter.topic)
        publication.title, publication.question, publication.answer = title, question, answer
        publication.editor, publication.updated_at = editor, clock.now()
        publication.state = Publication.State.IN_REVIEW if submit else Publication.State.DRAFT
        publication.save()
        record_audit(
            actor=editor,
            action="letters.publication_submitted" if submit else "letters.publication_saved",
            target=publication,
        )
    return publication


def review_publication(
    *, reviewer, publication: Publication, approve: bool, comment: str = ""
) -> Publication:
    with transaction.atomic():
        publication = Publication.objects.select_for_update().get(pk=publication.pk)
        policies.require_can_approve_publication(reviewer, publication)
        letter = publication.letter
        if approve and letter is not None and not letter.may_publish:
            raise Refused({"": [_("The writer has withdrawn their consent. It cannot be published.")]})
        if not approve and not comment.strip():
            raise Refused({"comment": [_("Say what should change before it can be published.")]})
        now = clock.now()
        if approve:
            publication.state, publication.approved_by, publication.published_at = (
                Publication.State.PUBLISHED,
                reviewer,
                now,
            )
        else:
            publication.state = Publication.State.DRAFT
        publication.updated_at = now
        publication.save()
        record_audit(
            actor=reviewer,
            action="letters.published" if approve else "letters.publication_returned",
            target=publication,
            reason=comment,
        )
    return publication


def remove_publication(*, actor, publication: Publication, reason: str) -> Publication:
    with transaction.atomic():
        publication.state, publication.updated_at = Publication.State.REMOVED, clock.now()
        publication.save(update_fields=["state", "updated_at"])
        record_audit(actor=actor, action="letters.publication_removed", target=publication, reason=reason)
    return publication
