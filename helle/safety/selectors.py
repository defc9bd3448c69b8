from django.db.models import Case, Q, QuerySet, Value, When

from helle.core import clock
from helle.safety.models import Appeal, PolicyRule, ReviewItem, Sanction, StatementOfReasons, WatchedWord


def open_review_items() -> QuerySet[ReviewItem]:
    """Open items: crisis on top, then the most severe, then the oldest."""
    crisis_first = Case(When(reason=ReviewItem.Reason.CRISIS, then=Value(1)), default=Value(0))
    return (
        ReviewItem.objects.exclude(status=ReviewItem.Status.DECIDED)
        .select_related("author", "claimed_by")
        .prefetch_related("reports")
        .order_by(crisis_first.desc(), "-severity", "created_at")
    )


def active_sanctions(member) -> QuerySet[Sanction]:
    now = clock.now()
    return Sanction.objects.filter(member=member, lifted_at__isnull=True, starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


def is_silenced(member) -> bool:
    return (
        active_sanctions(member)
        .filter(kind__in=[Sanction.Kind.SILENCE, Sanction.Kind.SUSPEND, Sanction.Kind.BAN])
        .exists()
    )


def is_locked_out(member) -> bool:
    return active_sanctions(member).filter(kind__in=[Sanction.Kind.SUSPEND, Sanction.Kind.BAN]).exists()


def statements_for(member) -> QuerySet[StatementOfReasons]:
    return StatementOfReasons.objects.filter(member=member).select_related("sanction").order_by("-created_at")


def open_appeals_for(user) -> QuerySet[Appeal]:
    """Appeals waiting for a moderator, except those against this moderator's own decisions."""
    return (
        Appeal.objects.filter(status=Appeal.Status.OPEN)
        .exclude(statement__sanction__issued_by=user)
        .select_related("statement", "statement__sanction", "statement__member")
        .order_by("created_at")
    )


def watched_words() -> QuerySet[WatchedWord]:
    return WatchedWord.objects.all()


def review_items() -> QuerySet[ReviewItem]:
    return ReviewItem.objects.select_related("author", "claimed_by").prefetch_related("reports", "decisions")


def appeals() -> QuerySet[Appeal]:
    return Appeal.objects.select_related("statement", "statement__sanction", "statement__member")


def policy_overrides() -> QuerySet[PolicyRule]:
    return PolicyRule.objects.all()
