"""Every non-trivial read of the letter box."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from helle.core import clock
from helle.letters import policies, similar
from helle.letters.models import Answer, Draft, Letter, Publication, Snippet, Topic

RECENT_DAYS = 28  # the weeks an estimate of the answer time is made from


def topics() -> QuerySet[Topic]:
    return Topic.objects.all()


def topics_with_counts() -> QuerySet[Topic]:
    return Topic.objects.annotate(letter_count=Count("letters"))


def topic_by_slug(slug: str) -> Topic | None:
    return Topic.objects.filter(slug=slug).first()


def service_level() -> timedelta:
    return timedelta(days=settings.LETTER_ANSWER_DAYS)


# --- The writer ------------------------------------------------------------------------------------


def letters_of(member) -> QuerySet[Letter]:
    return (
        Letter.objects.filter(writer=member)
        .select_related("topic", "follow_up_to")
        .order_by("-created_at", "-id")
    )


def letter_for(user, pk: int) -> Letter | None:
    """The letter if `user` may read it, else None (the view answers 404)."""
    letter = (
        Letter.objects.select_related("topic", "writer", "answer", "follow_up_to", "claimed_by")
        .filter(pk=pk)
        .first()
    )
    if letter is None or not policies.can_read_letter(user, letter):
        return None
    return letter


def letter_in_queue(user, pk: int) -> Letter | None:
    """A letter `user` may claim now (its text is read only after the claim)."""
    letter = Letter.objects.filter(pk=pk).first()
    return letter if letter is not None and policies.can_claim(user, letter) else None


def delivered_answer(letter: Letter) -> Answer | None:
    """The answer as its writer may see it: only once approved."""
    return Answer.objects.filter(letter=letter, state=Answer.State.APPROVED).first()


def follow_up_of(letter: Letter) -> Letter | None:
    return Letter.objects.filter(follow_up_to=letter).select_related("answer").first()


def unread_answers(member) -> int:
    return Letter.objects.filter(writer=member, state=Letter.State.ANSWERED, answer_read_at=None).count()


UNREAD_SECONDS = 60  # the menu's number may lag this long where several processes share no cache


def unread_key(member_id: int) -> str:
    return f"letters:unread:{member_id}"


def unread_answers_cached(member) -> int:
    """New answers for the menu, from the cache: every page shows the number, so it should cost
    no query (the services forget it when an answer arrives or is read)."""
    count = cache.get(unread_key(member.pk))
    if count is None:
        count = unread_answers(member)
        cache.set(unread_key(member.pk), count, UNREAD_SECONDS)
    return count


def open_letters_of(member) -> int:
    return Letter.objects.filter(writer=member).exclude(state=Letter.State.ANSWERED).count()


def draft_for(member, key: str) -> Draft | None:
    return Draft.objects.filter(member=member, key=key).first()


# --- When will I get an answer? ----------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    days: int  # whole days, at least 1
    from_history: bool  # False: no answers in the recent weeks, so the service level is all we can say
    answered_recently: int
    waiting: int


def answer_estimate(now: datetime | None = None) -> Estimate:
    """An honest guess at the days until a letter sent now is answered: the typical answer time
    of the last four weeks, or longer when the queue holds more letters than that pace clears."""
    now = now or clock.now()
    recent = list(
        Letter.objects.filter(answered_at__gte=now - timedelta(days=RECENT_DAYS)).values_list(
            "created_at", "answered_at"
        )
    )
    waiting = Letter.objects.exclude(state=Letter.State.ANSWERED).count()
    if not recent:
        return Estimate(settings.LETTER_ANSWER_DAYS, False, 0, waiting)
    typical = percentile([(answered - created).total_seconds() / 86400 for created, answered in recent], 50)
    per_day = len(recent) / RECENT_DAYS
    # The letters already waiting are answered before this one, at the recent pace.
    days = max(typical, waiting / per_day)
    return Estimate(max(1, math.ceil(days)), True, len(recent), waiting)


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (the smallest value with at least p % of the values at or
    below it), the definition used in service-level reporting."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


# --- Answering -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueEntry:
    letter: Letter
    overdue: bool
    waited: timedelta
    mine: bool


def queue(user, *, topic: Topic | None = None, age_band: str = "") -> list[QueueEntry]:
    """Letters waiting for a counsellor, and those the reader holds: crises first, then the most
    severe, then the oldest. The texts are not shown here; a letter is read once claimed."""
    now = clock.now()
    waiting = Q(state=Letter.State.WAITING) | Q(state=Letter.State.ANSWERING, claim_expires_at__lte=now)
    mine = Q(claimed_by=user, state__in=[Letter.State.ANSWERING, Letter.State.IN_REVIEW])
    letters = Letter.objects.filter(waiting | mine).select_related("topic", "follow_up_to")
    if topic is not None:
        letters = letters.filter(topic=topic)
    if age_band:
        letters = letters.filter(age_band=age_band)
    if policies.answers_as_peer(user):
        letters = letters.filter(Q(crisis=False) | mine)
    letters = letters.order_by("-crisis", "-severity", "created_at", "id")
    limit = service_level()
    return [
        QueueEntry(
            letter=letter,
            overdue=now - letter.created_at > limit,
            waited=now - letter.created_at,
            mine=letter.claimed_by_id == user.pk and not policies.claim_is_open(letter),
        )
        for letter in letters
    ]


def earlier_letters(letter: Letter) -> QuerySet[Letter]:
    """The writer's other letters, with their answers, for the counsellor who holds this one."""
    return (
        Letter.objects.filter(writer_id=letter.writer_id)
        .exclude(pk=letter.pk)
        .select_related("topic", "answer")
        .order_by("-created_at")
    )


