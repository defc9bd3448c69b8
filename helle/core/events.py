"""Live notifications, sent only after the data they announce is committed.

The database stays the source of truth: an event only tells an open page that
something changed; a page that missed it finds out on its next load.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

# Staff who may act on a crisis get its alert on every page they have open.
STAFF_ALERTS_GROUP = "staff.alerts"
STAFF_ALERTS_PERMISSION = "safety.moderate"


def member_group(member_id: int) -> str:
    return f"member.{member_id}"


def send_to_member_on_commit(member_id: int, event: dict) -> None:
    def send():
        layer = get_channel_layer()
        async_to_sync(layer.group_send)(member_group(member_id), {"type": "member.event", "event": event})

    transaction.on_commit(send)


def send_to_group_on_commit(group: str, event: dict) -> None:
    """Tell everyone in a group (e.g. the staff on duty) once the data is committed."""

    def send():
        layer = get_channel_layer()
        async_to_sync(layer.group_send)(group, {"type": "member.event", "event": event})

    transaction.on_commit(send)
