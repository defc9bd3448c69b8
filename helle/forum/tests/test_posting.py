"""Posting as each trust level in each moderation mode, through the safety pipeline."""

import pytest

from helle.forum import selectors, services
from helle.forum.models import ModerationMode, Post, Thread
from helle.forum.tests.conftest import HARMLESS, REPLY
from helle.identity.models import Member
from helle.safety.models import ReviewItem

# (mode, trust level) -> is the post held for a moderator?
HELD = {
    (ModerationMode.PRE_ALL, 0): True,
    (ModerationMode.PRE_ALL, 1): True,
    (ModerationMode.PRE_ALL, 3): True,
    (ModerationMode.PRE_NEW, 0): True,
    (ModerationMode.PRE_NEW, 1): False,
    (ModerationMode.PRE_NEW, 3): False,
    (ModerationMode.POST, 0): False,
    (ModerationMode.POST, 1): False,
    (ModerationMode.POST, 3): False,
}


@pytest.mark.parametrize(("mode", "trust_level"), list(HELD))
def test_a_post_is_held_or_shown_by_the_categorys_mode_and_the_writers_trust_level(
    mode, trust_level, make_category, make_member
):
    category = make_category(mode=mode)
    writer = make_member()
    Member.objects.filter(pk=writer.pk).update(trust_level=trust_level)
    writer.refresh_from_db()
    post = services.start_thread(author=writer, category=category, title="Et spørgsmål", body=HARMLESS)
    held = HELD[(mode, trust_level)]
    assert post.state == (Post.State.HELD if held else Post.State.VISIBLE)
    assert post.thread.state == post.state
    in_queue = ReviewItem.objects.filter(target_type="forum.post", target_id=str(post.pk), reason="held")
    assert in_queue.exists() is held


def test_a_held_post_keeps_every_word_and_only_its_writer_sees_it(make_category, make_member, trusted):
    category = make_category(mode=ModerationMode.PRE_ALL)
    writer, reader = make_member(), trusted("Læser")
    post = services.start_thread(author=writer, category=category, title="Hjælp", body=HARMLESS)
    assert Post.objects.get(pk=post.pk).body == HARMLESS
    assert selectors.thread_for(writer, post.thread_id) is not None
    assert selectors.thread_for(reader, post.thread_id) is None
    assert selectors.thread_for(None, post.thread_id) is None


def test_approving_a_held_reply_shows_it_and_tells_the_writer(make_category, make_member, asker, counsellor):
    category = make_category(mode=ModerationMode.PRE_NEW)
    thread = services.start_thread(author=asker, category=category, title="Hjælp", body=HARMLESS).thread
    newcomer = make_member("Ny")
    reply = services.post_reply(author=newcomer, thread=thread, body=REPLY)
    assert reply.state == Post.State.HELD
    assert Thread.objects.get(pk=thread.pk).reply_count == 0
    item = ReviewItem.objects.get(target_type="forum.post", target_id=str(reply.pk))
    from helle.safety import services as safety_services

    safety_services.decide(moderator=counsellor, item=item, outcome="approve", reason="fint")
    reply.refresh_from_db()
    assert reply.state == Post.State.VISIBLE
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.first_reply_at is not None
    assert [n.kind for n in selectors.notifications_for(newcomer)] == ["approved"]


def test_contact_details_are_refused_with_a_helpful_message_and_nothing_is_stored(open_category, asker):
    with pytest.raises(services.Refused) as refused:
        services.start_thread(
            author=asker, category=open_category, title="Snak", body="Skriv til mig på 20 30 40 50 i aften"
        )
    assert "kontaktoplysningerne" in str(refused.value)  # Danish is the default language
    assert "body" in refused.value.errors
    assert not Post.objects.exists()


