"""Chat: conversations and their messages. The database is the source of truth: every message
has a sequence number within its conversation, given when it is stored, and a client's own id
(`client_msg_id`) that makes a retry harmless. The channel layer only carries news of them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helle.core import clock


class Conversation(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for a counsellor")
        ACTIVE = "active", _("Talking")
        ENDED = "ended", _("Ended")

    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING, db_index=True)
    # The pre-chat form, all optional: what a counsellor sees before taking the chat.
    age_band = models.CharField(max_length=8, blank=True)
    topic = models.CharField(max_length=80, blank=True)
    mood = models.PositiveSmallIntegerField(null=True, blank=True)  # how they feel, 1 (bad) to 5 (good)
    left_at = models.DateTimeField(
        null=True, blank=True
    )  # left the queue; back within minutes keeps the place
    last_seq = models.PositiveIntegerField(default=0)  # the newest message's number
    crisis = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("observe", "Can follow any chat conversation (supervisors)")]

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_msg_id = models.CharField(max_length=64)
    body = models.TextField()  # as written; the writer and staff see this
    shown_body = models.TextField(blank=True)  # with contact details masked, for the other side ("" = body)
    crisis = models.BooleanField(default=False)
    held = models.BooleanField(default=False)  # waits for a moderator before the other side sees it
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="one_message_per_seq"),
            models.UniqueConstraint(
                fields=["conversation", "client_msg_id"], name="one_message_per_client_id"
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.seq} in conversation {self.conversation_id}"
