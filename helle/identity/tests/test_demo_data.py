from io import StringIO

import pytest
from django.core.management import call_command

from helle.core.roles import Role, roles_of
from helle.identity.models import Member


def seed(settings, debug: bool) -> str:
    settings.DEBUG = debug
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_data_has_one_account_for_each_role(settings):
    seed(settings, debug=False)
    held = {role for member in Member.objects.all() for role in roles_of(member) - {Role.MEMBER}}
    assert held == set(Role) - {Role.MEMBER}
    assert Member.objects.filter(nickname="Demo Medlem").exists()


@pytest.mark.django_db
def test_demo_log_ins_are_printed_only_in_debug_mode_and_they_work(settings, client):
    quiet = seed(settings, debug=False)
    assert "password" not in quiet

    loud = seed(settings, debug=True)
    line = next(line for line in loud.splitlines() if "Demo Medlem" in line)
    password = line.split("password:")[1].split()[0]
    response = client.post("/login/", {"nickname": "Demo Medlem", "password": password})
    assert response.status_code == 302


@pytest.mark.django_db
def test_seeding_twice_creates_no_duplicates(settings):
    seed(settings, debug=False)
    count = Member.objects.count()
    seed(settings, debug=False)
    assert Member.objects.count() == count
