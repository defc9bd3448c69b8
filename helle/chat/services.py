"""Every write of the chat. A message is stored, numbered and checked by the safety pipeline in
one transaction; the news of it goes out only after commit, so nobody hears of a message that
a crash could still take back."""

from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from helle.chat import policies, selectors
from helle.chat.models import Conversation, Message
from helle.core import clock
from helle.core.services import Refused
from helle.core.text import has_control_characters
from helle.safety import services as safety_services
from helle.safety.pipeline import assess
from helle.safety.policy import Action, Surface

MAX_BODY = 2_000  # characters in one chat message
MAX_CLIENT_ID = 64


def conversation_group(conversation_id: int) -> str:
    return f"chat.{conversation_id}"


def start_conversation(*, visitor) -> Conversation:
    return Conversation.objects.create(visitor=visitor)


def take(*, counsellor, conversation: Conversation) -> Conversation:
    """A counsellor takes a waiting conversation (the queue and console build on this)."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.state != Conversation.State.WAITING:
            raise Refused({"": [_("Another counsellor has taken this conversation.")]})
        conversation.counsellor, conversation.state = counsellor, Conversation.State.ACTIVE
        conversation.started_at = clock.now()
        conversation.save(update_fields=["counsellor", "state", "started_at"])
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
    *, sender, conversation: Conversation, client_msg_id: str, body: str
) -> tuple[Message, bool]:
    """Store a message and give it the conversation's next number. A retry with the same
    `client_msg_id` returns the message stored the first time (False: nothing new)."""
    if not policies.can_write(sender, conversation):
        raise Refused({"": [_("This conversation has ended.")]})
    existing = Message.objects.filter(conversation=conversation, client_msg_id=client_msg_id).first()
    if existing is not None:
        return existing, False
    _check(body, client_msg_id)
    assessment = assess(body, surface=Surface.CHAT, author=sender)
    if assessment.action is Action.REFUSE:
        raise Refused({"body": assessment.refusal_messages()})
    try:
        with transaction.atomic():
            # The row lock hands out numbers one at a time, in commit order.
            Conversation.objects.filter(pk=conversation.pk).update(last_seq=F("last_seq") + 1)
            seq = Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation.pk)
            message = Message.objects.create(
                conversation=conversation,
                seq=seq,
                sender=sender,
                client_msg_id=client_msg_id,
                body=body,
                shown_body=assessment.masked_text() if assessment.decision.masked else "",
                crisis=assessment.is_crisis,
                held=assessment.action is Action.HOLD,
            )
            if assessment.is_crisis and not conversation.crisis:
                Conversation.objects.filter(pk=conversation.pk).update(crisis=True)
            safety_services.record(assessment, target=message, author=sender)
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
        "seq": message.seq,
        "sender": message.sender_id,
        "body": message.body,
        "shown_body": message.shown_body,
        "held": message.held,
        "at": message.created_at.isoformat(),
    }


def hold_reviewed(message: Message) -> None:
    """A moderator hid the message: the other side no longer sees its words."""
    Message.objects.filter(pk=message.pk).update(held=True)


def release_reviewed(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(held=False)


# --- The queue -----------------------------------------------------------------------------------------

REJOIN_MINUTES = 5  # a visitor who left the queue keeps their place this long
MOODS = range(1, 6)


def join_queue(
    *, visitor, first_message: str = "", age_band: str = "", topic: str = "", mood: int | None = None
):
    """Wait for a counsellor. A visitor already waiting (or who left less than REJOIN_MINUTES
    ago) gets their place back instead of a new one. A first message the pipeline reads as a
    crisis puts the conversation first in the queue and alerts the staff on duty."""
    if mood is not None and mood not in MOODS:
        raise Refused({"mood": [_("Choose how you feel from 1 to 5.")]})
    waiting = selectors.waiting_conversation_of(
        visitor, rejoin_after=clock.now() - timedelta(minutes=REJOIN_MINUTES)
    )
    if waiting is not None:
        if waiting.left_at is not None:
            Conversation.objects.filter(pk=waiting.pk).update(left_at=None)
            waiting.left_at = None
        return waiting
    conversation = Conversation.objects.create(
        visitor=visitor, age_band=age_band or getattr(visitor, "age_band", ""), topic=topic[:80], mood=mood
    )
    if first_message.strip():
        message, _created = post_message(
            sender=visitor, conversation=conversation, client_msg_id="first", body=first_message
        )
        conversation.crisis = message.crisis
    return conversation


def leave_queue(*, visitor, conversation: Conversation) -> None:
    """The visitor closed the page or chose to leave: the place is kept for REJOIN_MINUTES."""
    if conversation.visitor_id == visitor.pk and conversation.state == Conversation.State.WAITING:
        Conversation.objects.filter(pk=conversation.pk).update(left_at=clock.now())


def take_next(*, counsellor) -> Conversation | None:
    """The first conversation in the queue, taken by this counsellor (None when nobody waits)."""
    for candidate in selectors.queue():
        try:
            return take(counsellor=counsellor, conversation=candidate)
        except Refused:
            continue  # another counsellor took it a moment ago: try the next
    return None
