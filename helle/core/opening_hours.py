"""Opening hours as time: how far back a number of open hours reaches.

The forum's "nobody goes unanswered" clock runs only while counsellors and peer advisers are
on duty: a question asked on Friday evening has not waited six hours by Saturday morning if
nobody works at night. Chat will ask the same hours when it opens and closes.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from helle.core.models import ClosedDay, OpeningHours

# How far back to look for open hours before giving up (a site closed for a year).
_LOOK_BACK_DAYS = 366


def _intervals_on(day: date, shifts: list[OpeningHours], zone) -> list[tuple[datetime, datetime]]:
    """The day's open intervals as aware moments, latest first. 00:00 closes at midnight."""
    intervals = []
    for shift in shifts:
        start = timezone.make_aware(datetime.combine(day, shift.opens), zone)
        end_day = day + timedelta(days=1) if shift.closes == time(0) else day
        end = timezone.make_aware(datetime.combine(end_day, shift.closes), zone)
        if end > start:
            intervals.append((start, end))
    return sorted(intervals, reverse=True)


def open_hours_began(hours: float, *, until: datetime) -> datetime | None:
    """The moment from which `hours` of opening time had passed by `until`: something that
    happened at or before it has waited `hours` open hours. With no opening hours set, every
    hour counts (`until - hours`). None when the site was not open that long in the last year."""
    needed = timedelta(hours=hours)
    shifts = list(OpeningHours.objects.all())
    if not shifts:
        return until - needed
    by_weekday: dict[int, list[OpeningHours]] = defaultdict(list)
    for shift in shifts:
        by_weekday[shift.weekday].append(shift)
    zone = timezone.get_default_timezone()
    last_day = timezone.localtime(until, zone).date()
    first_day = last_day - timedelta(days=_LOOK_BACK_DAYS)
    closed = set(ClosedDay.objects.filter(date__range=(first_day, last_day)).values_list("date", flat=True))
    day = last_day
    while day >= first_day:
        if day not in closed:
            for start, end in _intervals_on(day, by_weekday[day.weekday()], zone):
                end = min(end, until)
                if end <= start:
                    continue
                if end - start >= needed:
                    return end - needed
                needed -= end - start
        day -= timedelta(days=1)
    return None


_LOOK_AHEAD_DAYS = 14


@dataclass(frozen=True)
class OpeningState:
    """Whether the service is open at a moment; when it closes, or when it opens next (None:
    not within the next two weeks, or never closes because no hours are set)."""

    is_open: bool
    closes_at: datetime | None = None
    opens_at: datetime | None = None


def opening_state(at: datetime) -> OpeningState:
    """Open or closed at `at`, by the weekly hours and the closed days (holidays)."""
    shifts = list(OpeningHours.objects.all())
    if not shifts:
        return OpeningState(is_open=True)
    by_weekday: dict[int, list[OpeningHours]] = defaultdict(list)
    for shift in shifts:
        by_weekday[shift.weekday].append(shift)
    zone = timezone.get_default_timezone()
    first_day = timezone.localtime(at, zone).date()
    last_day = first_day + timedelta(days=_LOOK_AHEAD_DAYS)
    closed = set(ClosedDay.objects.filter(date__range=(first_day, last_day)).values_list("date", flat=True))
    intervals = sorted(
        interval
        for offset in range(_LOOK_AHEAD_DAYS + 1)
        if (day := first_day + timedelta(days=offset)) not in closed
        for interval in _intervals_on(day, by_weekday[day.weekday()], zone)
    )
    for start, end in intervals:
        if start <= at < end:
            return OpeningState(is_open=True, closes_at=_end_of_run(intervals, end))
        if start > at:
            return OpeningState(is_open=False, opens_at=start)
    return OpeningState(is_open=False)


def _end_of_run(intervals: list[tuple[datetime, datetime]], end: datetime) -> datetime:
    """Shifts that follow on without a break (22-24 and 00-02) close at the end of the last."""
    for start, following_end in intervals:
        if start <= end < following_end:
            end = following_end
    return end
