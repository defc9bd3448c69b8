"""Who may do what in the chat. Someone who may not read a conversation is told it does not exist.

A conversation has three kinds of reader: the young person (the *visitor*, logged in or not:
an anonymous visitor is known by the random key in their session), the counsellor who took it,
and supervisors, who may follow any conversation (*observer*)."""

from dataclasses import dataclass

from django.utils.crypto import constant_time_compare

from helle.chat.models import Conversation

VISITOR, COUNSELLOR, OBSERVER = "visitor", "counsellor", "observer"
HOST, MEMBER = "host", "member"  # in a group chat
VISITOR_KEY = "chat_visitor"  # the session's key for the young person (set by the chat pages)


@dataclass(frozen=True)
class Participant:
    member: object | None  # None: a visitor without an account
    role: str

    @property
    def member_id(self) -> int | None:
        return self.member.pk if self.member is not None else None


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False)


def _is_visitor(member, visitor_key: str | None, conversation: Conversation) -> bool:
    if member is not None and conversation.visitor_id == member.pk:
        return True
    return bool(visitor_key and conversation.visitor_key) and constant_time_compare(
        visitor_key, conversation.visitor_key
    )


def participant(user, visitor_key: str | None, conversation: Conversation) -> Participant | None:
    """How `user` (with the chat key of their session) takes part, or None: not at all."""
    member = user if _signed_in(user) else None
    if conversation.kind == Conversation.Kind.GROUP:
        return _in_room(member, conversation)
    if _is_visitor(member, visitor_key, conversation):
        return Participant(member, VISITOR)
    if member is not None and member.pk == conversation.counsellor_id:
        return Participant(member, COUNSELLOR)
    if can_observe(member, conversation):
        return Participant(member, OBSERVER)
    return None


def _in_room(member, conversation: Conversation) -> Participant | None:
    """A group chat: its host, its members (not removed), and supervisors following silently."""
    if member is None:
        return None
    room = conversation.room
    if member.pk == room.host_id:
        return Participant(member, HOST)
    if room.members.filter(member=member, removed=False).exists():
        return Participant(member, MEMBER)
    if can_observe(member, conversation):
        return Participant(member, OBSERVER)
    return None


def can_counsel(user) -> bool:
    """Counsellors and supervisors take chats from the queue."""
    return _signed_in(user) and user.has_perm("chat.counsel")


def can_observe(user, conversation: Conversation | None = None) -> bool:
    """Supervisors may follow any conversation and see every waiting one."""
    return _signed_in(user) and user.has_perm("chat.observe")


def can_write(who: Participant | None, conversation: Conversation) -> bool:
    """May write at all; a group chat's own rules (open hours, pause, mute, slow mode) come on top
    and are explained by the service when it refuses."""
    return (
        who is not None
        and who.role in (VISITOR, COUNSELLOR, HOST, MEMBER)
        and conversation.state != Conversation.State.ENDED
    )


def can_end(who: Participant | None, conversation: Conversation) -> bool:
    return who is not None and who.role in (VISITOR, COUNSELLOR) and can_write(who, conversation)


def can_leave_queue(who: Participant | None, conversation: Conversation) -> bool:
    return who is not None and who.role == VISITOR and conversation.state == Conversation.State.WAITING


def can_answer_survey(who: Participant | None, conversation: Conversation) -> bool:
    return who is not None and who.role == VISITOR and conversation.state == Conversation.State.ENDED


def can_keep_record(who: Participant | None, conversation: Conversation) -> bool:
    """The risk marker, the summary and the topic codes: the counsellor's, during and after."""
    return who is not None and who.role == COUNSELLOR


def can_write_note(who: Participant | None, conversation: Conversation) -> bool:
    """The counsellor's notes, and a supervisor's whisper to the counsellor (never to the young)."""
    return who is not None and who.role in (COUNSELLOR, OBSERVER)


def can_read_notes(who: Participant | None, conversation: Conversation) -> bool:
    return can_write_note(who, conversation)


def can_transfer(who: Participant | None, conversation: Conversation) -> bool:
    """The counsellor hands the chat to a colleague; a supervisor may move it too."""
    return (
        who is not None
        and who.role in (COUNSELLOR, OBSERVER)
        and conversation.state == Conversation.State.ACTIVE
    )


def can_take_over(who: Participant | None, conversation: Conversation) -> bool:
    """A supervisor takes a chat over from its counsellor, or straight from the queue."""
    return (
        who is not None
        and who.role == OBSERVER
        and conversation.state != Conversation.State.ENDED
        and who.member_id != conversation.counsellor_id
    )


def may_read_message(user, message) -> bool:
    """Who may see a chat message in the review queue: its chat's counsellor and supervisors."""
    who = participant(user, None, message.conversation)
    return who is not None and who.role in (COUNSELLOR, OBSERVER)


# --- Group chats ------------------------------------------------------------------------------------


def can_host_rooms(user) -> bool:
    return _signed_in(user) and user.has_perm("chat.host_room")


def can_manage_rooms(user) -> bool:
    return _signed_in(user) and user.has_perm("chat.manage_rooms")


def can_see_room(user, room) -> bool:
    """Every group chat is listed for everyone (logged in or not) in its age group; staff see all."""
    if can_manage_rooms(user) or (_signed_in(user) and user.pk == room.host_id):
        return True
    age_band = getattr(user, "age_band", "") if _signed_in(user) else ""
    return not room.age_band or not age_band or age_band == room.age_band


def can_join_room(user, room) -> bool:
    """A member of the room's age group joins (or signs up) until it closes, unless removed."""
    if not _signed_in(user) or room.conversation.state == Conversation.State.ENDED:
        return False
    if room.age_band and user.age_band != room.age_band:
        return False
    return not room.members.filter(member=user, removed=True).exists()


def can_lead_room(who: Participant | None) -> bool:
    """Mute, remove, slow mode and pause: the host, and supervisors."""
    return who is not None and who.role in (HOST, OBSERVER)


# --- Saved replies and bookings ----------------------------------------------------------------------


def can_share_replies(user) -> bool:
    """Supervisors keep the shared saved replies."""
    return can_observe(user)


def can_edit_reply(user, reply) -> bool:
    if reply.owner_id is None:
        return can_share_replies(user)
    return _signed_in(user) and reply.owner_id == user.pk


def can_book(user) -> bool:
    """A logged-in member books a time with a counsellor (the booking needs an account to keep)."""
    return _signed_in(user)


def can_offer_times(user) -> bool:
    return can_counsel(user)


def may_report_message(user, message) -> bool:
    """Someone it was written to reports it: a member or host of its group chat, never the writer.
    (In a 1:1 chat the counsellor acts on the spot and the young person ends the chat.)"""
    if message.sender_id is not None and getattr(user, "pk", None) == message.sender_id:
        return False
    who = participant(user, None, message.conversation)
    return who is not None and who.role in (HOST, MEMBER)
