import pytest
from django.urls import reverse

from helle.core.models import AuditEntry, HelpLine


@pytest.mark.django_db
def test_the_help_page_lists_the_sites_own_country_first_with_emergency_numbers_on_top(client):
    client.cookies["django_language"] = "en"
    groups = client.get(reverse("core:help")).context["groups"]
    assert groups[0][0] == "DK"
    first_line = groups[0][1][0]
    assert first_line.line.phone == "112" and first_line.line.is_emergency
    assert "danger" in first_line.description


@pytest.mark.django_db
def test_help_lines_are_described_in_the_readers_language(client):
    client.cookies["django_language"] = "da"
    danish = client.get(reverse("core:help")).content.decode()
    assert "fare lige nu" in danish
    client.cookies["django_language"] = "en"
    assert "danger right now" in client.get(reverse("core:help")).content.decode()


@pytest.mark.django_db
def test_every_page_has_quick_exit_and_a_need_help_link(client, member_client):
    from django.test import Client

    for some_client, page in [
        (Client(), "core:home"),
        (Client(), "identity:login"),
        (member_client, "identity:account"),
        (Client(), "core:help"),
    ]:
        html = some_client.get(reverse(page)).content.decode()
        assert 'id="quick-exit"' in html, page
        assert 'href="/help/"' in html, page
        assert 'class="skip-link" href="#main"' in html, page
        assert '<main id="main"' in html, page


@pytest.mark.django_db
def test_an_admin_adds_a_help_line_in_both_languages(admin_client):
    response = admin_client.post(
        reverse("core:staff_help_line_new"),
        {
            "country": "fi",
            "name": "Sekasin",
            "phone": "",
            "sms": "",
            "website": "sekasin.fi",
            "position": 1,
            "is_active": "on",
            "description_da": "Chat for unge i Finland.",
            "hours_da": "",
            "description_en": "Chat for young people in Finland.",
            "hours_en": "Every day",
        },
    )
    assert response.status_code == 302
    line = HelpLine.objects.get(name="Sekasin")
    assert line.country == "FI"
    assert line.website == "https://sekasin.fi"
    assert {t.language: t.hours for t in line.texts.all()} == {"da": "", "en": "Every day"}
    assert AuditEntry.objects.filter(action="core.help_line_created", target_id=str(line.pk)).exists()


@pytest.mark.django_db
def test_a_help_line_with_bad_input_is_refused_and_keeps_what_was_typed(admin_client):
    response = admin_client.post(
        reverse("core:staff_help_line_new"),
        {
            "country": "Danmark",
            "name": "Linje\x00med\x07tegn",
            "position": 1,
            "description_da": "",
            "description_en": "Only English",
        },
    )
    errors = response.context["form"].errors
    assert {"country", "name", "description_da"} <= set(errors)
    assert "Only English" in response.content.decode()
    assert not HelpLine.objects.filter(name__startswith="Linje").exists()


@pytest.mark.django_db
def test_editing_a_help_line_changes_it_and_is_audited(admin_client):
    line = HelpLine.objects.get(name="Livslinien")
    url = reverse("core:staff_help_line_edit", args=[line.pk])
    form = admin_client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update({f"description_{c}": form.fields[f"description_{c}"].initial for c in ("da", "en")})
    data.update({"hours_da": "Hver dag 11–05", "hours_en": "Every day 11–05", "phone": "70 201 201"})
    data["is_active"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert line.texts.get(language="da").hours == "Hver dag 11–05"
    assert AuditEntry.objects.filter(action="core.help_line_changed", target_id=str(line.pk)).exists()
