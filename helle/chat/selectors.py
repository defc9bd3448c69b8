from helle.chat.models import Conversation, Message

BACKLOG_LIMIT = 500  # messages sent in one go on (re)connecting; a client asks again for more


def conversation_by_pk(pk: int) -> Conversation | None:
    return Conversation.objects.filter(pk=pk).first()


def messages_after(conversation_id: int, after: int, *, until: int | None = None, limit: int = BACKLOG_LIMIT):
    """Messages with a sequence number above `after` (and at most `until`), oldest first."""
    found = Message.objects.filter(conversation_id=conversation_id, seq__gt=after)
    if until is not None:
        found = found.filter(seq__lte=until)
    return list(found.order_by("seq")[:limit])
