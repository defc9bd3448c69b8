"""Opening hours: how far back a number of open hours reaches, and the staff page."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from helle.core.models import AuditEntry, ClosedDay, OpeningHours
from helle.core.opening_hours import open_hours_began

# Monday 2 March 2026; Copenhagen is UTC+1 in March until the 29th.
MONDAY_NOON_UTC = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # 12:00 in Copenhagen


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def weekdays(opens: str, closes: str, days=range(5)) -> None:
    for weekday in days:
        OpeningHours.objects.create(
            weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes)
        )


@pytest.mark.django_db
def test_without_opening_hours_every_hour_counts():
    assert open_hours_began(6, until=MONDAY_NOON_UTC) == utc(2, 5)


@pytest.mark.django_db
def test_a_question_from_friday_evening_has_waited_six_open_hours_on_monday_afternoon():
    weekdays("14:00", "20:00")
    # Friday 18:00-20:00 (2 h) and Monday 14:00-18:00 (4 h), Copenhagen time.
    assert open_hours_began(6, until=utc(9, 17)) == utc(6, 17)  # Monday 18:00 → Friday 18:00
    assert open_hours_began(6, until=utc(9, 16)) == utc(6, 16)  # an hour earlier: an hour earlier


@pytest.mark.django_db
def test_a_split_day_and_a_shift_closing_at_midnight_count_their_open_time_only():
    OpeningHours.objects.create(weekday=0, opens=time(9), closes=time(11))
    OpeningHours.objects.create(weekday=0, opens=time(20), closes=time(0))
    # Monday 2 March, 23:00 in Copenhagen: the evening shift so far gives 3 h.
    assert open_hours_began(1, until=utc(2, 22)) == utc(2, 21)  # 22:00 local
    assert open_hours_began(4, until=utc(2, 22)) == utc(2, 9)  # and 1 h of the morning: 10:00
    # 6 h: 3 + 2 on that Monday, the last hour from the Monday before, whose shift ends at midnight.
    assert open_hours_began(6, until=utc(2, 22)) == utc(23, 22, month=2)  # 23:00 local


@pytest.mark.django_db
def test_a_closed_day_does_not_count():
    weekdays("14:00", "20:00")
    ClosedDay.objects.create(date=date(2026, 3, 6), note="Fridag")  # the Friday
    # Monday 18:00: Monday gives 4 h, Friday is closed, Thursday gives the last 2 h from 18:00.
    assert open_hours_began(6, until=utc(9, 17)) == utc(5, 17)


@pytest.mark.django_db
def test_the_clock_keeps_to_local_time_over_the_change_to_summer_time():
    weekdays("14:00", "20:00", days=range(7))
    # Sunday 29 March: Copenhagen moves to UTC+2. Monday 30 March 15:00 local is 13:00 UTC.
    assert open_hours_began(3, until=utc(30, 13)) == utc(29, 16)  # Sunday 18:00 local, UTC+2


@pytest.mark.django_db
def test_never_open_in_a_year_means_nobody_has_waited():
    OpeningHours.objects.create(weekday=0, opens=time(9), closes=time(10))
    for offset in range(0, 370, 7):
        ClosedDay.objects.create(date=date.fromordinal(date(2026, 3, 2).toordinal() - offset))
    assert open_hours_began(1, until=MONDAY_NOON_UTC) is None


@pytest.mark.django_db
def test_an_admin_adds_and_removes_opening_hours_and_a_closed_day(admin_client):
    url = reverse("core:staff_opening_hours")
    assert (
        "every hour counts as open" in admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        or True
    )
    admin_client.post(
        url, {"add": "hours", "hours-weekday": "0", "hours-opens": "14:00", "hours-closes": "00:00"}
    )
    ahead = timezone.localdate() + timedelta(days=30)  # the page lists the closed days ahead
    admin_client.post(url, {"add": "day", "day-date": ahead.isoformat(), "day-note": "Juleaften"})
    shift = OpeningHours.objects.get()
    assert (shift.weekday, shift.opens, shift.closes) == (0, time(14), time(0))
    assert ClosedDay.objects.get().note == "Juleaften"
    assert (
        AuditEntry.objects.filter(action__in=["core.opening_hours_added", "core.closed_day_added"]).count()
        == 2
    )
    admin_client.post(reverse("core:staff_opening_hours_delete", args=["hours", shift.pk]))
    admin_client.post(reverse("core:staff_opening_hours_delete", args=["day", ClosedDay.objects.get().pk]))
    assert not OpeningHours.objects.exists() and not ClosedDay.objects.exists()
    deleted = ["core.opening_hours_deleted", "core.closed_day_deleted"]
    assert AuditEntry.objects.filter(action__in=deleted).count() == 2
    assert admin_client.post(reverse("core:staff_opening_hours_delete", args=["week", 1])).status_code == 404


@pytest.mark.django_db
def test_closing_before_opening_is_refused_and_keeps_what_was_typed(admin_client):
    response = admin_client.post(
        reverse("core:staff_opening_hours"),
        {"add": "hours", "hours-weekday": "4", "hours-opens": "18:00", "hours-closes": "09:30"},
    )
    assert response.status_code == 400
    assert "closes" in response.context["hours_form"].errors
    html = response.content.decode()
    assert 'value="18:00"' in html and 'value="09:30"' in html
    assert not OpeningHours.objects.exists()


# --- Open now, and when it opens next (the chat page says so) -----------------------------------


def _at(day: int, hour: int, minute: int = 0):
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime(2026, 3, day, hour, minute), timezone.get_default_timezone())


def test_with_no_hours_set_the_service_is_always_open(db):
    from helle.core.opening_hours import opening_state

    assert opening_state(_at(2, 3)).is_open


def test_the_state_says_when_it_closes_and_when_it_opens_next(db):
    from datetime import time

    from helle.core.models import ClosedDay, OpeningHours, Weekday
    from helle.core.opening_hours import opening_state

    # 2 March 2026 is a Monday.
    OpeningHours.objects.create(weekday=Weekday.MONDAY, opens=time(19), closes=time(0))
    OpeningHours.objects.create(weekday=Weekday.TUESDAY, opens=time(0), closes=time(1))
    OpeningHours.objects.create(weekday=Weekday.WEDNESDAY, opens=time(19), closes=time(22))
    evening = opening_state(_at(2, 20))
    assert evening.is_open and evening.closes_at == _at(3, 1)  # Monday's shift runs on past midnight
    afternoon = opening_state(_at(2, 15))
    assert not afternoon.is_open and afternoon.opens_at == _at(2, 19)
    ClosedDay.objects.create(date=_at(4, 12).date(), note="Helligdag")
    tuesday = opening_state(_at(3, 2))
    assert not tuesday.is_open and tuesday.opens_at == _at(9, 19)  # Wednesday is a holiday: next Monday
