"""Forum search: what is found, in what order, and what never is.

Runs on the database of the day: SQLite (FTS5) by default, PostgreSQL (Danish full-text
search) when DATABASE_URL is set.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils.safestring import SafeString

from helle.core.roles import Role
from helle.forum import services
from helle.forum.models import ModerationMode, Post, Thread
from helle.forum.search import SQLITE_FTS_TABLE, ensure_search_index, search
from helle.identity.models import AgeBand

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's Danish stemming")


@pytest.fixture
def admin(admin_member):
    return admin_member


@pytest.fixture
def open_category(admin):
    return services.create_category(actor=admin, name="Venner og skole", moderation_mode=ModerationMode.POST)


@pytest.fixture
def young_category(admin):
    return services.create_category(
        actor=admin,
        name="Kun for de yngste",
        age_bands=[AgeBand.AGE_13_15, AgeBand.AGE_16_17],
        moderation_mode=ModerationMode.POST,
    )


@pytest.fixture
def writer(make_member):
    return make_member("Skrivefugl", age_band=AgeBand.AGE_16_17)


@pytest.fixture
def reader(make_member):
    return make_member("Laesehest", age_band=AgeBand.AGE_16_17)


def bodies(hits) -> list[str]:
    return [hit.post.body for hit in hits]


def test_a_word_finds_the_post_that_holds_it(writer, reader, open_category):
    post = services.start_thread(
        author=writer, category=open_category, title="Om weekenden", body="Vi spiller fodbold hver lørdag."
    )
    services.start_thread(
        author=writer, category=open_category, title="Noget andet", body="Jeg læser en bog."
    )

    hits = search(reader, "fodbold")

    assert [hit.post for hit in hits] == [post]
    assert hits[0].thread == post.thread
    assert "<mark>fodbold</mark>" in hits[0].snippet


def test_the_first_letters_of_a_word_find_its_longer_forms(writer, reader, open_category):
    services.start_thread(
        author=writer, category=open_category, title="Hjælp", body="Min veninde taler ikke til mig mere."
    )

    hits = search(reader, "venind")

    assert bodies(hits) == ["Min veninde taler ikke til mig mere."]
    assert "<mark>veninde</mark>" in hits[0].snippet


def test_words_are_found_whatever_their_case(writer, reader, open_category):
    services.start_thread(
        author=writer, category=open_category, title="Ærlighed", body="Er det ærligt at tie?"
    )

    assert len(search(reader, "ÆRLIG")) == 1


@on_postgresql
def test_on_postgresql_an_inflected_word_finds_its_other_forms(writer, reader, open_category):
    services.start_thread(
        author=writer, category=open_category, title="Hjælp", body="Min veninde er flyttet."
    )

    hits = search(reader, "veninderne")

    assert bodies(hits) == ["Min veninde er flyttet."]
    assert "<mark>veninde</mark>" in hits[0].snippet


@on_postgresql
def test_on_postgresql_little_words_in_the_query_are_left_out(writer, reader, open_category):
    services.start_thread(author=writer, category=open_category, title="Hygge", body="Vi bager kage.")

    assert bodies(search(reader, "kage eller hvad")) == ["Vi bager kage."]
    assert search(reader, "og eller") == []


def test_every_word_of_the_query_must_be_found(writer, reader, open_category):
    services.start_thread(author=writer, category=open_category, title="Sport", body="Fodbold og svømning.")
    services.start_thread(
        author=writer, category=open_category, title="Mere sport", body="Fodbold og håndbold."
    )

    assert bodies(search(reader, "fodbold svømning")) == ["Fodbold og svømning."]


def test_a_word_in_a_title_finds_the_opening_post(writer, reader, open_category):
    opening = services.start_thread(
        author=writer, category=open_category, title="Eksamensangst", body="Jeg sover dårligt for tiden."
    )
    services.post_reply(author=reader, thread=opening.thread, body="Det kender jeg godt.")

    hits = search(reader, "eksamensangst")

    assert [hit.post for hit in hits] == [opening]
    assert "<mark>Eksamensangst</mark>" in hits[0].title


def test_a_word_of_the_title_and_a_word_of_the_text_together_find_the_opening_post(
    writer, reader, open_category
):
    opening = services.start_thread(
        author=writer, category=open_category, title="Eksamensangst", body="Jeg sover dårligt for tiden."
    )
    services.post_reply(author=reader, thread=opening.thread, body="Jeg sover heller ikke godt.")

    assert [hit.post for hit in search(reader, "eksamensangst sover")] == [opening]


def test_a_changed_title_is_found_by_its_new_words(writer, reader, open_category):
    opening = services.start_thread(
        author=writer, category=open_category, title="Sommerferie", body="Hvad laver I?"
    )
    Thread.objects.filter(pk=opening.thread_id).update(title="Vinterferie")

    assert search(reader, "sommerferie") == []
    assert [hit.post for hit in search(reader, "vinterferie")] == [opening]


def test_an_edited_post_is_found_by_its_new_words_only(writer, reader, open_category):
    post = services.start_thread(
        author=writer, category=open_category, title="Musik", body="Jeg spiller guitar."
    )
    services.edit_post(author=writer, post=post, body="Jeg spiller klaver.")

    assert search(reader, "guitar") == []
    assert [hit.post for hit in search(reader, "klaver")] == [post]


def test_masked_words_are_not_found_but_the_shown_text_is(writer, reader, open_category):
    post = services.start_thread(
        author=writer, category=open_category, title="Tal", body="Skriv til hemmeligord."
    )
    # What the pipeline does to contact details in a crisis post: others see the masked text.
    Post.objects.filter(pk=post.pk).update(shown_body="Skriv til ▇▇▇▇.")

    assert search(reader, "hemmeligord") == []
    hits = search(reader, "skriv")
    assert [hit.post for hit in hits] == [post]
    assert "hemmeligord" not in hits[0].snippet


def test_the_best_match_comes_first(writer, reader, open_category):
    # The best match is the older one: on equal rank the newer would come first.
    best = services.start_thread(
        author=writer, category=open_category, title="Hunde", body="Hunde er de bedste. Jeg elsker hunde."
    )
    services.start_thread(
        author=writer,
        category=open_category,
        title="Lidt af hvert",
        body="I dag var der matematik, engelsk, idræt, dansk og til sidst lidt om hunde i biologi. "
        "Bagefter gik vi hjem og lavede lektier resten af dagen.",
    )

    hits = search(reader, "hunde")

    assert len(hits) == 2
    assert hits[0].post == best


def test_a_whole_word_comes_before_longer_words_that_begin_with_it(writer, reader, open_category):
    # The whole word is the older post: on equal rank the newer would come first.
    whole = services.start_thread(
        author=writer, category=open_category, title="Dyr", body="Der var en hund i parken."
    )
    services.start_thread(
        author=writer, category=open_category, title="Lektier", body="Der var hundredvis af opgaver."
    )

    hits = search(reader, "hund")

    assert len(hits) == 2
    assert hits[0].post == whole


def test_the_limit_caps_the_number_of_hits(writer, reader, open_category):
    for n in range(4):
        services.start_thread(
            author=writer, category=open_category, title=f"Tråd {n}", body="Cykling er sjovt."
        )

    assert len(search(reader, "cykling", limit=3)) == 3
    assert search(reader, "cykling", limit=0) == []


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_an_empty_query_finds_nothing(writer, reader, open_category, query):
    services.start_thread(author=writer, category=open_category, title="Noget", body="Lidt tekst.")

    assert search(reader, query) == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"""',
        "AND (",
        "*",
        "fod*",
        "NOT OR AND NEAR(",
        "body: title:",
        "^fodbold",
        "-fodbold",
        "fodbold:*",
        "'; DROP TABLE forum_post; --",
        "& | ! ( ) < > <-> :",
        "\\",
        "%s %(x)s %%",
        "\x00",
        "og",
        "a b c d e f g h i j k l m n o p",
        "fodbold " * 200,
        "x" * 500,
        "🙂 😢",
    ],
)
def test_hostile_query_strings_do_not_raise(writer, reader, open_category, query):
    services.start_thread(author=writer, category=open_category, title="Sport", body="Vi spiller fodbold.")

    hits = search(reader, query)

    assert isinstance(hits, list)


