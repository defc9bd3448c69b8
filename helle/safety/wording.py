"""What a member is told about a sanction, worded in the language they read it in.

A statement of reasons keeps what was sent (in the moderator's language) as the record; the
member sees these words, worked out again in their own language every time they look.
"""

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helle.identity.selectors import current_house_rules


def decision_text(kind: str, ends_at) -> str:
    texts = {
        "warn": _("You have been given a warning."),
        "hide_content": _("Something you wrote has been hidden."),
        "silence": _("You cannot write for a while."),
        "suspend": _("Your account is paused for a while."),
        "ban": _("Your account has been closed."),
    }
    text = str(texts[kind])
    if ends_at:
        text += " " + _("It ends on %(date)s.") % {"date": date_format(ends_at, "DATE_FORMAT")}
    return text


def house_rule_text(number: int | None, language: str | None = None) -> str:
    """The wording of house rule `number` in `language` (the active one when not given), or in
    Danish when the rules have no text in that language."""
    if not number:
        return ""
    rules = current_house_rules()
    if rules is None:
        return ""
    bodies = {t.language: t.body for t in rules.texts.all()}
    language = (language or get_language() or "da")[:2]
    body = bodies.get(language) or bodies.get("da", "")
    lines = [line for line in body.splitlines() if line.strip().startswith(f"{number}.")]
    return lines[0].strip() if lines else ""
