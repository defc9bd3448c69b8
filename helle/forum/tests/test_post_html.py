"""The posts of a thread page as HTML (post_html): every value escaped but the safe HTML."""

from collections import Counter

from django.test import RequestFactory

from helle.forum import post_html, selectors, services
from helle.forum.models import ContentWarning
from helle.forum.tests.conftest import REPLY


def _words(reader, thread, *, may_moderate=False) -> post_html.PostWords:
    request = RequestFactory().get("/")
    request.user = reader
    return post_html.PostWords.for_page(request, thread=thread, may_moderate=may_moderate)


def test_a_writers_name_full_of_markup_is_shown_as_text(open_thread, helper, trusted):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    reader = trusted("Læser")
    view = next(v for v in selectors.thread_page(reader, open_thread, 1).posts if v.post.pk == reply.pk)
    view.post.author_nickname = '<img src=x onerror="alert(1)">'
    html = post_html.posts_html([view], _words(reader, open_thread))
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_the_body_is_the_stored_html_and_a_warning_keeps_it_closed(open_thread, helper, trusted):
    reply = services.post_reply(author=helper, thread=open_thread, body="Det er **svært**")
    services.set_content_warning(actor=helper, post=reply, warning=ContentWarning.SELF_HARM)
    reader = trusted("Læser")
    view = next(v for v in selectors.thread_page(reader, open_thread, 1).posts if v.post.pk == reply.pk)
    html = post_html.posts_html([view], _words(reader, open_thread))
    assert "<strong>svært</strong>" in html
    assert html.index('<details class="content-warning">') < html.index("<strong>svært</strong>")


def test_a_reader_without_an_account_sees_counts_and_no_buttons(open_thread, helper, trusted):
    from django.contrib.auth.models import AnonymousUser

    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.toggle_reaction(member=trusted("Krammer"), post=reply, kind="hug")
    view = next(
        v for v in selectors.thread_page(AnonymousUser(), open_thread, 1).posts if v.post.pk == reply.pk
    )
    html = post_html.posts_html([view], _words(AnonymousUser(), open_thread))
    assert "<button" not in html and "<form" not in html
    assert '<span class="reaction__count">1</span>' in html


def test_a_members_buttons_share_one_form_with_one_csrf_field(open_thread, helper, trusted):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    reader = trusted("Læser")
    view = next(v for v in selectors.thread_page(reader, open_thread, 1).posts if v.post.pk == reply.pk)
    view.reactions = Counter({"same": 2})
    html = post_html.posts_html([view], _words(reader, open_thread))
    assert html.count("<form") == 1
    assert html.count('name="csrfmiddlewaretoken"') == 1
    assert html.count("formaction=") == 4  # three reactions and the bookmark
    assert f'hx-post="/forum/post/{reply.pk}/react/same/"' in html