def test_query_operators_are_read_as_words(writer, reader, open_category):
    services.start_thread(author=writer, category=open_category, title="Sport", body="Vi spiller fodbold.")

    assert len(search(reader, '"fodbold" AND (')) == 0  # "and" is a word, and it is not there
    assert len(search(reader, "fodbold*")) == 1
    assert len(search(reader, "-fodbold")) == 1


def test_the_snippet_escapes_html_and_marks_only_the_words_found(writer, reader, open_category):
    services.start_thread(
        author=writer,
        category=open_category,
        title="<b>Fed</b> titel",
        body='Jeg skrev <script>alert("hej")</script> om hygge & ro.',
    )

    hit = search(reader, "hygge")[0]

    assert isinstance(hit.snippet, SafeString)
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;alert(&quot;hej&quot;)&lt;/script&gt;" in hit.snippet
    assert "<mark>hygge</mark> &amp; ro." in hit.snippet
    assert "<b>" not in hit.title
    assert hit.title == "&lt;b&gt;Fed&lt;/b&gt; titel"


def test_a_search_for_markup_finds_no_markup(writer, reader, open_category):
    services.start_thread(
        author=writer, category=open_category, title="Kode", body="<img src=x onerror=alert(1)>"
    )

    [hit] = search(reader, "img onerror")

    assert hit.snippet == "&lt;<mark>img</mark> src=x <mark>onerror</mark>=alert(1)&gt;"


