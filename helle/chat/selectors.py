from datetime import timedelta

from django.db.models import Q

from helle.chat.models import Conversation, Message
from helle.core import clock

BACKLOG_LIMIT = 500  # messages sent in one go on (re)connecting; a client asks again for more


def conversation_by_pk(pk: int) -> Conversation | None:
    return Conversation.objects.filter(pk=pk).first()


def messages_after(conversation_id: int, after: int, *, until: int | None = None, limit: int = BACKLOG_LIMIT):
    """Messages with a sequence number above `after` (and at most `until`), oldest first."""
    found = Message.objects.filter(conversation_id=conversation_id, seq__gt=after)
    if until is not None:
        found = found.filter(seq__lte=until)
    return list(found.order_by("seq")[:limit])


def _in_queue(now, rejoin_minutes: int):
    """Waiting, and not gone: left the queue less than `rejoin_minutes` ago, or never."""
    return Conversation.objects.filter(state=Conversation.State.WAITING).filter(
        Q(left_at=None) | Q(left_at__gt=now - timedelta(minutes=rejoin_minutes))
    )


def queue(*, rejoin_minutes: int = 5) -> list[Conversation]:
    """Who waits, in the order they are taken: a crisis first, then whoever came first. A visitor
    who left is skipped while away, but keeps their place for when they come back."""
    now = clock.now()
    return list(_in_queue(now, rejoin_minutes).filter(left_at=None).order_by("-crisis", "created_at", "id"))


def waiting_conversation_of(visitor, *, rejoin_after) -> Conversation | None:
    return (
        Conversation.objects.filter(visitor=visitor, state=Conversation.State.WAITING)
        .filter(Q(left_at=None) | Q(left_at__gt=rejoin_after))
        .order_by("-created_at")
        .first()
    )


def position_in_queue(conversation: Conversation) -> int | None:
    """1 for the next to be taken; None when the conversation no longer waits."""
    order = queue()
    return next((n for n, c in enumerate(order, 1) if c.pk == conversation.pk), None)


def typical_wait(*, days: int = 28) -> timedelta | None:
    """The median time from joining the queue to a counsellor taking the chat, over recent days
    (None with no history: then the page says it cannot tell yet rather than guess)."""
    since = clock.now() - timedelta(days=days)
    waits = sorted(
        started - created
        for created, started in Conversation.objects.filter(started_at__gte=since).values_list(
            "created_at", "started_at"
        )
    )
    return waits[(len(waits) - 1) // 2] if waits else None
