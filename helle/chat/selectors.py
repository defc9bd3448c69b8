from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import F, Q, Sum

from helle.chat import policies
from helle.chat.models import (
    Booking,
    Conversation,
    CounsellorStatus,
    Message,
    Room,
    RoomMember,
    SavedReply,
    StaffNote,
)
from helle.core import clock

BACKLOG_LIMIT = 500  # messages sent in one go on (re)connecting; a client asks again for more


def conversation_by_pk(pk: int) -> Conversation | None:
    return Conversation.objects.filter(pk=pk).first()


def messages_after(conversation_id: int, after: int, *, until: int | None = None, limit: int = BACKLOG_LIMIT):
    """Messages with a sequence number above `after` (and at most `until`), oldest first."""
    found = Message.objects.filter(conversation_id=conversation_id, seq__gt=after).select_related("sender")
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


def _of_visitor(member, visitor_key: str | None):
    """The conversations of a young person: by account when logged in, else by session key."""
    if member is not None and getattr(member, "is_authenticated", False):
        return Conversation.objects.filter(Q(visitor=member) | Q(visitor_key=visitor_key or "-"))
    return Conversation.objects.filter(visitor_key=visitor_key or "-", visitor_key__gt="")


def waiting_conversation_of(member, visitor_key: str | None, *, rejoin_after) -> Conversation | None:
    return (
        _of_visitor(member, visitor_key)
        .filter(state=Conversation.State.WAITING)
        .filter(Q(left_at=None) | Q(left_at__gt=rejoin_after))
        .order_by("-created_at")
        .first()
    )


def open_conversation_of(member, visitor_key: str | None) -> Conversation | None:
    """The young person's chat that is still going (waiting or talking), if any."""
    return (
        _of_visitor(member, visitor_key)
        .exclude(state=Conversation.State.ENDED)
        .order_by("-created_at")
        .first()
    )


def _counselling():
    """1:1 chats only: a group chat has a host, not a counsellor's place."""
    return Conversation.objects.filter(kind=Conversation.Kind.COUNSELLING)


def active_count(counsellor) -> int:
    return _counselling().filter(counsellor=counsellor, state=Conversation.State.ACTIVE).count()


def active_of(counsellor) -> list[Conversation]:
    """The counsellor's chats now, oldest first (the order of the panes in the console)."""
    return list(
        _counselling()
        .filter(counsellor=counsellor, state=Conversation.State.ACTIVE)
        .order_by("started_at", "id")
    )


def ended_without_record(counsellor, *, limit: int = 10) -> list[Conversation]:
    """Ended chats whose summary the counsellor has still to write, newest first."""
    return list(
        _counselling()
        .filter(counsellor=counsellor, state=Conversation.State.ENDED, summary="")
        .order_by("-ended_at")[:limit]
    )


def all_open() -> list[Conversation]:
    """Every waiting and active chat, for the supervisor: crises first, then the longest waiting."""
    return list(
        _counselling()
        .exclude(state=Conversation.State.ENDED)
        .select_related("counsellor")
        .order_by("-crisis", "created_at", "id")
    )


def first_message_of(conversation: Conversation) -> Message | None:
    return conversation.messages.filter(seq=1).first()


def position_in_queue(conversation: Conversation) -> int | None:
    """1 for the next to be taken; None when the conversation no longer waits."""
    order = queue()
    return next((n for n, c in enumerate(order, 1) if c.pk == conversation.pk), None)


def typical_wait(*, days: int = 28) -> timedelta | None:
    """The median time from joining the queue to a counsellor taking the chat, over recent days
    (None with no history: then the page says it cannot tell yet rather than guess)."""
    since = clock.now() - timedelta(days=days)
    return _median(
        [
            started - created
            for created, started in Conversation.objects.filter(started_at__gte=since).values_list(
                "created_at", "started_at"
            )
        ]
    )