def test_a_long_post_is_cut_around_the_first_word_found(writer, reader, open_category):
    body = (
        "I går var jeg sammen med min familie i sommerhuset ved vandet. Vi spiste morgenmad ude på "
        "terrassen, og bagefter gik vi en lang tur langs stranden, hvor min lillebror samlede sten og "
        "muslingeskaller. "
        "Om eftermiddagen spillede vi badminton i haven. Om aftenen spillede vi kort, og min mor lavede "
        "lasagne, som vi spiste mens solen gik ned bag træerne. Det var en rigtig god dag, og jeg glæder mig "
        "allerede til at tage derud igen i næste weekend."
    )
    services.start_thread(author=writer, category=open_category, title="Langt indlæg", body=body)

    snippet = search(reader, "badminton")[0].snippet

    assert "<mark>badminton</mark>" in snippet
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert len(snippet) < 300
    assert "familie" not in snippet
    assert "weekend" not in snippet


def test_held_posts_are_never_found_not_even_by_their_author(make_member, admin, reader):
    careful = services.create_category(
        actor=admin, name="Nye skribenter", moderation_mode=ModerationMode.PRE_NEW
    )
    newcomer = make_member("Nybegynder", age_band=AgeBand.AGE_16_17)
    held = services.start_thread(
        author=newcomer, category=careful, title="Første gang", body="Jeg elsker tegneserier."
    )

    assert held.state == Post.State.HELD
    for who in (newcomer, reader, admin, AnonymousUser()):
        assert search(who, "tegneserier") == []
        assert search(who, "første") == []


def test_a_held_reply_is_never_found(make_member, admin, reader):
    careful = services.create_category(
        actor=admin, name="Nye skribenter", moderation_mode=ModerationMode.PRE_NEW
    )
    thread = services.start_thread(author=admin, category=careful, title="Velkommen", body="Sig hej.").thread
    newcomer = make_member("Nybegynder", age_band=AgeBand.AGE_16_17)
    reply = services.post_reply(author=newcomer, thread=thread, body="Hej, jeg kan lide skateboard.")

    assert reply.state == Post.State.HELD
    assert search(reader, "skateboard") == []
    assert search(newcomer, "skateboard") == []


