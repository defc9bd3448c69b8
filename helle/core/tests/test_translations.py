"""The Danish catalogue is complete, compiled, and covers every text in the source.

Danish is helle's first language. A text without a Danish translation falls back to
English in front of a young person, so these tests fail loudly instead:

- every entry in locale/da/LC_MESSAGES/django.po is translated (plural forms too) and
  none is fuzzy;
- the committed django.mo says exactly what the .po says (someone forgot to compile);
- nothing in the source is missing from the catalogue (needs GNU gettext, as CI has);
- the running site really speaks Danish.

To fix a failure: `make messages`, translate the new entries, `make messages` again.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

REPO = Path(settings.BASE_DIR)
PO_PATH = REPO / "locale" / "da" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

# The same options as `make messages`; folders named tests are left out.
MAKEMESSAGES_ARGS = [
    "makemessages",
    "-l",
    "da",
    "--no-obsolete",
    "--add-location",
    "file",
    "-i",
    ".venv/*",
    "-i",
    "staticfiles/*",
    "-i",
    "tests/*",
]
# What is copied for a fresh extraction: the code, never the venv, data or collected files.
SOURCE_ROOTS = ["helle", "config", "manage.py"]
NOT_COPIED = shutil.ignore_patterns(".venv", "var", "staticfiles", "__pycache__", "*.pyc", "locale")

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")

# One English term, one Danish term, everywhere. (English, Danish) pairs, matched
# case-insensitively as whole-word beginnings; the Danish word may be inflected.
GLOSSARY = [
    ("nickname", "kaldenavn"),
    ("password", "adgangskode"),
    ("recovery code", "gendannelseskode"),
    ("house rules", "husregler"),
    ("quick exit", "forlad siden"),
    ("need help now?", "brug for hjælp nu?"),
    ("two-factor log-in", "totrinsbekræftelse"),
    ("audit log", "revisionslog"),
    ("age group", "aldersgruppe"),
    ("trust level", "niveau"),
    ("peer adviser", "ung-rådgiver"),
    ("content warning", "advarsel"),
]


def _load_po() -> polib.POFile:
    assert PO_PATH.exists(), f"{PO_PATH.relative_to(REPO)} is missing: run `make messages`"
    return polib.pofile(str(PO_PATH))


def _entries(catalogue) -> list:
    return [e for e in catalogue if not e.obsolete and e.msgid != ""]


def _key(entry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _label(entry) -> str:
    where = ", ".join(sorted({path for path, _line in entry.occurrences}))
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context}" + (f" [{where}]" if where else "")


def _translations(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(i, "") for i in range(2)]
    return [entry.msgstr]


# --- a. Every entry is translated, and translated by a person ---------------------------------


def test_catalogue_header_is_danish():
    po = _load_po()
    assert po.metadata.get("Language") == "da"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert po.metadata.get("Plural-Forms", "").strip() == PLURAL_FORMS
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"


def test_every_entry_has_a_danish_translation():
    po = _load_po()
    entries = _entries(po)
    assert entries, "the Danish catalogue is empty"
    untranslated = [_label(e) for e in entries if any(not text.strip() for text in _translations(e))]
    assert not untranslated, (
        f"{len(untranslated)} entries have no Danish translation (all plural forms too):\n"
        + "\n".join(untranslated)
    )


def test_no_entry_is_fuzzy():
    po = _load_po()
    fuzzy = [_label(e) for e in _entries(po) if "fuzzy" in e.flags]
    assert not fuzzy, (
        "these entries are marked fuzzy (guessed by msgmerge); translate them and remove "
        "the flag:\n" + "\n".join(fuzzy)
    )


def test_translations_keep_the_placeholders():
    """A wrong %(name)s breaks the page with a KeyError; a lost one hides a number."""
    problems = []
    for entry in _entries(_load_po()):
        if entry.msgid_plural:
            singular = set(PLACEHOLDER.findall(entry.msgid))
            plural = set(PLACEHOLDER.findall(entry.msgid_plural))
            for form, need in zip(_translations(entry), [singular, plural], strict=True):
                found = set(PLACEHOLDER.findall(form))
                if not found <= singular | plural or not need <= found:
                    problems.append(f"{_label(entry)}: {form!r}")
        elif sorted(PLACEHOLDER.findall(entry.msgstr)) != sorted(PLACEHOLDER.findall(entry.msgid)):
            problems.append(f"{_label(entry)}: {entry.msgstr!r}")
    assert not problems, "placeholders differ between English and Danish:\n" + "\n".join(problems)


def test_terms_are_translated_the_same_way_everywhere():
    problems = []
    for entry in _entries(_load_po()):
        english = PLACEHOLDER.sub("", f"{entry.msgid} {entry.msgid_plural}").lower()
        for term, danish in GLOSSARY:
            if re.search(rf"\b{re.escape(term)}", english):
                for form in _translations(entry):
                    if form and danish not in form.lower():
                        problems.append(f"{_label(entry)}: {form!r} should say {danish!r}")
    assert not problems, "glossary terms used inconsistently:\n" + "\n".join(problems)


# --- b. The compiled catalogue is up to date --------------------------------------------------


def test_compiled_catalogue_matches_the_po_file():
    assert MO_PATH.exists(), (
        f"{MO_PATH.relative_to(REPO)} is missing: run "
        "`python manage.py compilemessages -l da -i .venv` and commit it"
    )
    po = _load_po()
    mo = polib.mofile(str(MO_PATH))

    def as_dict(catalogue) -> dict:
        result = {}
        for entry in _entries(catalogue):
            if "fuzzy" in entry.flags:
                continue  # msgfmt leaves fuzzy entries out of the .mo
            texts = tuple(_translations(entry))
            if any(texts):
                result[_key(entry)] = texts
        return result

    in_po, in_mo = as_dict(po), as_dict(mo)
    differences = sorted(
        f"{msgid!r}: .po has {in_po.get((ctx, msgid))!r}, .mo has {in_mo.get((ctx, msgid))!r}"
        for ctx, msgid in set(in_po) | set(in_mo)
        if in_po.get((ctx, msgid)) != in_mo.get((ctx, msgid))
    )
    assert not differences, (
        f"django.mo is out of date with django.po ({len(differences)} differences). Run "
        "`python manage.py compilemessages -l da -i .venv` and commit the .mo:\n"
        + "\n".join(differences[:50])
    )
    assert mo.metadata.get("Plural-Forms", "").strip() == PLURAL_FORMS


# --- c. Nothing in the source is missing from the catalogue -----------------------------------


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed; CI installs it")
def test_every_source_text_is_in_the_catalogue(tmp_path):
    """Extract afresh from a copy of the code and compare with the committed catalogue."""
    work = tmp_path / "src"
    work.mkdir()
    for name in SOURCE_ROOTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=NOT_COPIED)
        else:
            shutil.copy2(source, work / name)
    # The copied config/settings.py resolves BASE_DIR to `work`, so LOCALE_PATHS is work/locale.
    (work / "locale").mkdir()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(work),
        "HELLE_DATA_DIR": str(data_dir),
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py, run by our own interpreter
        [sys.executable, "manage.py", *MAKEMESSAGES_ARGS],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    extracted_path = work / "locale" / "da" / "LC_MESSAGES" / "django.po"
    assert extracted_path.exists(), (
        f"makemessages wrote no catalogue under {work / 'locale'}:\n{result.stdout}\n{result.stderr}"
    )

    extracted = {_key(e): e for e in _entries(polib.pofile(str(extracted_path)))}
    committed = {_key(e): e for e in _entries(_load_po())}
    missing = [_label(extracted[k]) for k in sorted(set(extracted) - set(committed))]
    assert not missing, (
        f"{len(missing)} texts in the source are not in locale/da/LC_MESSAGES/django.po. "
        "Run `make messages`, translate them, and run it again:\n" + "\n".join(missing)
    )
    plural_changed = [
        _label(extracted[k])
        for k in set(extracted) & set(committed)
        if (extracted[k].msgid_plural or "") != (committed[k].msgid_plural or "")
    ]
    assert not plural_changed, "the plural form changed in the source:\n" + "\n".join(plural_changed)


# --- d. The site really speaks Danish ---------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "danish"),
    [
        ("Quick exit", "Forlad siden"),
        ("Need help now?", "Brug for hjælp nu?"),
        ("Nickname", "Kaldenavn"),
        ("Password", "Adgangskode"),
        ("House rules", "Husregler"),
        ("Log in", "Log ind"),
        ("Join", "Bliv medlem"),
    ],
)
def test_key_texts_come_back_in_danish(english, danish):
    with translation.override("da"):
        text = gettext(english)
    assert text == danish
    assert text != english
    with translation.override("en"):
        assert gettext(english) == english


def test_plural_forms_work_in_danish():
    message = "You have %(counter)s unused recovery code."
    plural = "You have %(counter)s unused recovery codes."
    with translation.override("da"):
        one = ngettext(message, plural, 1) % {"counter": 1}
        many = ngettext(message, plural, 5) % {"counter": 5}
    assert one == "Du har 1 ubrugt gendannelseskode."
    assert many == "Du har 5 ubrugte gendannelseskoder."


def test_front_page_is_danish_by_default(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="da"' in page
    for danish in ("Forlad siden", "Brug for hjælp nu?", "Bliv medlem", "Log ind"):
        assert danish in page
    assert "Quick exit" not in page
