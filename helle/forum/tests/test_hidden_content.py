"""Hidden content is explained to its writer with a statement of reasons they can appeal (the
EU Digital Services Act asks for one whenever content is made invisible)."""

import pytest

from helle.core.roles import Role
from helle.forum import services
from helle.forum.models import Post
from helle.forum.tests.conftest import REPLY
from helle.identity.models import AgeBand
from helle.safety import selectors as safety_selectors
from helle.safety import services as safety_services
from helle.safety.models import ReviewItem, Sanction, StatementOfReasons


@pytest.fixture
def supervisor(make_member):
    return make_member("Supervisor Sus", role=Role.SUPERVISOR, age_band=AgeBand.OVER_25)


def _item_for(post) -> ReviewItem:
    return ReviewItem.objects.get(target_type="forum.post", target_id=str(post.pk))


def test_hiding_a_post_from_the_queue_tells_its_writer_why(open_thread, helper, peer_adviser, counsellor):
    open_thread.category.peer_advisers.add(peer_adviser)
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.moderate_post(actor=peer_adviser, post=reply, action="hide", reason="Gentager sig selv")
    assert not StatementOfReasons.objects.exists()  # the peer adviser's hide waits for staff
    safety_services.decide(
        moderator=counsellor,
        item=_item_for(reply),
        outcome="hide",
        reason="Svaret var uvenligt.",
        house_rule=2,
    )
    statement = safety_selectors.statements_for(helper).get()
    assert statement.sanction.kind == Sanction.Kind.HIDE_CONTENT
    assert (statement.facts, statement.house_rule, statement.content_excerpt) == (
        "Svaret var uvenligt.",
        2,
        REPLY,
    )
    assert statement.sanction.issued_by == counsellor
    assert not safety_selectors.is_silenced(helper)  # hiding a post takes away nothing else


def test_approving_from_the_queue_sends_no_statement(open_thread, helper, peer_adviser, counsellor):
    open_thread.category.peer_advisers.add(peer_adviser)
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.moderate_post(actor=peer_adviser, post=reply, action="hold", reason="Lige et øjeblik")
    safety_services.decide(moderator=counsellor, item=_item_for(reply), outcome="approve", reason="fint")
    assert not StatementOfReasons.objects.exists()


def test_a_moderator_hiding_a_post_on_the_spot_tells_its_writer_why(open_thread, helper, counsellor):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.moderate_post(actor=counsellor, post=reply, action="hide", reason="Det hører ikke hjemme her.")
    statement = safety_selectors.statements_for(helper).get()
    assert statement.facts == "Det hører ikke hjemme her."
    assert statement.sanction.target_type == "forum.post"


def test_an_overturned_appeal_shows_the_hidden_post_again(open_thread, helper, counsellor, supervisor):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.moderate_post(actor=counsellor, post=reply, action="hide", reason="Misforstået som grimt.")
    statement = safety_selectors.statements_for(helper).get()
    appeal = safety_services.appeal(member=helper, statement=statement, text="Jeg mente det venligt.")
    safety_services.decide_appeal(
        moderator=supervisor, appeal=appeal, overturn=True, reason="Det var venligt."
    )
    reply.refresh_from_db()
    assert reply.state == Post.State.VISIBLE


def test_an_upheld_appeal_keeps_the_post_hidden(open_thread, helper, counsellor, supervisor):
    reply = services.post_reply(author=helper, thread=open_thread, body=REPLY)
    services.moderate_post(actor=counsellor, post=reply, action="hide", reason="Uvenligt.")
    statement = safety_selectors.statements_for(helper).get()
    appeal = safety_services.appeal(member=helper, statement=statement, text="Det var ikke slemt.")
    safety_services.decide_appeal(
        moderator=supervisor, appeal=appeal, overturn=False, reason="Det var uvenligt."
    )
    reply.refresh_from_db()
    assert reply.state == Post.State.HIDDEN