def _median(values: list[timedelta]) -> timedelta | None:
    values = sorted(values)
    return values[(len(values) - 1) // 2] if values else None


def free_places() -> int:
    """How many more chats the available counsellors can take now."""
    places = 0
    for status in CounsellorStatus.objects.filter(availability=CounsellorStatus.Availability.AVAILABLE):
        places += max(0, status.capacity - active_count(status.counsellor_id))
    return places


def estimated_wait(position: int, *, days: int = 28) -> timedelta | None:
    """An honest guess of how long someone at `position` waits: with a free place, nearly
    nothing; else the chats ahead, shared between the counsellors on duty, each taking the
    median chat length of recent weeks. None when there is no history to guess from."""
    if position <= free_places():
        return timedelta(0)
    since = clock.now() - timedelta(days=days)
    length = _median(
        [
            ended - started
            for started, ended in _counselling()
            .filter(ended_at__gte=since, started_at__isnull=False)
            .values_list("started_at", "ended_at")
        ]
    )
    on_duty = CounsellorStatus.objects.exclude(availability=CounsellorStatus.Availability.PAUSE).aggregate(
        places=Sum("capacity")
    )["places"]
    if length is None or not on_duty:
        return typical_wait(days=days)
    return length * position / on_duty


def supervisor_ids() -> list[int]:
    """Everyone who may follow any chat: they are told when a chat is marked high risk."""
    return list(_holders_of("observe", or_superuser=True).values_list("pk", flat=True))


def _holders_of(codename: str, *, or_superuser: bool = False):
    """Active members holding a chat permission, through a role's group or given to them alone."""
    permission = Permission.objects.get(content_type__app_label="chat", codename=codename)
    holds = Q(groups__permissions=permission) | Q(user_permissions=permission)
    if or_superuser:
        holds |= Q(is_superuser=True)
    return get_user_model().objects.filter(is_active=True).filter(holds).distinct()


def notes_of(conversation: Conversation) -> list[StaffNote]:
    return list(conversation.staff_notes.select_related("author"))


def colleagues_for_transfer(conversation: Conversation):
    """Who a chat can be handed to: those who take chats and are on duty now, and supervisors;
    not the counsellor who has it."""
    counsel = Permission.objects.get(content_type__app_label="chat", codename="counsel")
    observe = Permission.objects.get(content_type__app_label="chat", codename="observe")
    on_duty = Q(chat_status__availability__in=["available", "busy"]) | Q(groups__permissions=observe)
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__permissions=counsel)
        .filter(on_duty)
        .exclude(pk=conversation.counsellor_id)
        .distinct()
        .order_by("nickname")
    )


def queue_is_full() -> bool:
    return len(queue()) >= settings.CHAT_QUEUE_LIMIT


def visitor_words(conversation: Conversation) -> str:
    """Everything the young person wrote in a chat, in order (to carry into a letter)."""
    bodies = conversation.messages.filter(from_visitor=True).order_by("seq").values_list("body", flat=True)
    return "\n\n".join(bodies)


def on_a_long_shift(status: CounsellorStatus) -> bool:
    """On duty (available or busy) for longer than settings.CHAT_LONG_SHIFT_HOURS without a break."""
    on_duty = status.availability != CounsellorStatus.Availability.PAUSE
    return on_duty and clock.now() - status.since > timedelta(hours=settings.CHAT_LONG_SHIFT_HOURS)


# --- Group chats -----------------------------------------------------------------------------------


def room_by_pk(pk: int) -> Room | None:
    return Room.objects.select_related("conversation", "host").filter(pk=pk).first()


def rooms_for(user) -> list[Room]:
    """Group chats open now or coming, that this reader may see, soonest first."""
    now = clock.now()
    found = Room.objects.select_related("host", "conversation").filter(closes_at__gt=now)
    return [room for room in found.order_by("opens_at") if policies.can_see_room(user, room)]


def all_rooms() -> list[Room]:
    return list(Room.objects.select_related("host").order_by("-opens_at"))