def test_hidden_posts_are_never_found_not_even_by_moderators(writer, reader, admin, open_category):
    thread = services.start_thread(
        author=writer, category=open_category, title="Spil", body="Hvem spiller skak?"
    ).thread
    reply = services.post_reply(author=reader, thread=thread, body="Jeg spiller skak om tirsdagen.")
    services.moderate_post(actor=admin, post=reply, action="hide", reason="test")

    assert bodies(search(reader, "skak")) == ["Hvem spiller skak?"]
    assert bodies(search(admin, "tirsdagen")) == []


def test_a_hidden_thread_is_found_neither_by_its_title_nor_by_its_replies(
    writer, reader, admin, open_category
):
    opening = services.start_thread(
        author=writer, category=open_category, title="Ridning", body="Hvem rider?"
    )
    services.post_reply(author=reader, thread=opening.thread, body="Jeg rider på en islandsk hest.")
    services.moderate_post(actor=admin, post=opening, action="hide", reason="test")

    assert search(reader, "ridning") == []
    assert search(reader, "islandsk") == []


def test_deleted_posts_are_never_found(writer, reader, open_category):
    thread = services.start_thread(
        author=writer, category=open_category, title="Mad", body="Hvad spiser I?"
    ).thread
    reply = services.post_reply(author=reader, thread=thread, body="Jeg spiser pandekager.")
    services.delete_own_post(author=reader, post=reply)

    assert search(reader, "pandekager") == []
    assert search(writer, "pandekager") == []


def test_a_prompt_waiting_for_its_time_is_found_only_from_then(clock, admin, reader, open_category):
    services.start_thread(
        author=admin,
        category=open_category,
        title="Ugens spørgsmål: drømme",
        body="Hvad drømmer I om at blive?",
        prompt=True,
        publish_at=clock() + timedelta(days=1),
    )

    assert search(reader, "drømmer") == []
    assert search(admin, "drømmer") == []

    clock.advance(days=1, minutes=1)

    assert bodies(search(reader, "drømmer")) == ["Hvad drømmer I om at blive?"]


def test_posts_for_younger_members_are_not_found_by_an_older_member(
    make_member, writer, reader, young_category, open_category
):
    services.start_thread(author=writer, category=young_category, title="Skolen", body="Min lærer er sød.")
    services.start_thread(author=writer, category=open_category, title="Skolen", body="Min lærer er streng.")
    grown_up = make_member("Voksen", age_band=AgeBand.OVER_25)

    assert bodies(search(grown_up, "lærer")) == ["Min lærer er streng."]
    assert sorted(bodies(search(reader, "lærer"))) == ["Min lærer er streng.", "Min lærer er sød."]


def test_staff_find_posts_in_every_category(make_member, writer, young_category):
    services.start_thread(author=writer, category=young_category, title="Skolen", body="Min lærer er sød.")
    counsellor = make_member("Raadgiver Rita", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)

    assert bodies(search(counsellor, "lærer")) == ["Min lærer er sød."]


def test_a_peer_adviser_finds_posts_in_the_categories_assigned_to_them(
    make_member, admin, writer, young_category
):
    services.start_thread(author=writer, category=young_category, title="Skolen", body="Min lærer er sød.")
    peer = make_member("Peer Pia", role=Role.PEER_ADVISER, age_band=AgeBand.AGE_18_25)

    assert search(peer, "lærer") == []

    services.save_category(actor=admin, category=young_category, peer_advisers=[peer])
    peer = type(peer).objects.get(pk=peer.pk)  # a fresh user, as on the next request

    assert bodies(search(peer, "lærer")) == ["Min lærer er sød."]


