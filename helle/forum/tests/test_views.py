"""The forum pages: nothing typed is lost, help is shown in a crisis, unseen things are 404."""

import pytest
from django.urls import reverse

from conftest import log_in
from helle.forum import selectors, services
from helle.forum.models import ModerationMode, Post
from helle.forum.tests.conftest import HARMLESS, REPLY
from helle.identity.models import AgeBand


def test_a_refused_reply_comes_back_with_the_reason_and_every_word(client, open_thread, helper):
    log_in(client, helper)
    typed = "Du kan skrive til mig på 20 30 40 50, så hjælper jeg dig med lektierne i aften."
    response = client.post(reverse("forum:reply", args=[open_thread.pk]), {"body": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert typed in html
    assert "kontaktoplysningerne" in html
    assert not Post.objects.filter(body=typed).exists()


def test_preview_shows_the_formatted_reply_and_sends_nothing(client, open_thread, helper):
    log_in(client, helper)
    response = client.post(
        reverse("forum:reply", args=[open_thread.pk]), {"body": "Det er *vigtigt* at sove", "preview": "1"}
    )
    assert response.status_code == 200
    assert "<em>vigtigt</em>" in response.content.decode()
    assert Post.objects.filter(thread=open_thread).count() == 1


def test_a_crisis_reply_shows_the_writer_help_at_once(client, open_thread, helper):
    log_in(client, helper)
    response = client.post(
        reverse("forum:reply", args=[open_thread.pk]),
        {"body": "jeg vil ikke leve mere, jeg har samlet piller til i aften"},
        follow=True,
    )
    html = response.content.decode()
    assert 'id="help"' in html
    assert reverse("core:help") in html
    again = client.get(reverse("forum:thread", args=[open_thread.pk])).content.decode()
    assert 'id="help"' not in again  # shown once, right after writing


def test_a_new_members_post_says_it_waits_for_a_moderator(client, make_category, make_member):
    category = make_category(mode=ModerationMode.PRE_NEW)
    log_in(client, make_member())
    response = client.post(
        reverse("forum:new_thread", args=[category.slug]),
        {"title": "Et spørgsmål", "body": HARMLESS},
        follow=True,
    )
    html = response.content.decode()
    assert "En moderator kigger på dit indlæg, før andre kan se det" in html
    assert "Venter på en moderator" in html
    assert selectors.thread_for(make_member("Anden"), Post.objects.get().thread_id) is None


def test_pages_a_reader_may_not_see_answer_404(client, make_category, trusted, make_member):
    young = make_category("Unge", age_bands=[AgeBand.AGE_13_15])
    writer = trusted("Ung", age_band=AgeBand.AGE_13_15)
    post = services.start_thread(author=writer, category=young, title="Hej", body=HARMLESS)
    log_in(client, make_member("Voksen", age_band=AgeBand.OVER_25))
    for url in (
        reverse("forum:thread", args=[post.thread_id]),
        reverse("forum:category", args=[young.slug]),
        reverse("forum:new_thread", args=[young.slug]),
        reverse("forum:edit", args=[post.pk]),
        reverse("forum:moderate", args=[post.pk]),
        reverse("forum:waiting"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("forum:react", args=[post.pk, "hug"])).status_code == 404


def test_a_draft_is_saved_as_the_member_types(client, open_thread, helper):
    log_in(client, helper)
    key = services.draft_key_for_thread(open_thread)
    response = client.post(
        reverse("forum:draft"), {"key": key, "body": "Jeg tænkte på"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert selectors.draft_for(helper, key).body == "Jeg tænkte på"
    page = client.get(reverse("forum:thread", args=[open_thread.pk])).content.decode()
    assert "Jeg tænkte på" in page  # back in the reply box after a lost connection


def test_the_empty_reply_form_is_in_the_readers_language(client, open_thread, helper):
    """The form without a draft is made once per language (views._blank_reply_form)."""
    log_in(client, helper)
    url = reverse("forum:thread", args=[open_thread.pk])
    assert "Dit svar" in client.get(url).content.decode()
    client.post(reverse("identity:set_language"), {"language": "en", "next": "/"})
    english = client.get(url).content.decode()
    assert "Your reply" in english
    assert "Dit svar" not in english
    client.post(reverse("identity:set_language"), {"language": "da", "next": "/"})
    assert "Dit svar" in client.get(url).content.decode()


def test_a_draft_for_a_place_the_member_may_not_write_is_refused(client, make_category, trusted, helper):
    young = make_category("Unge", age_bands=[AgeBand.AGE_13_15])
    log_in(client, helper)  # 16-17
    response = client.post(reverse("forum:draft"), {"key": f"category:{young.pk}", "body": "x"})
    assert response.status_code == 404
    assert client.post(reverse("forum:draft"), {"key": "nonsense", "body": "x"}).status_code == 404


def test_links_in_posts_go_through_a_warning_page_first(client, open_thread, helper):
    services.post_reply(author=helper, thread=open_thread, body="Læs [her](https://www.sundhed.dk/borger)")
    html = client.get(reverse("forum:thread", args=[open_thread.pk])).content.decode()
    assert 'href="https://www.sundhed.dk' not in html
    leave = reverse("forum:leave")
    assert f'href="{leave}?to=https%3A%2F%2Fwww.sundhed.dk%2Fborger"' in html
    warning = client.get(leave, {"to": "https://www.sundhed.dk/borger"}).content.decode()
    assert 'href="https://www.sundhed.dk/borger"' in warning
    refused = client.get(leave, {"to": "javascript:alert(1)"}).content.decode()
    assert "javascript:alert" not in refused.split("<main", 1)[1].split("href=")[-1]


def test_a_reaction_by_htmx_returns_the_updated_counts(client, open_thread, helper, trusted):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    log_in(client, trusted("Krammer"))
    response = client.post(reverse("forum:react", args=[reply.pk, "hug"]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="reactions" id="reactions-{reply.pk}"')
    assert 'aria-pressed="true"' in html


@pytest.mark.parametrize("role_fixture", ["admin_client"])
def test_an_admin_creates_a_section_with_age_groups_and_peer_advisers(request, role_fixture, peer_adviser):
    client = request.getfixturevalue(role_fixture)
    response = client.post(
        reverse("forum:category_new"),
        {
            "name": "Kun for de yngste",
            "description": "13-15",
            "age_bands": ["13-15"],
            "moderation_mode": "pre_all",
            "position": 1,
            "peer_advisers": [peer_adviser.pk],
        },
    )
    assert response.status_code == 302
    category = selectors.category_by_slug(peer_adviser, "kun-for-de-yngste")
    assert category is not None and category.age_bands == ["13-15"]
    assert list(category.peer_advisers.all()) == [peer_adviser]


def test_members_and_peer_advisers_cannot_manage_sections(client, helper, peer_adviser):
    for who in (helper, peer_adviser):
        log_in(client, who)
        assert client.get(reverse("forum:categories")).status_code == 404


def test_the_forum_pages_render_for_a_member(client, open_thread, helper, peer_adviser):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.toggle_bookmark(member=helper, post=reply)
    log_in(client, helper)
    for url in (
        reverse("forum:index"),
        reverse("forum:category", args=[open_thread.category.slug]),
        reverse("forum:thread", args=[open_thread.pk]),
        reverse("forum:new_thread", args=[open_thread.category.slug]),
        reverse("forum:edit", args=[reply.pk]),
        reverse("forum:delete", args=[reply.pk]),
        reverse("forum:notifications"),
        reverse("forum:bookmarks"),
        reverse("forum:search") + "?q=lillebror",
    ):
        assert client.get(url).status_code == 200, url
    log_in(client, peer_adviser)
    assert client.get(reverse("forum:waiting")).status_code == 200


def test_a_featured_discussion_prompt_is_on_the_front_page(client, make_category, peer_adviser):
    category = make_category("Mine", peer_advisers=[peer_adviser])
    services.start_thread(
        author=peer_adviser,
        category=category,
        title="Ugens spørgsmål om venskab",
        body=HARMLESS,
        prompt=True,
        featured=True,
    )
    assert "Ugens spørgsmål om venskab" in client.get(reverse("core:home")).content.decode()


def test_a_reported_post_goes_to_the_review_queue_with_a_link_to_where_it_was_written(
    client, open_thread, helper, trusted, counsellor
):
    from helle.safety.models import ReviewItem

    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    log_in(client, trusted("Anmelder"))
    response = client.post(
        reverse("safety:report", args=["forum.post", reply.pk]), {"category": "harassment"}
    )
    assert response.status_code == 200
    item = ReviewItem.objects.get(target_type="forum.post", target_id=str(reply.pk), reason="reported")
    log_in(client, counsellor, second_factor=True)
    page = client.get(reverse("safety:review", args=[item.pk])).content.decode()
    assert f"{reverse('forum:thread', args=[open_thread.pk])}#post-{reply.pk}" in page


def test_every_link_under_a_post_is_the_address_its_view_answers_at(client, open_thread, asker, helper):
    """The post templates build links from prefixes (views.post_links), not reverse()."""
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    log_in(client, asker)  # the asker: report, helpful, bookmark and reactions on the reply
    html = client.get(reverse("forum:thread", args=[open_thread.pk])).content.decode()
    opening = open_thread.posts.get(is_opening=True)
    for url in (
        reverse("forum:helpful", args=[reply.pk]),
        reverse("forum:bookmark", args=[reply.pk]),
        reverse("safety:report", args=["forum.post", reply.pk]),
        reverse("forum:react", args=[reply.pk, "hug"]),
        reverse("forum:edit", args=[opening.pk]),
        reverse("forum:delete", args=[opening.pk]),
    ):
        assert f'"{url}"' in html, url
