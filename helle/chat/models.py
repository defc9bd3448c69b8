"""Chat: conversations and their messages. The database is the source of truth: every message
has a sequence number within its conversation, given when it is stored, and a client's own id
(`client_msg_id`) that makes a retry harmless. The channel layer only carries news of them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helle.core import clock


class Topic(models.TextChoices):
    """What a chat is about: asked (optionally) before it, and coded by the counsellor after it
    for the impact figures."""

    FEELINGS = "feelings", _("Feelings and mood")
    LONELINESS = "loneliness", _("Loneliness")
    FAMILY = "family", _("Family")
    FRIENDS = "friends", _("Friends")
    LOVE = "love", _("Love and sex")
    BODY = "body", _("Body and health")
    SCHOOL = "school", _("School and work")
    BULLYING = "bullying", _("Bullying")
    VIOLENCE = "violence", _("Violence and abuse")
    SELF_HARM = "self_harm", _("Self-harm")
    SUICIDE = "suicide", _("Thoughts of suicide")
    ONLINE = "online", _("Life online")
    OTHER = "other", _("Something else")


class Conversation(models.Model):
    class Kind(models.TextChoices):
        COUNSELLING = "counselling", _("1:1 counselling")
        GROUP = "group", _("Group chat")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for a counsellor")
        ACTIVE = "active", _("Talking")
        ENDED = "ended", _("Ended")

    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who the young person is, logged in or not: a random key kept in their session, so a
    # visitor without an account can come back to the chat (and nobody else can).
    visitor_key = models.CharField(max_length=64, blank=True, db_index=True)
    alias = models.CharField(max_length=40, blank=True)  # "Anonym 4821", or the member's nickname
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING, db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COUNSELLING)
    # The pre-chat form, all optional: what a counsellor sees before taking the chat.
    age_band = models.CharField(max_length=8, blank=True)
    topic = models.CharField(max_length=80, blank=True, choices=Topic.choices)
    mood = models.PositiveSmallIntegerField(null=True, blank=True)  # how they feel, 1 (bad) to 5 (good)
    left_at = models.DateTimeField(
        null=True, blank=True
    )  # left the queue; back within minutes keeps the place
    last_seq = models.PositiveIntegerField(default=0)  # the newest message's number
    crisis = models.BooleanField(default=False)
    # The counsellor's risk marker: set by hand, shown in the console and the supervisor's view.
    high_risk = models.BooleanField(default=False)
    # When it ended: the counsellor's summary and topic codes (for the impact figures), and the
    # young person's answer to "did this help?" (1-5) with what they wrote.
    summary = models.TextField(blank=True)
    topic_codes = models.JSONField(default=list, blank=True)
    helped = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    transcript_deleted = models.BooleanField(default=False)  # the retention period ran out
    # Continuity: a member asks for the counsellor of an earlier chat (or booked a time with them),
    # and may let the counsellor read the notes and summaries of their earlier chats.
    wanted_counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    share_history = models.BooleanField(default=False)
    # Handing over to another service: words for the young person to take along (they see them).
    handover = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [
            ("observe", "Can follow any chat conversation (supervisors)"),
            ("counsel", "Can take chats from the queue (counsellors)"),
            ("host_room", "Can host group chats (trained peer advisers and counsellors)"),
            ("manage_rooms", "Can plan group chats and choose their hosts"),
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_visitor = models.BooleanField(default=False)  # written by the young person (maybe anonymous)
    # The writer's part when it was written: visitor or counsellor (1:1), host or member (group).
    sender_role = models.CharField(max_length=10, blank=True)
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


class CounsellorStatus(models.Model):
    """Whether a counsellor takes chats now, and how many at once."""

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        BUSY = "busy", _("Busy")
        PAUSE = "pause", _("On a break")

    counsellor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_status"
    )
    availability = models.CharField(max_length=10, choices=Availability.choices, default=Availability.PAUSE)
    capacity = models.PositiveSmallIntegerField(default=2)  # chats at the same time
    since = models.DateTimeField(default=clock.now)  # when the shift (available or busy) began

    def __str__(self) -> str:
        return f"{self.counsellor_id}: {self.availability}"


class StaffNote(models.Model):
    """What staff write about a chat that the young person never sees: the counsellor's notes, a
    supervisor's whisper to the counsellor, and the note that goes with a transfer."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        WHISPER = "whisper", _("Whisper")
        TRANSFER = "transfer", _("Transfer")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on conversation {self.conversation_id}"


class Room(models.Model):
    """A group chat on a theme ("Tuesday group about loneliness"): open in a time window, led by a
    host, open to all or by sign-up, maybe for one age group. Its messages are the messages of
    its conversation, over the same socket and protocol as a 1:1 chat."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, primary_key=True, related_name="room"
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("what it is about"), blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hosted_rooms",
        verbose_name=_("host"),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    sign_up_required = models.BooleanField(_("by sign-up"), default=False)
    age_band = models.CharField(_("age group"), max_length=8, blank=True)  # "" = every age
    slow_mode_seconds = models.PositiveSmallIntegerField(default=0)  # between two messages of one member
    paused = models.BooleanField(default=False)  # only the host writes

    class Meta:
        ordering = ["opens_at"]

    def __str__(self) -> str:
        return self.title


class RoomMember(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=clock.now)
    muted_until = models.DateTimeField(null=True, blank=True)
    removed = models.BooleanField(default=False)  # by the host; cannot join again

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "member"], name="one_membership_per_room")]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.room_id}"


class SavedReply(models.Model):
    """A counsellor's ready words for what comes up again and again ("Hej, jeg hedder ..."). Own,
    or shared with every counsellor (supervisors share them)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # None: shared
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"), max_length=2000)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Booking(models.Model):
    """A time a counsellor offers for a chat, and the member who booked it. At that time the
    member's chat goes straight to that counsellor."""

    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.counsellor_id} at {self.starts_at:%Y-%m-%d %H:%M}"