def test_a_crisis_post_is_shown_at_once_behind_a_warning_and_alerts_staff(make_category, make_member):
    category = make_category(mode=ModerationMode.PRE_ALL)  # even where everything else waits
    writer = make_member()
    post = services.start_thread(
        author=writer,
        category=category,
        title="Jeg kan ikke mere",
        body="jeg vil ikke leve mere, jeg har samlet piller til i aften",
    )
    assert post.state == Post.State.VISIBLE
    assert post.crisis is True
    assert post.content_warning == "self_harm"
    item = ReviewItem.objects.get(target_type="forum.post", target_id=str(post.pk), reason="crisis")
    assert item.severity >= 2


def test_a_crisis_reply_with_a_phone_number_is_shown_with_the_number_masked(open_thread, helper):
    post = services.post_reply(
        author=helper, thread=open_thread, body="jeg vil ikke leve mere. ring til mig på 20 30 40 50"
    )
    assert post.state == Post.State.VISIBLE and post.crisis
    assert "20 30 40 50" in post.body
    assert "20 30 40 50" not in post.public_body


def test_an_edit_keeps_the_earlier_wording_and_passes_the_pipeline_again(open_thread, helper):
    post = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.edit_post(author=helper, post=post, body="Jeg mener: tal med ham i ro og mag.")
    assert [r.body for r in selectors.revisions_of(post)] == [REPLY]
    with pytest.raises(services.Refused):
        services.edit_post(author=helper, post=post, body="skriv på snap: hjaelper_2009")
    post.refresh_from_db()
    assert post.body == "Jeg mener: tal med ham i ro og mag."


def test_deleting_a_reply_hides_it_and_counts_it_out(open_thread, helper):
    post = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    assert Thread.objects.get(pk=open_thread.pk).reply_count == 1
    services.delete_own_post(author=helper, post=post)
    assert Thread.objects.get(pk=open_thread.pk).reply_count == 0
    assert selectors.post_for(helper, post.pk) is None


def test_someone_else_cannot_edit_or_delete_a_post(open_thread, helper, asker):
    from django.http import Http404

    post = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    with pytest.raises(Http404):
        services.edit_post(author=asker, post=post, body="ændret")
    with pytest.raises(Http404):
        services.delete_own_post(author=asker, post=post)


def test_a_locked_thread_takes_no_more_replies(open_thread, helper, counsellor):
    from django.core.exceptions import PermissionDenied

    services.set_locked(actor=counsellor, thread=open_thread, locked=True, reason="færdig")
    with pytest.raises(PermissionDenied):
        services.post_reply(author=helper, thread=open_thread, body=REPLY)


def test_a_silenced_member_cannot_post(open_category, make_member, counsellor, admin_member):
    from django.core.exceptions import PermissionDenied

    from helle.safety import services as safety_services

    writer = make_member()
    safety_services.sanction(moderator=admin_member, member=writer, kind="silence", reason="regel 2")
    with pytest.raises(PermissionDenied):
        services.start_thread(author=writer, category=open_category, title="Hej", body=HARMLESS)


def test_followers_are_notified_of_a_reply_but_not_of_their_own(open_thread, asker, helper):
    services.post_reply(author=helper, thread=open_thread, body=REPLY)
    assert [n.kind for n in selectors.notifications_for(asker)] == ["reply"]
    assert selectors.notifications_for(helper) == []


def test_a_draft_is_kept_until_the_post_is_sent(open_thread, helper):
    key = services.draft_key_for_thread(open_thread)
    services.save_draft(member=helper, key=key, body="Jeg vil gerne sige")
    assert selectors.draft_for(helper, key).body == "Jeg vil gerne sige"
    services.post_reply(author=helper, thread=open_thread, body=REPLY)
    assert selectors.draft_for(helper, key) is None


def test_a_sections_address_keeps_danish_letters_at_the_start_of_a_word(db):
    created = services.create_category(actor=None, name="Økonomi og Ærgrelser")
    assert created.slug == "oekonomi-og-aergrelser"
