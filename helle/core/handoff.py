"""Words that move from one service to another in the young person's own session: what they
typed in the chat becomes the start of a letter when they choose to leave a message instead.
The session carries it, so neither app imports the other."""

LETTER_TEXT = "handoff_letter_text"
MAX_TEXT = 20_000  # characters; more than any letter needs


def offer_letter_text(session, text: str) -> None:
    if text.strip():
        session[LETTER_TEXT] = text[:MAX_TEXT]


def take_letter_text(session) -> str:
    """The words offered for a letter, once (they are forgotten when taken)."""
    return session.pop(LETTER_TEXT, "")
