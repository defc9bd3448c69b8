"""The thread page: reactions, content warnings, unread markers, helpful replies, query counts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import log_in
from helle.forum import selectors, services
from helle.forum.tests.conftest import REPLY


def test_reactions_are_counted_without_names_and_can_be_taken_back(open_thread, helper, trusted):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    first, second = trusted("En"), trusted("To")
    services.toggle_reaction(member=first, post=reply, kind="hug")
    services.toggle_reaction(member=second, post=reply, kind="hug")
    services.toggle_reaction(member=second, post=reply, kind="same")
    page = selectors.thread_page(first, open_thread, 1)
    shown = next(v for v in page.posts if v.post.pk == reply.pk)
    assert shown.reactions == {"hug": 2, "same": 1}
    assert shown.mine == {"hug"}
    assert services.toggle_reaction(member=first, post=reply, kind="hug") is False
    shown = next(v for v in selectors.thread_page(first, open_thread, 1).posts if v.post.pk == reply.pk)
    assert shown.reactions == {"hug": 1, "same": 1} and shown.mine == set()


def test_nobody_reacts_to_their_own_post(open_thread, helper):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    with pytest.raises(PermissionDenied):
        services.toggle_reaction(member=helper, post=reply, kind="hug")


def test_the_reaction_page_never_names_who_reacted(client, open_thread, helper, trusted):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    reactor = trusted("HemmeligKrammer")
    services.toggle_reaction(member=reactor, post=reply, kind="hug")
    log_in(client, trusted("Nysgerrig"))
    html = client.get(reverse("forum:thread", args=[open_thread.pk])).content.decode()
    assert "HemmeligKrammer" not in html
    assert 'class="reaction__count">1<' in html


def test_a_post_with_a_content_warning_stays_closed_until_the_reader_opens_it(client, open_thread, helper):
    services.post_reply(
        author=helper,
        thread=open_thread,
        body="Jeg har haft en spiseforstyrrelse i to år.",
        content_warning="eating",
    )
    html = client.get(reverse("forum:thread", args=[open_thread.pk])).content.decode()
    start = html.index('<details class="content-warning">')
    assert "spiseforstyrrelse i to år" in html[start : html.index("</details>", start)]
    assert "<details open" not in html


def test_a_moderator_or_the_writer_can_add_a_warning_afterwards_but_not_others(
    open_thread, helper, counsellor, trusted
):
    from django.http import Http404

    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.set_content_warning(actor=counsellor, post=reply, warning="abuse")
    reply.refresh_from_db()
    assert reply.content_warning == "abuse"
    with pytest.raises(Http404):
        services.set_content_warning(actor=trusted("Fremmed"), post=reply, warning="")


def test_the_asker_marks_the_reply_that_helped_and_its_writer_is_told(open_thread, asker, helper):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.mark_helpful(member=asker, post=reply)
    open_thread.refresh_from_db()
    assert open_thread.helpful_post == reply
    assert "helpful" in [n.kind for n in selectors.notifications_for(helper)]


def test_only_the_asker_marks_a_helpful_reply(open_thread, helper, trusted):
    from django.http import Http404

    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    with pytest.raises(Http404):
        services.mark_helpful(member=trusted("Anden"), post=reply)


def test_posts_after_the_last_visit_are_marked_new(clock, open_thread, asker, helper):
    services.post_reply(author=helper, thread=open_thread, body=REPLY)
    page = selectors.thread_page(asker, open_thread, 1)
    assert [v.is_new for v in page.posts] == [False, True]
    services.mark_read(member=asker, thread=open_thread, until=page.newest_shown)
    clock.advance(minutes=5)
    services.post_reply(author=helper, thread=open_thread, body="Og en ting mere: giv det tid.")
    assert [v.is_new for v in selectors.thread_page(asker, open_thread, 1).posts] == [False, False, True]


def _page_queries(client, thread) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("forum:thread", args=[thread.pk]))
    assert response.status_code == 200
    return len(queries)


def test_a_thread_page_costs_the_same_queries_with_2_or_20_posts_and_their_reactions(
    client, open_thread, helper, trusted, settings
):
    settings.FORUM_POSTS_PER_PAGE = 50
    reader = trusted("Læser")
    log_in(client, reader)
    _page_queries(client, open_thread)  # the first visit makes the read marker
    services.post_reply(author=helper, thread=open_thread, body=REPLY)
    few = _page_queries(client, open_thread)  # one new post
    others = [trusted(f"Svarer{n}") for n in range(6)]
    for n in range(18):
        reply = services.post_reply(author=others[n % 6], thread=open_thread, body=f"{REPLY} ({n})")
        services.toggle_reaction(member=reader, post=reply, kind="thanks")
        services.toggle_bookmark(member=reader, post=reply)
    many = _page_queries(client, open_thread)  # eighteen new posts, with reactions and bookmarks
    assert many == few


def test_threads_without_a_reply_after_six_hours_wait_for_peer_advisers(
    open_category, asker, helper, peer_adviser, clock
):
    from django.http import Http404

    from helle.forum import policies

    waiting = services.start_thread(
        author=asker, category=open_category, title="Ingen svar", body=REPLY
    ).thread
    answered = services.start_thread(author=asker, category=open_category, title="Svar", body=REPLY).thread
    services.post_reply(author=helper, thread=answered, body=REPLY)
    assert selectors.waiting_for_answer(peer_adviser) == []
    clock.advance(hours=7)
    assert selectors.waiting_for_answer(peer_adviser) == [waiting]
    assert selectors.unanswered_count() == 1
    with pytest.raises(Http404):
        policies.require_can_see_waiting_list(asker)


def test_the_six_hours_are_counted_in_opening_hours(open_category, asker, peer_adviser, clock):
    from datetime import time

    from helle.core.models import OpeningHours

    for weekday in range(5):
        OpeningHours.objects.create(weekday=weekday, opens=time(14), closes=time(20))
    # Asked on Monday 2 March at 11:00 in Copenhagen (the fake clock's start).
    waiting = services.start_thread(
        author=asker, category=open_category, title="Ingen svar", body=REPLY
    ).thread
    clock.advance(hours=8)  # 19:00: five hours open since
    assert selectors.waiting_for_answer(peer_adviser) == []
    assert selectors.unanswered_count() == 0
    clock.advance(hours=20)  # Tuesday 15:00: six open hours and one more
    assert selectors.waiting_for_answer(peer_adviser) == [waiting]
    assert selectors.unanswered_count() == 1


def test_reading_a_thread_again_with_nothing_new_writes_nothing(client, open_thread, helper, trusted):
    """SQLite has one writer: a page view that changes nothing must not queue for it."""
    services.post_reply(author=helper, thread=open_thread, body=REPLY)
    log_in(client, trusted("Læser"))
    client.get(reverse("forum:thread", args=[open_thread.pk]))  # the first visit sets the marker
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("forum:thread", args=[open_thread.pk]))
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_opening_a_thread_marks_its_notifications_read_and_the_menu_counts_the_rest(
    client, open_thread, asker, helper, open_category
):
    other = services.start_thread(author=asker, category=open_category, title="Et andet", body=REPLY).thread
    services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.post_reply(author=helper, thread=other, body=REPLY)
    log_in(client, asker)
    html = client.get(reverse("forum:thread", args=[open_thread.pk])).content.decode()
    assert 'id="notification-count">1<' in html  # the other thread's reply is still unread
    assert [n.read_at is None for n in selectors.notifications_for(asker)] == [True, False]


@pytest.mark.parametrize(
    ("asked", "number", "first_reply"),
    [(None, 1, None), ("2", 2, 2), ("3", 3, 5), ("last", 3, 5), ("99", 3, 5), ("tre", 1, None)],
)
def test_a_long_thread_is_paged_and_every_page_knows_how_many_there_are(
    open_thread, helper, trusted, settings, asked, number, first_reply
):
    """Seven posts, three a page: the opening and replies 0-1, replies 2-4, replies 5-6."""
    settings.FORUM_POSTS_PER_PAGE = 3
    for n in range(6):
        services.post_reply(author=helper, thread=open_thread, body=f"{REPLY} (svar {n})")
    page = selectors.thread_page(trusted("Læser"), open_thread, asked)
    assert (page.page.number, page.page.paginator.count, page.page.paginator.num_pages) == (number, 7, 3)
    bodies = [view.post.html for view in page.posts]
    assert len(bodies) == (1 if number == 3 else 3)
    if first_reply is not None:
        assert f"(svar {first_reply})" in bodies[0]


def test_the_reader_state_counts_follows_bookmarks_and_unread_notifications(
    open_thread, asker, helper, trusted
):
    reader = trusted("Læser")
    page = selectors.thread_page(reader, open_thread, 1)
    assert (page.following, page.read_at, page.unread_here, page.unread_elsewhere) == (False, None, 0, 0)
    other = services.start_thread(
        author=asker, category=open_thread.category, title="Et andet spørgsmål", body=REPLY
    )
    for thread in (open_thread, other.thread):
        services.toggle_follow(member=reader, thread=thread)
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.post_reply(author=helper, thread=other.thread, body=REPLY)
    services.toggle_bookmark(member=reader, post=reply)
    page = selectors.thread_page(reader, open_thread, 1)
    assert (page.following, page.unread_here, page.unread_elsewhere) == (True, 1, 1)
    assert [view.bookmarked for view in page.posts] == [False, True]
