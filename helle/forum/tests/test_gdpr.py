"""A member's forum data in their export, and what happens to it when they leave."""

from helle.forum import services
from helle.forum.models import Post, Thread
from helle.forum.tests.conftest import HARMLESS, REPLY
from helle.identity import services as identity_services


def test_the_export_holds_the_members_posts_drafts_and_earlier_versions(open_thread, helper):
    post = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.edit_post(author=helper, post=post, body="Et bedre svar")
    services.save_draft(member=helper, key="thread:1", body="Halvt skrevet")
    data = identity_services.export_member_data(member=helper).data["forum"]
    assert data["posts"][0]["text"] == "Et bedre svar"
    assert data["posts"][0]["earlier_versions"] == [REPLY]
    assert data["drafts"][0]["text"] == "Halvt skrevet"


def test_leaving_and_keeping_public_posts_leaves_them_by_a_former_member(open_thread, helper):
    post = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    identity_services.erase_member(member=helper, keep_public=True)
    post.refresh_from_db()
    assert post.author is None and post.body == REPLY


def test_leaving_and_removing_everything_keeps_the_answers_others_wrote(
    open_thread, asker, helper, open_category
):
    services.post_reply(author=helper, thread=open_thread, body=REPLY)
    alone = services.start_thread(author=asker, category=open_category, title="Alene", body=HARMLESS).thread
    identity_services.erase_member(member=asker, keep_public=False)
    assert not Thread.objects.filter(pk=alone.pk).exists()
    opening = Post.objects.get(thread=open_thread, is_opening=True)
    assert opening.body == "" and opening.state == Post.State.DELETED
    assert Post.objects.filter(thread=open_thread, body=REPLY).exists()
