"""Who may review, sanction and appeal. A thing you may not see answers 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from helle.core.roles import holds_a_role, is_staff
from helle.safety import reviewables

PEER_REASONS = {"flagged", "reported", "held"}
PEER_EXCLUDED_LABELS = {"crisis", "grooming", "concern_for_other"}


def verified_if_staff(user) -> bool:
    # Staff act only after two-factor log-in; peer advisers are not staff. Outside a web
    # request (a management command, a task) there is no log-in, so nothing to verify.
    is_verified = getattr(user, "is_verified", None)
    return not is_staff(user) or is_verified is None or is_verified()


def can_see_queue(user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and holds_a_role(user)  # a plain member moderates nothing: no permission queries
        and verified_if_staff(user)
        and (user.has_perm("safety.moderate") or user.has_perm("safety.moderate_as_peer"))
    )


def can_review(user, item) -> bool:
    if not can_see_queue(user):
        return False
    if not reviewables.may_read(user, item.target_type, item.target_id):
        return False  # private content (a letter) for those its own rules let read it
    if user.has_perm("safety.moderate"):
        return True
    # Peer advisers handle the low-risk part of the queue; crisis and grooming go to staff.
    labels = {f.get("label") for f in item.findings.get("findings", [])}
    return item.reason in PEER_REASONS and item.severity < 3 and not labels & PEER_EXCLUDED_LABELS


def require_can_review(user, item) -> None:
    if not can_review(user, item):
        raise Http404


def can_sanction(user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and verified_if_staff(user)
        and user.has_perm("safety.give_sanctions")
    )


def require_can_sanction(user, member) -> None:
    if not can_sanction(user):
        raise Http404
    if user.pk == member.pk:
        raise PermissionDenied(_("You cannot sanction yourself."))


def require_can_appeal(member, statement) -> None:
    if statement.member_id != member.pk:
        raise Http404
    if hasattr(statement, "appeal"):
        raise PermissionDenied(_("You have already appealed this decision."))


def require_can_decide_appeal(user, appeal) -> None:
    if not can_sanction(user):
        raise Http404
    if user.pk == appeal.statement.sanction.issued_by_id:
        raise PermissionDenied(_("Another moderator must look at this appeal."))
