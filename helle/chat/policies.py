"""Who may read and write in a conversation. Someone who may not is told it does not exist."""

from helle.chat.models import Conversation


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False)


def is_participant(user, conversation: Conversation) -> bool:
    return _signed_in(user) and user.pk in (conversation.visitor_id, conversation.counsellor_id)


def can_observe(user, conversation: Conversation) -> bool:
    """Supervisors may follow any conversation (the supervisor view builds on this)."""
    return _signed_in(user) and user.has_perm("chat.observe")


def can_join(user, conversation: Conversation) -> bool:
    return is_participant(user, conversation) or can_observe(user, conversation)


def can_write(user, conversation: Conversation) -> bool:
    return is_participant(user, conversation) and conversation.state != Conversation.State.ENDED
