"""Who may read, write and moderate where: age bands, roles and assigned categories."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from helle.core.roles import Role
from helle.forum import policies, selectors, services
from helle.forum.models import Post
from helle.forum.tests.conftest import HARMLESS, REPLY
from helle.identity.models import AgeBand

YOUNG_ONLY = [AgeBand.AGE_13_15, AgeBand.AGE_16_17]

# reader -> (may read the 13-17 section, may write there)
AGE_MATRIX = {
    "anonymous": (False, False),
    "member 13-15": (True, True),
    "member 16-17": (True, True),
    "member 18-25": (False, False),
    "member 26+": (False, False),
    "counsellor 26+": (True, True),
    "peer adviser 18-25, not assigned": (False, False),
    "peer adviser 18-25, assigned": (True, True),
}


@pytest.fixture
def reader_named(make_member):
    def make(name: str, category):
        if name == "anonymous":
            return None
        role_name, band = name.split(" ")[0:2] if not name.startswith("peer") else ("peer", "18-25")
        if name.startswith("peer"):
            member = make_member("Peer X", role=Role.PEER_ADVISER, age_band=AgeBand.AGE_18_25)
            if name.endswith(", assigned"):
                category.peer_advisers.add(member)
            return member
        role = Role.COUNSELLOR if role_name == "counsellor" else Role.MEMBER
        return make_member(f"{role_name} {band}", role=role, age_band=band)

    return make


@pytest.mark.parametrize("name", list(AGE_MATRIX))
def test_an_age_restricted_section_is_read_and_written_only_by_its_age_groups_and_staff(
    name, reader_named, make_category, trusted
):
    category = make_category("Kun unge", age_bands=YOUNG_ONLY)
    young = trusted("Ung", age_band=AgeBand.AGE_13_15)
    thread = services.start_thread(author=young, category=category, title="Hej", body=HARMLESS).thread
    reader = reader_named(name, category)
    may_read, may_write = AGE_MATRIX[name]
    assert (selectors.thread_for(reader, thread.pk) is not None) is may_read
    assert (selectors.category_by_slug(reader, category.slug) is not None) is may_read
    assert (category in [row.category for row in selectors.category_overview(reader)]) is may_read
    if reader is None:
        return
    if may_write:
        services.post_reply(author=reader, thread=thread, body=REPLY)
    else:
        with pytest.raises((Http404, PermissionDenied)):
            services.post_reply(author=reader, thread=thread, body=REPLY)


def test_an_open_section_can_be_read_without_an_account_but_not_written(open_thread):
    assert selectors.thread_for(None, open_thread.pk) is not None
    assert policies.can_write_in(None, open_thread.category) is False


def test_a_peer_adviser_moderates_only_in_the_sections_assigned_to_them(make_category, peer_adviser, trusted):
    mine = make_category("Mine", peer_advisers=[peer_adviser])
    other = make_category("Andre")
    writer = trusted("Skriver")
    in_mine = services.start_thread(author=writer, category=mine, title="A", body=HARMLESS)
    in_other = services.start_thread(author=writer, category=other, title="B", body=HARMLESS)
    services.moderate_post(actor=peer_adviser, post=in_mine, action="hide", reason="personlige detaljer")
    assert Post.objects.get(pk=in_mine.pk).state == Post.State.HIDDEN
    with pytest.raises(Http404):
        services.moderate_post(actor=peer_adviser, post=in_other, action="hide", reason="nej")
    with pytest.raises(Http404):
        services.set_locked(actor=peer_adviser, thread=in_other.thread, locked=True, reason="nej")
    with pytest.raises(Http404):
        services.move_thread(actor=peer_adviser, thread=in_mine.thread, category=other, reason="nej")


def test_a_peer_advisers_hide_goes_to_the_review_queue_and_the_audit_log(
    make_category, peer_adviser, trusted
):
    from helle.core.models import AuditEntry
    from helle.safety.models import ReviewItem

    category = make_category("Mine", peer_advisers=[peer_adviser])
    post = services.start_thread(author=trusted("S"), category=category, title="A", body=HARMLESS)
    services.moderate_post(actor=peer_adviser, post=post, action="hold", reason="for meget detalje")
    item = ReviewItem.objects.get(target_type="forum.post", target_id=str(post.pk))
    assert item.reason == "held" and "peer adviser" in item.findings["note"]
    entry = AuditEntry.objects.get(action="forum.post_hold")
    assert entry.actor_id == peer_adviser.pk and entry.reason == "for meget detalje"


def test_a_peer_adviser_lock_and_move_within_their_sections_are_audited(make_category, peer_adviser, trusted):
    from helle.core.models import AuditEntry

    first = make_category("Første", peer_advisers=[peer_adviser])
    second = make_category("Anden", peer_advisers=[peer_adviser])
    thread = services.start_thread(author=trusted("S"), category=first, title="A", body=HARMLESS).thread
    services.set_locked(actor=peer_adviser, thread=thread, locked=True, reason="svaret")
    services.move_thread(actor=peer_adviser, thread=thread, category=second, reason="passer bedre")
    thread.refresh_from_db()
    assert thread.is_locked and thread.category == second
    assert set(AuditEntry.objects.filter(actor_id=peer_adviser.pk).values_list("action", flat=True)) >= {
        "forum.locked",
        "forum.moved",
    }


def test_a_peer_advisers_reply_carries_the_badge(open_thread, peer_adviser):
    post = services.post_reply(author=peer_adviser, thread=open_thread, body=REPLY)
    assert post.by_peer_adviser is True


def test_only_peer_advisers_of_the_section_and_managers_start_discussion_prompts(
    make_category, peer_adviser, trusted, admin_member
):
    category = make_category("Mine")
    with pytest.raises(Http404):
        services.start_thread(
            author=peer_adviser, category=category, title="Ugens", body=HARMLESS, prompt=True
        )
    category.peer_advisers.add(peer_adviser)
    peer_adviser._forum_assigned = None  # the assignment changed during this "request"
    prompt = services.start_thread(
        author=peer_adviser, category=category, title="Ugens", body=HARMLESS, prompt=True, featured=True
    )
    assert prompt.thread.is_pinned and prompt.thread.is_featured
    assert selectors.featured_prompts(trusted("Læser")) == [prompt.thread]
    with pytest.raises(Http404):
        services.start_thread(
            author=trusted("Medlem"), category=category, title="X", body=HARMLESS, prompt=True
        )
    services.start_thread(author=admin_member, category=category, title="Admin", body=HARMLESS, prompt=True)


def test_a_scheduled_prompt_is_hidden_until_its_time(make_category, peer_adviser, trusted, clock):
    from datetime import timedelta

    category = make_category("Mine", peer_advisers=[peer_adviser])
    prompt = services.start_thread(
        author=peer_adviser,
        category=category,
        title="Næste uge",
        body=HARMLESS,
        prompt=True,
        featured=True,
        publish_at=clock() + timedelta(days=2),
    )
    reader = trusted("Læser")
    assert selectors.thread_for(reader, prompt.thread_id) is None
    assert selectors.featured_prompts(reader) == []
    assert selectors.thread_for(peer_adviser, prompt.thread_id) is not None
    clock.advance(days=3)
    assert selectors.thread_for(reader, prompt.thread_id) is not None
