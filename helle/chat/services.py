"""Every write of the chat. A message is stored, numbered and checked by the safety pipeline in
one transaction; the news of it goes out only after commit, so nobody hears of a message that
a crash could still take back."""

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from helle.chat import policies, selectors
from helle.chat.models import (
    Booking,
    Conversation,
    CounsellorStatus,
    Message,
    Room,
    RoomMember,
    SavedReply,
    StaffNote,
    Topic,
)
from helle.core import clock
from helle.core.events import STAFF_ALERTS_GROUP, send_to_group_on_commit, send_to_member_on_commit
from helle.core.services import Refused, record_audit
from helle.core.text import has_control_characters
from helle.identity.models import AgeBand
from helle.safety import services as safety_services
from helle.safety.pipeline import assess
from helle.safety.policy import Action, Surface

MAX_BODY = 2_000  # characters in one chat message
MAX_CLIENT_ID = 64


def conversation_group(conversation_id: int) -> str:
    return f"chat.{conversation_id}"


def new_visitor_key() -> str:
    """The random key that stands for a young person in the chat (kept in their session)."""
    return secrets.token_urlsafe(32)


def alias_for(member) -> str:
    """What the counsellor calls the young person: the member's nickname, or "Anonym 4821"."""
    if member is not None:
        return member.nickname
    return _("Anonymous %(number)s") % {"number": secrets.randbelow(9000) + 1000}


def start_conversation(*, visitor=None, visitor_key: str = "") -> Conversation:
    return Conversation.objects.create(
        visitor=visitor, visitor_key=visitor_key or new_visitor_key(), alias=alias_for(visitor)
    )


def take(*, counsellor, conversation: Conversation) -> Conversation:
    """A counsellor takes a waiting conversation; both sides hear of it at once."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.state != Conversation.State.WAITING:
            raise Refused({"": [_("Another counsellor has taken this conversation.")]})
        conversation.counsellor, conversation.state = counsellor, Conversation.State.ACTIVE
        conversation.started_at = clock.now()
        conversation.save(update_fields=["counsellor", "state", "started_at"])
        _announce_on_commit(conversation.pk, state_event(conversation))
    return conversation


def _check(body: str, client_msg_id: str) -> None:
    if not client_msg_id or len(client_msg_id) > MAX_CLIENT_ID:
        raise Refused({"client_msg_id": [_("Each message needs its own id of at most 64 characters.")]})
    if not body.strip():
        raise Refused({"body": [_("Write something first.")]})
    if len(body) > MAX_BODY:
        raise Refused(
            {"body": [_("A message can be at most %(max)s characters. Split it in two.") % {"max": MAX_BODY}]}
        )
    if has_control_characters(body):
        raise Refused(
            {"body": [_("The message holds characters that cannot be shown. Remove them and send it again.")]}
        )


def post_message(
    *, sender: policies.Participant, conversation: Conversation, client_msg_id: str, body: str
) -> tuple[Message, bool]:
    """Store a message and give it the conversation's next number. A retry with the same
    `client_msg_id` returns the message stored the first time (False: nothing new)."""
    if not policies.can_write(sender, conversation):
        raise Refused({"": [_("This conversation has ended.")]})
    existing = Message.objects.filter(conversation=conversation, client_msg_id=client_msg_id).first()
    if existing is not None:
        return existing, False
    _check(body, client_msg_id)
    if conversation.kind == Conversation.Kind.GROUP:
        _check_room_rules(sender, conversation.room)
    assessment = assess(body, surface=Surface.CHAT, author=sender.member)
    if assessment.action is Action.REFUSE:
        raise Refused({"body": assessment.refusal_messages()})
    try:
        with transaction.atomic():
            # The row lock hands out numbers one at a time, in commit order.
            Conversation.objects.filter(pk=conversation.pk).update(last_seq=F("last_seq") + 1)
            seq, state = Conversation.objects.values_list("last_seq", "state").get(pk=conversation.pk)
            if state == Conversation.State.ENDED:  # ended a moment ago, by the other side
                raise Refused({"": [_("This conversation has ended.")]})
            message = Message.objects.create(
                conversation=conversation,
                seq=seq,
                sender=sender.member,
                from_visitor=sender.role == policies.VISITOR,
                sender_role=sender.role,
                client_msg_id=client_msg_id,
                body=body,
                shown_body=assessment.masked_text() if assessment.decision.masked else "",
                crisis=assessment.is_crisis,
                held=assessment.action is Action.HOLD,
            )
            if assessment.is_crisis and not conversation.crisis:
                Conversation.objects.filter(pk=conversation.pk).update(crisis=True)
                conversation.crisis = True
            safety_services.record(assessment, target=message, author=sender.member)
            _announce_on_commit(conversation.pk, event_for(message))
    except IntegrityError:
        # The same id sent twice at once: the other attempt stored it first.
        return Message.objects.get(conversation=conversation, client_msg_id=client_msg_id), False
    return message, True


def _announce_on_commit(conversation_id: int, event: dict) -> None:
    def send():
        async_to_sync(get_channel_layer().group_send)(conversation_group(conversation_id), event)

    transaction.on_commit(send)


def event_for(message: Message) -> dict:
    """What the channel layer carries: both wordings, so each reader's socket picks its own."""
    return {
        "type": "chat.message",
        "id": message.pk,
        "seq": message.seq,
        "sender": message.sender_id,
        "from_visitor": message.from_visitor,
        "role": message.sender_role or (policies.VISITOR if message.from_visitor else policies.COUNSELLOR),
        # In a group chat everybody sees who wrote (a nickname); a 1:1 chat's sockets leave it out.
        "author": message.sender.nickname if message.sender_id else "",
        "body": message.body,
        "shown_body": message.shown_body,
        "held": message.held,
        "crisis": message.crisis,
        "at": message.created_at.isoformat(),
    }


