"""Live notifications, sent only after the data they announce is committed.

The database stays the source of truth: an event only tells an open page that
something changed; a page that missed it finds out on its next load.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def member_group(member_id: int) -> str:
    return f"member.{member_id}"


def send_to_member_on_commit(member_id: int, event: dict) -> None:
    def send():
        layer = get_channel_layer()
        async_to_sync(layer.group_send)(member_group(member_id), {"type": "member.event", "event": event})

    transaction.on_commit(send)
