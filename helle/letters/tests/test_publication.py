"""Publication: only with consent, written by an editor, approved by someone else, and taken
down when the writer withdraws consent. The figures for the impact report. Data protection."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from helle.core import clock as helle_clock
from helle.identity import gdpr as data_protection
from helle.letters import selectors, services
from helle.letters.models import Letter, Publication
from helle.letters.tests.conftest import LETTER, answered


def _draft(letter, editor, *, submit=True):
    return services.save_publication(
        editor=editor,
        letter=letter,
        title="Eksamensnerver",
        question="Jeg er nervøs.",
        answer="Det er normalt.",
        submit=submit,
    )


def test_an_editor_cannot_publish_a_letter_whose_writer_said_no(
    writer, topic, counsellor, supervisor, editor
):
    letter = answered(
        services.send_letter(writer=writer, topic=topic, body=LETTER, may_publish=False),
        counsellor,
        supervisor,
    )
    with pytest.raises(Http404):
        _draft(letter, editor)


def test_a_publication_is_approved_by_someone_other_than_its_editor(
    letter, counsellor, supervisor, make_member
):
    from helle.core.roles import Role

    answered(letter, counsellor, supervisor)
    editing_supervisor = make_member("Redigerende Supervisor", role=Role.SUPERVISOR)
    editing_supervisor.user_permissions.add(
        __import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.get(
            codename="publish"
        )
    )
    editing_supervisor = type(editing_supervisor).objects.get(pk=editing_supervisor.pk)
    publication = _draft(letter, editing_supervisor)
    with pytest.raises(PermissionDenied):
        services.review_publication(reviewer=editing_supervisor, publication=publication, approve=True)
    services.review_publication(reviewer=supervisor, publication=publication, approve=True)
    publication.refresh_from_db()
    assert publication.state == Publication.State.PUBLISHED and publication.approved_by == supervisor


def test_withdrawing_consent_before_publication_stops_it(letter, counsellor, supervisor, editor, as_):
    answered(letter, counsellor, supervisor)
    publication = _draft(letter, editor)
    as_(letter.writer).post(reverse("letters:consent", args=[letter.pk]), {"may_publish": "no"})
    publication.refresh_from_db()
    assert publication.state == Publication.State.REMOVED
    letter.refresh_from_db()
    assert letter not in selectors.letters_to_publish()
    assert as_(editor).get(reverse("letters:publication_edit", args=[letter.pk])).status_code == 404


def test_a_writer_can_have_a_published_letter_taken_down(letter, counsellor, supervisor, editor, as_):
    answered(letter, counsellor, supervisor)
    publication = services.review_publication(
        reviewer=supervisor, publication=_draft(letter, editor), approve=True
    )
    assert as_(None).get(reverse("letters:published", args=[publication.pk])).status_code == 200
    as_(letter.writer).post(reverse("letters:consent", args=[letter.pk]), {"may_publish": "no"})
    assert as_(None).get(reverse("letters:published", args=[publication.pk])).status_code == 404
    assert not selectors.similar_published("nervøs")


def test_the_archive_never_shows_drafts_or_publications_waiting_for_approval(
    letter, counsellor, supervisor, editor
):
    answered(letter, counsellor, supervisor)
    publication = _draft(letter, editor)
    assert publication.state == Publication.State.IN_REVIEW
    assert not selectors.published().exists()
    assert selectors.published_by_pk(publication.pk) is None


def test_the_editor_sees_personal_details_marked_in_the_letter(
    writer, topic, counsellor, supervisor, editor, as_
):
    body = LETTER + " Ring til mig på 20 30 40 50."
    letter = answered(
        services.send_letter(writer=writer, topic=topic, body=body, may_publish=True), counsellor, supervisor
    )
    page = as_(editor).get(reverse("letters:publication_edit", args=[letter.pk])).content.decode()
    assert "<mark>20 30 40 50</mark>" in page


def test_the_archive_search_finds_answers_by_meaning_of_words_not_only_exact_ones(
    make_member, topic, counsellor, supervisor, editor
):
    texts = {
        "Eksamensangst": "Jeg får ondt i maven før hver eksamen og kan ikke sove.",
        "Min lillebror": "Min lillebror tager altid mine ting og mine forældre gør ingenting.",
        "Kæresten slog op": "Min kæreste har slået op og jeg græder hele tiden.",
    }
    for n, (title, question) in enumerate(texts.items()):
        letter = answered(
            services.send_letter(writer=make_member(f"S{n}"), topic=topic, body=question, may_publish=True),
            counsellor,
            supervisor,
        )
        publication = services.save_publication(
            editor=editor, letter=letter, title=title, question=question, answer="Svar.", submit=True
        )
        services.review_publication(reviewer=supervisor, publication=publication, approve=True)
    assert [p.title for p in selectors.similar_published("eksamener og søvn", limit=1)] == ["Eksamensangst"]
    assert [p.title for p in selectors.similar_published("kæresten har slået op", limit=1)] == [
        "Kæresten slog op"
    ]
    assert selectors.similar_published("zxqv wwpt") == []


# --- Figures -----------------------------------------------------------------------------------------


def test_the_figures_count_received_answered_answer_times_and_overdue_by_topic_and_age(
    make_member, topic, counsellor, supervisor, clock, settings
):
    from helle.letters.models import Topic

    settings.LETTER_ANSWER_DAYS = 5
    since = helle_clock.now()
    family = Topic.objects.get(slug="familie")
    fast = services.send_letter(writer=make_member("A", age_band="13-15"), topic=topic, body=LETTER)
    slow = services.send_letter(writer=make_member("B", age_band="16-17"), topic=topic, body=LETTER)
    services.send_letter(
        writer=make_member("C", age_band="16-17"), topic=family, body=LETTER
    )  # never answered
    clock.advance(hours=10)
    answered(fast, counsellor, supervisor)
    clock.advance(days=6)
    answered(slow, counsellor, supervisor)
    figures = selectors.statistics(
        since=since, until=helle_clock.now() + timedelta(seconds=1), age_band_labels={}
    )
    total = figures.total
    assert (total.received, total.answered, total.overdue) == (3, 2, 2)  # slow is late, the third still waits
    assert total.median_hours == 10 and total.p90_hours == 10 + 6 * 24
    by_topic = {row.label: (row.received, row.answered) for row in figures.by_topic}
    assert by_topic == {topic.name: (2, 2), family.name: (1, 0)}
    by_age = {row.label: row.received for row in figures.by_age_band}
    assert by_age == {"13-15": 1, "16-17": 2}


def test_an_answer_after_the_period_does_not_count_in_it(clock, letter, counsellor, supervisor):
    start = helle_clock.now()
    end = start + timedelta(days=1)
    clock.advance(days=2)
    answered(letter, counsellor, supervisor)
    figures = selectors.statistics(since=start, until=end, age_band_labels={})
    assert (figures.total.received, figures.total.answered) == (1, 0)


def test_the_figures_page_shows_a_table_per_topic(as_, letter, supervisor):
    page = as_(supervisor).get(reverse("letters:statistics"))
    assert page.status_code == 200 and letter.topic.name in page.content.decode()


# --- Data protection ---------------------------------------------------------------------------------


def test_a_members_export_holds_their_letters_and_the_delivered_answers(letter, counsellor, supervisor):
    answered(letter, counsellor, supervisor, body="Dit svar her")
    section = next(s for s in data_protection.sections() if s.name == "letters")
    exported = section.export(letter.writer)
    assert exported["letters"][0]["text"] == letter.body
    assert exported["letters"][0]["answer"] == "Dit svar her"


def test_erasing_an_account_erases_its_letters_and_without_keep_public_its_publications(
    letter, counsellor, supervisor, editor
):
    answered(letter, counsellor, supervisor)
    publication = services.review_publication(
        reviewer=supervisor, publication=_draft(letter, editor), approve=True
    )
    services.send_letter(writer=letter.writer, topic=letter.topic, body="Opfølgning", follow_up_to=letter)
    section = next(s for s in data_protection.sections() if s.name == "letters")
    section.erase(letter.writer, False)
    assert not Letter.objects.exists()
    publication.refresh_from_db()
    assert publication.state == Publication.State.REMOVED and publication.letter is None


# --- Topics ------------------------------------------------------------------------------------------


def test_a_supervisor_adds_a_topic_and_writers_can_choose_it(as_, supervisor, writer):
    from helle.letters.models import Topic

    client = as_(supervisor)
    response = client.post(
        reverse("letters:topics"), {"name": "Økonomi og job", "description": "Penge", "position": 9}
    )
    assert response.status_code == 302
    topic = Topic.objects.get(name="Økonomi og job")
    assert topic.slug == "oekonomi-og-job"
    assert "Økonomi og job" in as_(writer).get(reverse("letters:write")).content.decode()


def test_counsellors_do_not_change_topics_and_members_do_not_see_the_page(as_, counsellor, writer):
    assert as_(counsellor).get(reverse("letters:topics")).status_code == 403
    assert as_(writer).get(reverse("letters:topics")).status_code == 404


def test_the_archive_pages_stay_within_the_chosen_topic(
    make_member, topic, counsellor, supervisor, editor, as_
):
    from helle.letters import views

    for n in range(views.PER_PAGE + 1):
        letter = answered(
            services.send_letter(
                writer=make_member(f"Skriver{n}"), topic=topic, body=LETTER, may_publish=True
            ),
            counsellor,
            supervisor,
        )
        publication = services.save_publication(
            editor=editor, letter=letter, title=f"Svar {n}", question="Spørgsmål", answer="Svar", submit=True
        )
        services.review_publication(reviewer=supervisor, publication=publication, approve=True)
    page = as_(None).get(reverse("letters:archive"), {"topic": topic.slug}).content.decode()
    assert f"?topic={topic.slug}&amp;side=2" in page