def state_event(conversation: Conversation) -> dict:
    """News that the conversation changed state (taken, ended): the pages show it at once."""
    return {"type": "chat.state", "state": conversation.state}


def hold_reviewed(message: Message) -> None:
    """A moderator hid the message: the other side no longer sees its words."""
    Message.objects.filter(pk=message.pk).update(held=True)


def release_reviewed(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(held=False)


class QueueFull(Refused):
    """As many wait as the organisation can answer (settings.CHAT_QUEUE_LIMIT)."""


# --- The queue -----------------------------------------------------------------------------------------

REJOIN_MINUTES = 5  # a visitor who left the queue keeps their place this long
MOODS = range(1, 6)


def join_queue(
    *,
    visitor_key: str,
    member=None,
    first_message: str = "",
    age_band: str = "",
    topic: str = "",
    mood: int | None = None,
    wanted_counsellor=None,
    share_history: bool = False,
    booked: bool = False,
) -> Conversation:
    """Wait for a counsellor. A visitor already waiting (or who left less than REJOIN_MINUTES
    ago) gets their place back instead of a new one. A first message the pipeline reads as a
    crisis puts the conversation first in the queue and alerts the staff on duty."""
    if mood is not None and mood not in MOODS:
        raise Refused({"mood": [_("Choose how you feel from 1 to 5.")]})
    if not visitor_key:
        raise ValueError("a visitor needs a key")
    waiting = selectors.waiting_conversation_of(
        member, visitor_key, rejoin_after=clock.now() - timedelta(minutes=REJOIN_MINUTES)
    )
    if waiting is not None:
        if waiting.left_at is not None:
            Conversation.objects.filter(pk=waiting.pk).update(left_at=None)
            waiting.left_at = None
        return waiting
    if selectors.queue_is_full() and not booked:  # a booked time is kept, however full the queue
        raise QueueFull({"": [_("The queue is full right now.")]})
    if first_message.strip():
        _check(first_message, "first")  # before anything is stored: the text goes back to the form
    with transaction.atomic():
        conversation = Conversation.objects.create(
            visitor=member,
            visitor_key=visitor_key,
            alias=alias_for(member),
            age_band=age_band or getattr(member, "age_band", ""),
            topic=topic[:80],
            mood=mood,
            wanted_counsellor=wanted_counsellor if member is not None else None,
            share_history=share_history and member is not None,
        )
        if first_message.strip():
            visitor = policies.Participant(member, policies.VISITOR)
            post_message(sender=visitor, conversation=conversation, client_msg_id="first", body=first_message)
        if topic in CRISIS_TOPICS and not conversation.crisis:
            # Choosing "thoughts of suicide" or "self-harm" in the form is triage enough: first in
            # line, and the staff on duty are told, as when the pipeline reads a crisis.
            Conversation.objects.filter(pk=conversation.pk).update(crisis=True)
            conversation.crisis = True
            send_to_group_on_commit(
                STAFF_ALERTS_GROUP, {"type": "crisis.alert", "item": None, "surface": Surface.CHAT}
            )
    return conversation


CRISIS_TOPICS = {Topic.SUICIDE, Topic.SELF_HARM}


def leave_queue(*, conversation: Conversation) -> None:
    """The visitor closed the page or chose to leave: the place is kept for REJOIN_MINUTES."""
    if conversation.state == Conversation.State.WAITING:
        Conversation.objects.filter(pk=conversation.pk).update(left_at=clock.now())


# --- The counsellor's side ----------------------------------------------------------------------------


def status_of(counsellor) -> CounsellorStatus:
    return CounsellorStatus.objects.get_or_create(counsellor=counsellor)[0]


def set_availability(*, counsellor, availability: str, capacity: int | None = None) -> CounsellorStatus:
    """Available, busy (finishing the chats they have, no new ones) or on a break. A shift starts
    when a counsellor on a break becomes available or busy (for the long-shift warning)."""
    if availability not in CounsellorStatus.Availability.values:
        raise Refused({"availability": [_("Choose available, busy or on a break.")]})
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise Refused({"capacity": [_("Take from 1 to %(max)s chats at a time.") % {"max": MAX_CAPACITY}]})
    status = status_of(counsellor)
    if status.availability == CounsellorStatus.Availability.PAUSE and availability != status.availability:
        status.since = clock.now()
    status.availability = availability
    if capacity is not None:
        status.capacity = capacity
    status.save()
    return status


MAX_CAPACITY = 5  # chats at the same time; more is not counselling any longer


def take_next(*, counsellor) -> Conversation | None:
    """The first conversation in the queue, taken by this counsellor (None when nobody waits).
    Refused when the counsellor is not available or already has as many chats as they take."""
    status = status_of(counsellor)
    if status.availability != CounsellorStatus.Availability.AVAILABLE:
        raise Refused({"": [_("Set yourself as available to take a chat.")]})
    if selectors.active_count(counsellor) >= status.capacity:
        raise Refused(
            {"": [_("You have %(n)s chats already, as many as you take at a time.") % {"n": status.capacity}]}
        )
    for candidate in selectors.queue_for(counsellor):
        try:
            return take(counsellor=counsellor, conversation=candidate)
        except Refused:
            continue  # another counsellor took it a moment ago: try the next
    return None


def end_conversation(*, conversation: Conversation) -> Conversation:
    """Either side ends the chat; the other side is told at once and nothing more can be written."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.state == Conversation.State.ENDED:
            return conversation
        conversation.state, conversation.ended_at = Conversation.State.ENDED, clock.now()
        conversation.save(update_fields=["state", "ended_at"])
        _announce_on_commit(conversation.pk, state_event(conversation))
        if conversation.counsellor_id and (conversation.high_risk or conversation.crisis):
            # Looking after volunteers: a heavy chat ended; the supervisors offer a debrief.
            _tell_supervisors({"type": "chat.debrief", "conversation": conversation.pk})
    return conversation


def _tell_supervisors(event: dict) -> None:
    for supervisor_id in selectors.supervisor_ids():
        send_to_member_on_commit(supervisor_id, event)


def keep_record(
    *, conversation: Conversation, summary: str, topic_codes: list[str], high_risk: bool, handover: str = ""
) -> Conversation:
    """The counsellor's summary, topic codes and risk marker (during the chat or after it)."""
    unknown = set(topic_codes) - set(Topic.values)
    if unknown:
        raise Refused({"topic_codes": [_("Choose the topics from the list.")]})
    if len(summary) > MAX_SUMMARY:
        raise Refused({"summary": [_("A summary can be at most %(max)s characters.") % {"max": MAX_SUMMARY}]})
    newly_at_risk = high_risk and not conversation.high_risk
    conversation.summary, conversation.topic_codes = summary.strip(), sorted(set(topic_codes))
    conversation.high_risk, conversation.handover = high_risk, handover.strip()
    with transaction.atomic():
        conversation.save(update_fields=["summary", "topic_codes", "high_risk", "handover"])
        if newly_at_risk:
            _tell_supervisors({"type": "chat.high_risk", "conversation": conversation.pk})
    return conversation


MAX_SUMMARY = 4_000


def answer_survey(*, conversation: Conversation, helped: int | None, feedback: str) -> Conversation:
    if helped is not None and helped not in MOODS:
        raise Refused({"helped": [_("Choose from 1 to 5.")]})
    if len(feedback) > MAX_SUMMARY:
        raise Refused({"feedback": [_("Write at most %(max)s characters.") % {"max": MAX_SUMMARY}]})
    conversation.helped, conversation.feedback = helped, feedback.strip()
    conversation.save(update_fields=["helped", "feedback"])
    return conversation


# --- Staff notes, transfer and take-over ---------------------------------------------------------------

MAX_NOTE = 2_000


def note_event() -> dict:
    """News for the staff sockets that the notes changed (they draw the list again)."""
    return {"type": "chat.note"}


def add_note(*, author: policies.Participant, conversation: Conversation, body: str) -> StaffNote:
    """A counsellor's note, or a supervisor's whisper: staff see it live, the young person never."""
    if not policies.can_write_note(author, conversation):
        raise Refused({"": [_("Only the staff of this chat can write notes in it.")]})
    if not body.strip():
        raise Refused({"body": [_("Write something first.")]})
    if len(body) > MAX_NOTE:
        raise Refused({"body": [_("A note can be at most %(max)s characters.") % {"max": MAX_NOTE}]})
    kind = StaffNote.Kind.WHISPER if author.role == policies.OBSERVER else StaffNote.Kind.NOTE
    with transaction.atomic():
        note = StaffNote.objects.create(conversation=conversation, author=author.member, kind=kind, body=body)
        _announce_on_commit(conversation.pk, note_event())
    return note


def transfer(*, by: policies.Participant, conversation: Conversation, to, note: str) -> Conversation:
    """Hand a chat to a colleague (or, for a supervisor taking over, to oneself) with a note.
    The young person sees the new name at once; the colleague is told on every page."""
    if not policies.can_counsel(to):
        raise Refused({"to": [_("Choose a colleague who takes chats.")]})
    if len(note) > MAX_NOTE:
        raise Refused({"note": [_("A note can be at most %(max)s characters.") % {"max": MAX_NOTE}]})
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.state == Conversation.State.ENDED:
            raise Refused({"": [_("This conversation has ended.")]})
        if conversation.counsellor_id == to.pk:
            raise Refused({"to": [_("This colleague has the chat already.")]})
        conversation.counsellor = to
        if conversation.state == Conversation.State.WAITING:
            conversation.state, conversation.started_at = Conversation.State.ACTIVE, clock.now()
        conversation.save(update_fields=["counsellor", "state", "started_at"])
        StaffNote.objects.create(
            conversation=conversation, author=by.member, kind=StaffNote.Kind.TRANSFER, body=note.strip()
        )
        _announce_on_commit(conversation.pk, state_event(conversation))
        _announce_on_commit(conversation.pk, note_event())
        if to.pk != by.member_id:
            send_to_member_on_commit(to.pk, {"type": "chat.transferred", "conversation": conversation.pk})
    return conversation


def take_over(*, supervisor: policies.Participant, conversation: Conversation) -> Conversation:
    if not policies.can_take_over(supervisor, conversation):
        raise Refused({"": [_("You cannot take over this chat.")]})
    return transfer(
        by=supervisor,
        conversation=conversation,
        to=supervisor.member,
        note=_("A supervisor took the chat over."),
    )


# --- Keeping and deleting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Housekeeping:
    abandoned: int  # waiting chats whose young person left and did not come back: ended
    transcripts: int  # ended chats whose messages (and the young person's free text) were deleted
    notes: int  # staff notes deleted, and summaries cleared


def delete_old_chats(*, now=None, batch: int = 500, progress=None) -> Housekeeping:
    """What the scheduled task does every night (`manage.py delete_old_chats`):

    - a waiting chat whose young person left more than REJOIN_MINUTES ago ends;
    - an ended chat's transcript goes after settings.CHAT_KEEP_DAYS: its messages and the young
      person's feedback text. The chat's row stays without words (when, how long, topic codes,
      "did it help" 1-5): the impact figures count it;
    - staff notes and the counsellor's summary go after settings.CHAT_NOTES_KEEP_DAYS.

    Works in batches so a large backlog neither holds long locks nor fills memory; `progress`
    is told (done, total) after each batch."""
    now = now or clock.now()
    abandoned = Conversation.objects.filter(
        state=Conversation.State.WAITING, left_at__lt=now - timedelta(minutes=REJOIN_MINUTES)
    ).update(state=Conversation.State.ENDED, ended_at=now)
    # Group chats past their window end; from then on their transcripts count down like any other.
    Conversation.objects.filter(
        kind=Conversation.Kind.GROUP, state=Conversation.State.ACTIVE, room__closes_at__lte=now
    ).update(state=Conversation.State.ENDED, ended_at=now)
    expired = Conversation.objects.filter(
        ended_at__lt=now - timedelta(days=settings.CHAT_KEEP_DAYS), transcript_deleted=False
    )
    ids = list(expired.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic():
            Message.objects.filter(conversation_id__in=chunk).delete()
            Conversation.objects.filter(pk__in=chunk).update(feedback="", transcript_deleted=True)
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    notes_before = now - timedelta(days=settings.CHAT_NOTES_KEEP_DAYS)
    notes, _kinds = StaffNote.objects.filter(created_at__lt=notes_before).delete()
    Conversation.objects.filter(ended_at__lt=notes_before).exclude(summary="").update(summary="")
    return Housekeeping(abandoned=abandoned, transcripts=len(ids), notes=notes)


# --- Group chats -----------------------------------------------------------------------------------------

MAX_SLOW_MODE = 300  # seconds
MAX_MUTE_MINUTES = 24 * 60


def _check_room_rules(sender: policies.Participant, room: Room) -> None:
    """A group chat's own rules for writing, each refused with its reason (the words are kept)."""
    now = clock.now()
    if not room.opens_at <= now < room.closes_at:
        raise Refused(
            {"": [_("The group chat is not open now. It is open %(when)s.") % {"when": _window(room)}]}
        )
    if sender.role == policies.HOST:
        return
    if room.paused:
        raise Refused({"": [_("The host has paused the group chat for a moment. Your words are kept.")]})
    membership = room.members.filter(member=sender.member).first()
    if membership is not None and membership.muted_until and membership.muted_until > now:
        until = timezone.localtime(membership.muted_until).strftime("%H:%M")
        raise Refused({"": [_("The host has paused your writing until %(time)s.") % {"time": until}]})
    if room.slow_mode_seconds:
        last = (
            Message.objects.filter(conversation_id=room.pk, sender=sender.member)
            .order_by("-seq")
            .values_list("created_at", flat=True)
            .first()
        )
        wait = room.slow_mode_seconds - (now - last).total_seconds() if last else 0
        if wait > 0:
            raise Refused(
                {
                    "": [
                        _("Slow mode: you can write again in %(seconds)s seconds.")
                        % {"seconds": math.ceil(wait)}
                    ]
                }
            )


def _window(room: Room) -> str:
    opens, closes = timezone.localtime(room.opens_at), timezone.localtime(room.closes_at)
    return f"{opens:%d.%m. %H:%M}–{closes:%H:%M}"


def _check_room_fields(*, title: str, host, opens_at, closes_at, age_band: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = [_("Give the group chat a title.")]
    if closes_at <= opens_at:
        errors["closes_at"] = [_("A group chat must close after it opens.")]
    if not policies.can_host_rooms(host):
        errors["host"] = [_("Choose a host who is trained to host group chats.")]
    if age_band and age_band not in AgeBand.values:
        errors["age_band"] = [_("Choose an age group from the list.")]
    if errors:
        raise Refused(errors)


def create_room(
    *,
    actor,
    title: str,
    host,
    opens_at,
    closes_at,
    description: str = "",
    sign_up_required: bool = False,
    age_band: str = "",
) -> Room:
    _check_room_fields(title=title, host=host, opens_at=opens_at, closes_at=closes_at, age_band=age_band)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            kind=Conversation.Kind.GROUP, state=Conversation.State.ACTIVE, alias=title[:40], counsellor=host
        )
        room = Room.objects.create(
            conversation=conversation,
            title=title.strip(),
            description=description.strip(),
            host=host,
            opens_at=opens_at,
            closes_at=closes_at,
            sign_up_required=sign_up_required,
            age_band=age_band,
        )
        record_audit(actor=actor, action="chat.room_created", target=room, data={"host": host.pk})
    return room


def update_room(*, actor, room: Room, **fields) -> Room:
    merged = {
        key: fields.get(key, getattr(room, key))
        for key in ("title", "host", "opens_at", "closes_at", "age_band")
    }
    _check_room_fields(**merged)
    with transaction.atomic():
        for key, value in fields.items():
            setattr(room, key, value)
        room.save()
        Conversation.objects.filter(pk=room.pk).update(counsellor=room.host, alias=room.title[:40])
        record_audit(actor=actor, action="chat.room_changed", target=room, data={"fields": sorted(fields)})
        _announce_on_commit(room.pk, {"type": "chat.recheck"})
    return room


def join_room(*, room: Room, member) -> RoomMember:
    """Join (or, before it opens, sign up for) a group chat."""
    if not policies.can_join_room(member, room):
        raise Refused({"": [_("You cannot join this group chat.")]})
    if (
        room.sign_up_required
        and clock.now() >= room.opens_at
        and not room.members.filter(member=member).exists()
    ):
        raise Refused({"": [_("This group chat was by sign-up, and it has started.")]})
    membership, _created = RoomMember.objects.get_or_create(room=room, member=member)
    return membership


def leave_room(*, room: Room, member) -> None:
    RoomMember.objects.filter(room=room, member=member, removed=False).delete()
    _announce_on_commit(room.pk, {"type": "chat.recheck"})


def lead_room(
    *, by: policies.Participant, room: Room, paused: bool | None = None, slow_mode_seconds: int | None = None
) -> Room:
    """The host pauses the room (only the host writes) or sets slow mode; everyone is told at once."""
    if not policies.can_lead_room(by):
        raise Refused({"": [_("Only the host can do that.")]})
    if slow_mode_seconds is not None and not 0 <= slow_mode_seconds <= MAX_SLOW_MODE:
        raise Refused(
            {"slow_mode_seconds": [_("Slow mode is from 0 to %(max)s seconds.") % {"max": MAX_SLOW_MODE}]}
        )
    with transaction.atomic():
        if paused is not None:
            room.paused = paused
        if slow_mode_seconds is not None:
            room.slow_mode_seconds = slow_mode_seconds
        room.save(update_fields=["paused", "slow_mode_seconds"])
        record_audit(
            actor=by.member,
            action="chat.room_led",
            target=room,
            data={"paused": room.paused, "slow_mode_seconds": room.slow_mode_seconds},
        )
        _announce_on_commit(room.pk, room_event(room))
    return room


def room_event(room: Room) -> dict:
    return {"type": "chat.room", "paused": room.paused, "slow_mode_seconds": room.slow_mode_seconds}


def mute(*, by: policies.Participant, room: Room, member, minutes: int, reason: str = "") -> RoomMember:
    if not policies.can_lead_room(by):
        raise Refused({"": [_("Only the host can do that.")]})
    if not 1 <= minutes <= MAX_MUTE_MINUTES:
        raise Refused({"minutes": [_("Pause someone's writing for 1 minute to 24 hours.")]})
    membership = RoomMember.objects.filter(room=room, member=member).first()
    if membership is None:
        raise Refused({"": [_("They are not in this group chat.")]})
    with transaction.atomic():
        membership.muted_until = clock.now() + timedelta(minutes=minutes)
        membership.save(update_fields=["muted_until"])
        record_audit(
            actor=by.member,
            action="chat.member_muted",
            target=room,
            reason=reason,
            data={"member": member.pk, "minutes": minutes},
        )
    return membership


def remove(*, by: policies.Participant, room: Room, member, reason: str = "") -> None:
    """The host removes someone: they leave at once and cannot come back to this room."""
    if not policies.can_lead_room(by):
        raise Refused({"": [_("Only the host can do that.")]})
    if member.pk == room.host_id:
        raise Refused({"": [_("The host cannot be removed.")]})
    with transaction.atomic():
        RoomMember.objects.update_or_create(room=room, member=member, defaults={"removed": True})
        record_audit(
            actor=by.member,
            action="chat.member_removed",
            target=room,
            reason=reason,
            data={"member": member.pk},
        )
        _announce_on_commit(room.pk, {"type": "chat.recheck"})


# --- Saved replies ---------------------------------------------------------------------------------------


def save_reply(
    *, actor, title: str, body: str, shared: bool = False, reply: SavedReply | None = None
) -> SavedReply:
    """A counsellor's own saved reply, or (supervisors) one shared with every counsellor."""
    if shared and not policies.can_share_replies(actor):
        raise Refused({"shared": [_("Only supervisors share saved replies with everyone.")]})
    if reply is not None and not policies.can_edit_reply(actor, reply):
        raise Refused({"": [_("You can change only your own saved replies.")]})
    if not title.strip() or not body.strip():
        raise Refused({"": [_("A saved reply needs a title and a text.")]})
    reply = reply or SavedReply()
    reply.owner = None if shared else actor
    reply.title, reply.body = title.strip()[:80], body.strip()
    reply.save()
    return reply


def delete_reply(*, actor, reply: SavedReply) -> None:
    if not policies.can_edit_reply(actor, reply):
        raise Refused({"": [_("You can change only your own saved replies.")]})
    reply.delete()


# --- Bookings --------------------------------------------------------------------------------------------

MAX_BOOKING_MINUTES = 120
BOOKING_EARLY_MINUTES = 5  # a booked chat can start this much before its time


def offer_time(*, counsellor, starts_at, ends_at) -> Booking:
    if not policies.can_offer_times(counsellor):
        raise Refused({"": [_("Only counsellors offer times for a chat.")]})
    if starts_at <= clock.now():
        raise Refused({"starts_at": [_("Offer a time in the future.")]})
    if not timedelta(0) < ends_at - starts_at <= timedelta(minutes=MAX_BOOKING_MINUTES):
        raise Refused(
            {"ends_at": [_("A booked chat lasts up to %(max)s minutes.") % {"max": MAX_BOOKING_MINUTES}]}
        )
    overlapping = Booking.objects.filter(counsellor=counsellor, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if overlapping.exists():
        raise Refused({"starts_at": [_("You offer a time that overlaps this one already.")]})
    return Booking.objects.create(counsellor=counsellor, starts_at=starts_at, ends_at=ends_at)


def withdraw_time(*, counsellor, booking: Booking) -> None:
    """A counsellor takes back a time nobody has booked (a booked one stays: the member counts on it)."""
    if booking.counsellor_id != counsellor.pk or booking.member_id is not None:
        raise Refused({"": [_("Only a free time of your own can be taken back.")]})
    booking.delete()


def book(*, member, booking: Booking) -> Booking:
    if not policies.can_book(member):
        raise Refused({"": [_("Log in to book a time.")]})
    if selectors.booking_of(member) is not None:
        raise Refused({"": [_("You have a booked time already. Cancel it first to choose another.")]})
    with transaction.atomic():
        booked = Booking.objects.filter(pk=booking.pk, member=None, starts_at__gt=clock.now()).update(
            member=member, booked_at=clock.now()
        )
    if not booked:
        raise Refused({"": [_("Someone booked that time a moment ago. Choose another.")]})
    booking.refresh_from_db()
    return booking


def cancel_booking(*, member, booking: Booking) -> None:
    Booking.objects.filter(pk=booking.pk, member=member).update(member=None, booked_at=None)
