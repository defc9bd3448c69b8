"""Nicknames pass the safety pipeline too: everybody sees them."""

from django.utils.translation import gettext as _

from helle.safety.pipeline import assess
from helle.safety.policy import Action, Surface


def check_nickname(nickname: str) -> str | None:
    """A message for the writer when the nickname cannot be used, else None."""
    result = assess(nickname, surface=Surface.NICKNAME)
    if result.action is Action.ALLOW:
        return None
    if result.is_crisis:
        return _(
            "Please choose another nickname. If things are hard right now, you are welcome to "
            "talk to us – see “Need help now?” at the top."
        )
    messages = result.refusal_messages()
    return messages[0] if messages else _("Please choose another nickname.")