def snippets_for(user) -> QuerySet[Snippet]:
    return Snippet.objects.filter(Q(owner=None) | Q(owner=user))


def snippet_for(user, pk: int) -> Snippet | None:
    snippet = Snippet.objects.filter(pk=pk).first()
    if snippet is None:
        return None
    if snippet.owner_id == user.pk or (
        snippet.owner_id is None and policies.can_manage_shared_snippets(user)
    ):
        return snippet
    return None


def answers_to_review(user) -> list[Answer]:
    answers = Answer.objects.filter(state=Answer.State.SUBMITTED).select_related("letter__topic", "author")
    return [a for a in answers.order_by("-letter__crisis", "submitted_at") if policies.can_review(user, a)]


def reviews_of(answer: Answer) -> QuerySet:
    return answer.reviews.select_related("reviewer")


# --- Publication ------------------------------------------------------------------------------------


def letters_to_publish() -> QuerySet[Letter]:
    """Answered letters whose writers said yes to an anonymised version, not yet published."""
    return (
        Letter.objects.filter(state=Letter.State.ANSWERED, may_publish=True)
        .exclude(publication__state__in=[Publication.State.PUBLISHED, Publication.State.REMOVED])
        .select_related("topic", "publication")
        .order_by("answered_at")
    )


def publication_of(letter: Letter) -> Publication | None:
    return Publication.objects.filter(letter=letter).first()


def publication_by_pk(pk: int) -> Publication | None:
    return Publication.objects.select_related("letter", "topic", "editor").filter(pk=pk).first()


def publications_in_review() -> QuerySet[Publication]:
    return Publication.objects.filter(state=Publication.State.IN_REVIEW).select_related("topic", "editor")


def published(*, topic: Topic | None = None) -> QuerySet[Publication]:
    found = Publication.objects.filter(state=Publication.State.PUBLISHED).select_related("topic")
    return found.filter(topic=topic) if topic is not None else found


def published_by_pk(pk: int) -> Publication | None:
    return published().filter(pk=pk).first()


def _archive_key() -> tuple:
    state = published().aggregate(n=Count("id"), changed=Max("updated_at"))
    return (state["n"], state["changed"])


def _archive_documents():
    for pk, title, question, answer in published().values_list("pk", "title", "question", "answer"):
        yield pk, f"{title}\n{question}\n{answer}"


def similar_published(text: str, *, limit: int = 3, topic: Topic | None = None) -> list[Publication]:
    """Published letters and answers most like `text`, best first (for the writer before they send,
    and for the archive's search box)."""
    ids = similar.ranked(text, key=_archive_key(), documents=_archive_documents, limit=limit * 4)
    by_pk = published(topic=topic).in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk][:limit]


def topics_with_publications() -> QuerySet[Topic]:
    return Topic.objects.annotate(
        published_count=Count("publications", filter=Q(publications__state=Publication.State.PUBLISHED))
    ).filter(published_count__gt=0)


# --- Figures ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One row of the letter box figures (all letters, a topic or an age group)."""

    label: str
    received: int
    answered: int
    median_hours: float | None
    p90_hours: float | None
    overdue: int  # answered after the service level, or still waiting past it

    @property
    def overdue_share(self) -> float | None:
        return self.overdue / self.received if self.received else None

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.received if self.received else None


@dataclass(frozen=True)
class Statistics:
    since: datetime
    until: datetime
    total: Figures
    by_topic: list[Figures]
    by_age_band: list[Figures]


def _figures(label: str, rows: list[tuple], until: datetime, limit: timedelta) -> Figures:
    hours = [(answered - created).total_seconds() / 3600 for created, answered, _t, _a in rows if answered]
    overdue = sum(
        1
        for created, answered, _t, _a in rows
        if (answered is not None and answered - created > limit)
        or (answered is None and until - created > limit)
    )
    return Figures(
        label=label,
        received=len(rows),
        answered=len(hours),
        median_hours=percentile(hours, 50) if hours else None,
        p90_hours=percentile(hours, 90) if hours else None,
        overdue=overdue,
    )


def statistics(*, since: datetime, until: datetime, age_band_labels: dict[str, str]) -> Statistics:
    """Letters received in [since, until): how many were answered, how fast, how many late.
    An answer given after `until` does not count yet (the figures describe the period)."""
    rows = [
        (created, answered if answered and answered < until else None, topic, age_band)
        for created, answered, topic, age_band in Letter.objects.filter(
            created_at__gte=since, created_at__lt=until
        ).values_list("created_at", "answered_at", "topic__name", "age_band")
    ]
    limit = service_level()

    def grouped(position: int, labels: dict[str, str] | None = None) -> list[Figures]:
        keys = sorted({row[position] for row in rows})
        return [
            _figures(
                (labels or {}).get(key, key) or "–", [r for r in rows if r[position] == key], until, limit
            )
            for key in keys
        ]

    return Statistics(
        since=since,
        until=until,
        total=_figures("", rows, until, limit),
        by_topic=grouped(2),
        by_age_band=grouped(3, age_band_labels),
    )