def test_an_anonymous_reader_finds_only_posts_in_open_categories(writer, young_category, open_category):
    services.start_thread(author=writer, category=young_category, title="Skolen", body="Min lærer er sød.")
    services.start_thread(author=writer, category=open_category, title="Skolen", body="Min lærer er streng.")

    assert bodies(search(AnonymousUser(), "lærer")) == ["Min lærer er streng."]
    assert bodies(search(None, "lærer")) == ["Min lærer er streng."]


def test_a_thread_moved_to_a_closed_category_is_no_longer_found(
    make_member, admin, writer, young_category, open_category
):
    post = services.start_thread(
        author=writer, category=open_category, title="Flytning", body="Vi flytter til Aarhus."
    )
    grown_up = make_member("Voksen", age_band=AgeBand.OVER_25)
    assert len(search(grown_up, "aarhus")) == 1

    services.move_thread(actor=admin, thread=post.thread, category=young_category, reason="test")

    assert search(grown_up, "aarhus") == []


def test_a_search_costs_a_fixed_number_of_queries(
    writer, reader, open_category, django_assert_max_num_queries
):
    for n in range(5):
        thread = services.start_thread(
            author=writer, category=open_category, title=f"Tråd {n}", body="Tennis om onsdagen."
        ).thread
        services.post_reply(author=reader, thread=thread, body="Tennis er godt.")
    reader = type(reader).objects.get(pk=reader.pk)
    ensure_search_index()  # as after migrate: a repair is not part of a search's cost

    with django_assert_max_num_queries(6):
        hits = search(reader, "tennis")
        [(hit.post.author_id, hit.thread.title, hit.thread.category.name) for hit in hits]

    assert len(hits) == 10


on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")

SQLITE_TRIGGERS = {
    "forum_search_thread_insert",
    "forum_search_thread_title",
    "forum_search_thread_delete",
    "forum_search_post_insert",
    "forum_search_post_update",
    "forum_search_post_delete",
}


def sqlite_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'forum_search_%'")
        return {row[0] for row in cursor.fetchall()}


def indexed_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {SQLITE_FTS_TABLE}")  # noqa: S608 - our table name
        return cursor.fetchone()[0]


def test_after_all_migrations_the_search_index_is_whole():
    # On SQLite a later migration that rebuilds forum_post or forum_thread drops their
    # triggers; the post_migrate repair (ensure_search_index) puts them back.
    ensure_search_index()

    if connection.vendor == "sqlite":
        assert sqlite_triggers() == SQLITE_TRIGGERS
        assert ensure_search_index() is False  # nothing left to repair
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["forum_%search_da"])
            assert {row[0] for row in cursor.fetchall()} == {
                "forum_post_search_da",
                "forum_thread_title_search_da",
            }


@on_sqlite
def test_posts_written_after_a_migration_dropped_the_triggers_are_still_found(writer, reader, open_category):
    before = services.start_thread(author=writer, category=open_category, title="Før", body="Jeg fisker.")
    with connection.cursor() as cursor:  # what a rebuild of forum_post/forum_thread does to them
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    after = services.start_thread(
        author=writer, category=open_category, title="Efter", body="Jeg fisker også."
    )
    services.edit_post(author=writer, post=before, body="Jeg sejler.")

    assert [hit.post for hit in search(reader, "fisker")] == [after]
    assert [hit.post for hit in search(reader, "sejler")] == [before]
    assert sqlite_triggers() == SQLITE_TRIGGERS


@on_sqlite
def test_removing_a_thread_removes_its_posts_from_the_index(writer, reader, open_category):
    ensure_search_index()
    start = indexed_rows()
    thread = services.start_thread(
        author=writer, category=open_category, title="Kager", body="Jeg bager."
    ).thread
    services.post_reply(author=reader, thread=thread, body="Jeg bager også.")

    assert indexed_rows() == start + 2
    thread.delete()
    assert indexed_rows() == start