def room_members(room: Room) -> list[RoomMember]:
    return list(room.members.filter(removed=False).select_related("member").order_by("joined_at"))


def membership(room: Room, member) -> RoomMember | None:
    if not getattr(member, "is_authenticated", False):
        return None
    return room.members.filter(member=member).first()


def hosts():
    """Who may host a group chat: those whose role (and, later, certification) allows it."""
    return _holders_of("host_room").order_by("nickname")


# --- Continuity, saved replies and bookings ------------------------------------------------------------

WANTED_WAIT_MINUTES = 10  # after this, anyone may take a chat that asked for one counsellor


def queue_for(counsellor) -> list[Conversation]:
    """The queue as one counsellor takes from it: a crisis first, then those who asked for this
    counsellor (or booked them), then the rest in order. A chat that asked for someone else waits
    for them while they are on duty, but never longer than WANTED_WAIT_MINUTES."""
    now = clock.now()
    on_duty = set(
        CounsellorStatus.objects.exclude(availability=CounsellorStatus.Availability.PAUSE).values_list(
            "counsellor_id", flat=True
        )
    )

    def may_take(conversation: Conversation) -> bool:
        wanted = conversation.wanted_counsellor_id
        if wanted is None or wanted == counsellor.pk or wanted not in on_duty:
            return True
        return now - conversation.created_at >= timedelta(minutes=WANTED_WAIT_MINUTES)

    takeable = [c for c in queue() if may_take(c)]
    return sorted(takeable, key=lambda c: (not c.crisis, c.wanted_counsellor_id != counsellor.pk))


def earlier_counsellors(member) -> list:
    """The counsellors of a member's earlier chats, most recent first (to ask for one again)."""
    if not getattr(member, "is_authenticated", False):
        return []
    seen, found = set(), []
    earlier = (
        Conversation.objects.filter(
            visitor=member, kind=Conversation.Kind.COUNSELLING, counsellor__isnull=False
        )
        .select_related("counsellor")
        .order_by("-created_at")
    )
    for conversation in earlier:
        if conversation.counsellor_id not in seen and conversation.counsellor.is_active:
            seen.add(conversation.counsellor_id)
            found.append(conversation.counsellor)
    return found


def shared_history(conversation: Conversation) -> list[Conversation]:
    """The member's earlier chats whose summaries and notes they let this chat's counsellor read."""
    if not conversation.share_history or conversation.visitor_id is None:
        return []
    return list(
        Conversation.objects.filter(visitor_id=conversation.visitor_id, state=Conversation.State.ENDED)
        .exclude(pk=conversation.pk)
        .select_related("counsellor")
        .prefetch_related("staff_notes")
        .order_by("-created_at")[:5]
    )


def replies_for(user) -> list[SavedReply]:
    """Shared replies first (the same on every database: NULL sorts first), then one's own, by title."""
    shared_first = F("owner_id").asc(nulls_first=True)
    return list(SavedReply.objects.filter(Q(owner=user) | Q(owner=None)).order_by(shared_first, "title"))


def reply_by_pk(pk: int) -> SavedReply | None:
    return SavedReply.objects.filter(pk=pk).first()


def free_times(*, days: int = 14) -> list[Booking]:
    now = clock.now()
    return list(
        Booking.objects.filter(member=None, starts_at__gt=now, starts_at__lt=now + timedelta(days=days))
        .select_related("counsellor")
        .order_by("starts_at")
    )


def booking_of(member) -> Booking | None:
    """The member's booked time that has not ended yet."""
    if not getattr(member, "is_authenticated", False):
        return None
    return Booking.objects.filter(member=member, ends_at__gt=clock.now()).select_related("counsellor").first()


def booking_by_pk(pk: int) -> Booking | None:
    return Booking.objects.filter(pk=pk).select_related("counsellor").first()


def times_of(counsellor) -> list[Booking]:
    return list(
        Booking.objects.filter(counsellor=counsellor, ends_at__gt=clock.now())
        .select_related("member")
        .order_by("starts_at")
    )
