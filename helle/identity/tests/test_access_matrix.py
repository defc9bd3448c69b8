"""Who may open which page: every role against every page.

Anonymous visitors are sent to log in for member pages. Staff pages answer 404 to
anyone who is not staff (nobody learns what the staff area holds) and 403 to staff
without the role. The pages where letters are answered answer 404 to everybody who does
not answer or review letters, staff or not. Every staff role has passed two-factor log-in
here; the next test module checks what happens when they have not.
"""

import pytest
from django.urls import reverse

from conftest import log_in
from helle.core.models import HelpLine
from helle.core.roles import Role
from helle.identity.models import AgeBand

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, *Role]
STAFF = {Role.COUNSELLOR, Role.SUPERVISOR, Role.EDITOR, Role.RESEARCHER, Role.ADMIN}

PUBLIC = [
    "core:home",
    "core:help",
    "core:privacy",
    "identity:rules",
    "core:healthz",
    "letters:index",
    "letters:archive",
    "chat:start",  # the pre-chat form, or the closed page
    "chat:rooms",
]
GUESTS_ONLY = ["identity:signup", "identity:login", "identity:recovery_reset"]
MEMBER_PAGES = [
    "identity:account",
    "identity:change_password",
    "identity:privacy",
    "identity:delete",
    "identity:recovery_codes_regenerate",
    "letters:write",
    "letters:inbox",
    "chat:book",
]
STAFF_PAGES = ["core:staff"]
# Where letters are answered and reviewed: only for those who do that (and peer advisers, where
# the organisation lets them answer: settings.LETTER_PEERS_ANSWER, off by default).
ANSWERER_PAGES = ["letters:queue", "letters:reviews", "letters:snippets"]
ANSWERERS = {Role.COUNSELLOR, Role.SUPERVISOR}
ADMIN_PAGES = [
    "core:staff_help_lines",
    "core:staff_help_line_new",
    "core:staff_audit",
    "core:staff_opening_hours",
    "identity:staff_people",
    "identity:staff_trust",
    "identity:staff_rules",
]
ADMIN_OBJECT_PAGES = ["core:staff_help_line_edit", "identity:staff_person"]
# Staff pages for some roles besides admins' pages: the roles that may open them.
ROLE_PAGES = {
    "letters:publications": {Role.EDITOR, Role.SUPERVISOR},
    "letters:statistics": {Role.SUPERVISOR, Role.RESEARCHER, Role.ADMIN},
    "letters:topics": {Role.SUPERVISOR, Role.ADMIN},
    "chat:console": {Role.COUNSELLOR, Role.SUPERVISOR},
    "chat:replies": {Role.COUNSELLOR, Role.SUPERVISOR},
    "chat:times": {Role.COUNSELLOR, Role.SUPERVISOR},
    "chat:overview": {Role.SUPERVISOR},
    "chat:staff_rooms": {Role.SUPERVISOR, Role.ADMIN},
    "chat:staff_room_new": {Role.SUPERVISOR, Role.ADMIN},
}


def expected(role, page: str) -> int:
    logged_in = role != ANONYMOUS
    if page in PUBLIC:
        return 200
    if page in GUESTS_ONLY:
        return 302 if logged_in else 200
    if page in MEMBER_PAGES:
        return 200 if logged_in else 302
    if page in STAFF_PAGES:
        return 200 if role in STAFF else 404
    if page in ANSWERER_PAGES:
        return 200 if role in ANSWERERS else 404
    if role in ROLE_PAGES.get(page, {Role.ADMIN}):  # the rest are admin pages
        return 200
    return 403 if role in STAFF else 404


@pytest.fixture
def as_role(client, make_member):
    make_member("Someone Else")  # so person pages have somebody to show

    def become(role):
        if role != ANONYMOUS:
            person = make_member("Rolle", role=role, age_band=AgeBand.OVER_25)
            log_in(client, person, second_factor=role in STAFF)
        return client

    return become


def url_for(page: str) -> str:
    if page == "core:staff_help_line_edit":
        return reverse(page, args=[HelpLine.objects.first().pk])
    if page == "identity:staff_person":
        from helle.identity.models import Member

        return reverse(page, args=[Member.objects.first().pk])
    return reverse(page)


ALL_PAGES = [
    *PUBLIC,
    *GUESTS_ONLY,
    *MEMBER_PAGES,
    *STAFF_PAGES,
    *ANSWERER_PAGES,
    *ADMIN_PAGES,
    *ADMIN_OBJECT_PAGES,
    *ROLE_PAGES,
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize("page", ALL_PAGES)
def test_who_may_open_which_page(as_role, role, page):
    client = as_role(role)
    response = client.get(url_for(page))
    assert response.status_code == expected(role, page), f"{role} on {page}"
    if response.status_code == 302 and page in MEMBER_PAGES:
        assert response.url.startswith(reverse("identity:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_only_admins_may_change_things_in_the_staff_area(as_role, role):
    client = as_role(role)
    line = HelpLine.objects.first()
    response = client.post(reverse("core:staff_help_line_delete", args=[line.pk]))
    if role == Role.ADMIN:
        assert response.status_code == 302
        assert not HelpLine.objects.filter(pk=line.pk).exists()
    else:
        assert response.status_code == (403 if role in STAFF else 404)
        assert HelpLine.objects.filter(pk=line.pk).exists()


@pytest.mark.django_db
def test_a_staff_page_for_something_that_does_not_exist_answers_404(admin_client):
    assert admin_client.get(reverse("identity:staff_person", args=[999999])).status_code == 404
    assert admin_client.get(reverse("core:staff_help_line_edit", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_staff_pages_follow_the_permissions_of_the_role(as_role):
    from django.contrib.auth.models import Group, Permission

    client = as_role(Role.SUPERVISOR)
    assert client.get(reverse("core:staff_audit")).status_code == 403
    # An organisation lets its supervisors read the audit log too.
    Group.objects.get(name="supervisor").permissions.add(Permission.objects.get(codename="read_audit_log"))
    assert client.get(reverse("core:staff_audit")).status_code == 200
    assert client.get(reverse("identity:staff_people")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("page", ANSWERER_PAGES)
def test_peer_advisers_answer_letters_only_where_the_organisation_allows_it(as_role, settings, page):
    client = as_role(Role.PEER_ADVISER)
    assert client.get(reverse(page)).status_code == 404
    settings.LETTER_PEERS_ANSWER = True
    assert client.get(reverse(page)).status_code == 200  # no second factor: peer advisers are no staff
