"""Who may do what in the letter box. A letter someone may not read answers 404.

A letter is read by its writer, by the counsellor who holds it (claimed, or whose answer it
is), by supervisors, by whoever reviews a peer adviser's answer, and – once answered, and only
with the writer's consent – by an editor who writes its anonymised version. Nobody else.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from helle.core import clock
from helle.letters.models import Answer, Letter, Publication


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False)


def answers_as_peer(user) -> bool:
    """A peer adviser who may answer where the organisation allows it (and is no counsellor)."""
    return (
        _signed_in(user)
        and settings.LETTER_PEERS_ANSWER
        and not user.has_perm("letters.answer")
        and user.has_perm("letters.answer_as_peer")
    )


def can_answer(user) -> bool:
    return _signed_in(user) and (user.has_perm("letters.answer") or answers_as_peer(user))


def may_use_answer_pages(user) -> bool:
    """Staff pass two-factor log-in on the staff pages; a peer adviser who may answer has no
    second factor, so the answering pages let them in on this check alone."""
    return can_answer(user) or can_review_any(user)


def can_review_any(user) -> bool:
    return _signed_in(user) and (
        user.has_perm("letters.review") or user.has_perm("letters.review_peer_answers")
    )


def is_supervisor(user) -> bool:
    return _signed_in(user) and user.has_perm("letters.review")


def holds(user, letter: Letter) -> bool:
    """The counsellor the letter is assigned to: its claim, or the answer they wrote."""
    if not _signed_in(user):
        return False
    if letter.claimed_by_id == user.pk:
        return True
    return _has_answer(letter) and letter.answer.author_id == user.pk


def _has_answer(letter: Letter) -> bool:
    # The missing reverse one-to-one raises an AttributeError, as the follow-up check below relies on.
    return hasattr(letter, "answer")


def reviews_as_peer(user, letter: Letter) -> bool:
    if not (_signed_in(user) and user.has_perm("letters.review_peer_answers") and _has_answer(letter)):
        return False
    return letter.answer.by_peer and letter.answer.state == Answer.State.SUBMITTED


def edits_for_publication(user, letter: Letter) -> bool:
    return (
        _signed_in(user)
        and user.has_perm("letters.publish")
        and letter.state == Letter.State.ANSWERED
        and letter.may_publish
    )


def can_read_letter(user, letter: Letter) -> bool:
    if not _signed_in(user):
        return False
    return (
        letter.writer_id == user.pk
        or is_supervisor(user)
        or holds(user, letter)
        or reviews_as_peer(user, letter)
        or edits_for_publication(user, letter)
    )


def require_can_read_letter(user, letter: Letter) -> None:
    if not can_read_letter(user, letter):
        raise Http404


def is_writer(user, letter: Letter) -> bool:
    return _signed_in(user) and letter.writer_id == user.pk


def require_is_writer(user, letter: Letter) -> None:
    if not is_writer(user, letter):
        raise Http404


def claim_is_open(letter: Letter) -> bool:
    """No one holds the letter now: it waits, or its holder's claim ran out."""
    if letter.state == Letter.State.WAITING:
        return True
    return (
        letter.state == Letter.State.ANSWERING
        and letter.claim_expires_at is not None
        and letter.claim_expires_at <= clock.now()
    )


def can_claim(user, letter: Letter) -> bool:
    if not can_answer(user) or letter.writer_id == user.pk:
        return False
    if letter.crisis and answers_as_peer(user):
        return False  # a letter in crisis goes to a trained counsellor
    return claim_is_open(letter) or (
        letter.claimed_by_id == user.pk and letter.state == Letter.State.ANSWERING
    )


def require_can_claim(user, letter: Letter) -> None:
    if not can_claim(user, letter):
        raise PermissionDenied(_("Someone else is answering this letter now."))


def can_write_answer(user, letter: Letter) -> bool:
    """The holder writes while the letter is theirs: claimed and not run out, or returned to them."""
    if not can_answer(user) or letter.state != Letter.State.ANSWERING or letter.claimed_by_id != user.pk:
        return False
    return letter.claim_expires_at is None or letter.claim_expires_at > clock.now()


def require_can_write_answer(user, letter: Letter) -> None:
    if not can_write_answer(user, letter):
        raise PermissionDenied(_("This letter is no longer yours to answer. Claim it again from the queue."))


def can_review(user, answer: Answer) -> bool:
    if not _signed_in(user) or answer.state != Answer.State.SUBMITTED or answer.author_id == user.pk:
        return False
    return user.has_perm("letters.review") or (
        answer.by_peer and user.has_perm("letters.review_peer_answers")
    )


def require_can_review(user, answer: Answer) -> None:
    if not can_review(user, answer):
        raise PermissionDenied(_("You cannot review this answer: it is your own, or not waiting for review."))


def can_follow_up(user, letter: Letter) -> bool:
    return (
        is_writer(user, letter)
        and letter.state == Letter.State.ANSWERED
        and not letter.is_follow_up
        and not hasattr(letter, "follow_up")
    )


def require_can_follow_up(user, letter: Letter) -> None:
    if not can_follow_up(user, letter):
        raise PermissionDenied(_("You can send one follow-up to an answered letter."))


def require_can_make_publication(user, letter: Letter) -> None:
    if not edits_for_publication(user, letter):
        raise Http404


def can_approve_publication(user, publication: Publication) -> bool:
    return (
        is_supervisor(user)
        and publication.state == Publication.State.IN_REVIEW
        and publication.editor_id != user.pk
    )


def require_can_approve_publication(user, publication: Publication) -> None:
    if not can_approve_publication(user, publication):
        raise PermissionDenied(_("A second person approves a publication: not the one who wrote it."))


def can_see_statistics(user) -> bool:
    return _signed_in(user) and user.has_perm("letters.view_statistics")


def can_manage_shared_snippets(user) -> bool:
    return is_supervisor(user)
