"""What makes a nickname safe: unique by look, and never a way to find or contact someone.

The word lists here are ours. The first names and surnames are among the most common
in Denmark (Danmarks Statistik, "Navne i hele befolkningen", 2024); they only need to
catch the obvious case of a young person typing their real name.
"""

import re
import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from helle.core.text import comparison_key, has_control_characters, is_mixed_script

MIN_LENGTH = 3
MAX_LENGTH = 24

ALLOWED_SYMBOLS = set(" _-.")

# Platform names that give a handle away wherever they appear in a nickname ...
SOCIAL_PLATFORMS = (
    "snapchat",
    "snap",
    "insta",
    "tiktok",
    "discord",
    "telegram",
    "whatsapp",
    "facebook",
    "twitter",
    "onlyfans",
    "roblox",
    "bereal",
    "threema",
    "wickr",
    "yubo",
)
# ... and shorter or everyday ones that only count as a word of their own ("sc_anna").
SOCIAL_WORDS = frozenset(
    {
        "sc",
        "ig",
        "fb",
        "tt",
        "snp",
        "kik",
        "wink",
        "signal",
        "skype",
        "steam",
        "twitch",
        "youtube",
        "reddit",
        "messenger",
    }
)
MAIL_WORDS = (
    "gmail",
    "hotmail",
    "outlook",
    "yahoo",
    "icloud",
    "protonmail",
    "live.dk",
    "mail.dk",
    "jubii",
    "snabela",
    "snabel-a",
    "atgmail",
    "dotcom",
    "punktumdk",
    "dotdk",
)
TOP_LEVEL_DOMAINS = ("com", "dk", "net", "org", "se", "no", "de", "io", "me", "uk", "eu", "info")

FIRST_NAMES = frozenset(
    """
anna emma ida freja clara alma sofia ella laura karla josefine maja mathilde agnes olivia
lærke caroline isabella nora liva victoria frida asta luna alberte sofie marie julie
cecilie camilla sara emilie amalie signe louise line mette hanne susanne lone kirsten
karen inge pia lene maria helle tina anne rikke lise tanja nanna katrine malou esther
william noah oscar lucas carl victor malthe alfred oliver emil aksel valdemar frederik
magnus elias august theo felix arthur anton mikkel mads jonas rasmus christian martin
peter michael jens lars thomas henrik søren niels morten jesper anders hans jørgen
kasper mathias tobias sebastian nikolaj jakob simon daniel alexander benjamin jonathan
ahmad ali mohammad omar yusuf fatima aisha zainab mariam sara hassan
""".split()
)

SURNAMES = frozenset(
    """
nielsen jensen hansen andersen pedersen christensen larsen sørensen rasmussen jørgensen
petersen madsen kristensen olsen thomsen christiansen poulsen johansen møller mortensen
knudsen jakobsen jacobsen mikkelsen olesen frederiksen laursen henriksen lund schmidt
eriksen holm kristiansen clausen simonsen svendsen andreasen iversen jeppesen mogensen
vestergaard nissen lauridsen kjær jespersen mathiasen dam bach østergaard thygesen
""".split()
)

# Other apps add checks here (the safety pipeline does, for words no nickname should
# carry); each returns a message for the writer, or None when the nickname is fine.
extra_checks: list[Callable[[str], str | None]] = []

_PHONE_DIGITS = 6
_EMAILISH = re.compile(
    r"[a-z0-9](at|snabela|@)[a-z0-9]+(dot|punktum|prik|\.)(" + "|".join(TOP_LEVEL_DOMAINS) + r")$"
)
_DOMAIN_END = re.compile(r"\.(" + "|".join(TOP_LEVEL_DOMAINS) + r")$")


def _words(nickname: str) -> list[str]:
    return [w for w in re.split(r"[ _\-.]+", nickname) if w]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def looks_like_phone_number(nickname: str) -> bool:
    return sum(ch.isdigit() for ch in unicodedata.normalize("NFKC", nickname)) >= _PHONE_DIGITS


def looks_like_email(nickname: str) -> bool:
    folded = _fold(nickname)
    squeezed = re.sub(r"[ _\-]", "", folded)
    return (
        "@" in folded
        or bool(_EMAILISH.search(squeezed))
        or bool(_DOMAIN_END.search(folded))
        or any(word.replace("-", "") in squeezed for word in MAIL_WORDS)
    )


_UNLEET = str.maketrans("013457@$", "oieastas")


def looks_like_social_handle(nickname: str) -> bool:
    folded = _fold(nickname)
    if folded.startswith("@"):
        return True
    key = comparison_key(folded.translate(_UNLEET), drop=" _-.")
    if any(comparison_key(platform) in key for platform in SOCIAL_PLATFORMS):
        return True
    words = [comparison_key(w) for w in _words(nickname)]
    return len(words) > 1 and any(w in SOCIAL_WORDS for w in words)


def looks_like_full_name(nickname: str) -> bool:
    words = [_fold(w) for w in _words(nickname)]
    if len(words) >= 2:
        has_first = any(w in FIRST_NAMES for w in words)
        has_surname = any(w in SURNAMES or (len(w) >= 6 and w.endswith("sen")) for w in words[1:])
        if has_surname and (has_first or nickname[:1].isupper()):
            return True
    squeezed = "".join(words)
    return any(
        squeezed.startswith(first) and squeezed[len(first) :] in SURNAMES
        for first in FIRST_NAMES
        if len(squeezed) > len(first)
    )


def validate_nickname(nickname: str) -> str:
    """Return the cleaned nickname or raise ValidationError with a kind, specific message."""
    cleaned = unicodedata.normalize("NFKC", nickname).strip()
    cleaned = re.sub(r"\s+", " ", cleaned)
    if has_control_characters(nickname):
        raise ValidationError(
            _("Your nickname contains invisible or control characters. Please type it again."),
            code="control_characters",
        )
    if len(cleaned) < MIN_LENGTH:
        raise ValidationError(
            _("A nickname needs at least %(min)d characters.") % {"min": MIN_LENGTH}, code="too_short"
        )
    if len(cleaned) > MAX_LENGTH:
        raise ValidationError(
            _("A nickname can have at most %(max)d characters (this one has %(length)d).")
            % {"max": MAX_LENGTH, "length": len(cleaned)},
            code="too_long",
        )
    safety_checks = (
        (
            looks_like_social_handle,
            "social",
            _(
                "Your nickname looks like a profile on another app. Pick a name that doesn't tell "
                "people where to find you – it keeps you safe here."
            ),
        ),
        (
            looks_like_email,
            "email",
            _(
                "Your nickname looks like an e-mail address. Pick a name that doesn't tell people "
                "how to contact you – it keeps you safe here."
            ),
        ),
        (
            looks_like_phone_number,
            "phone",
            _("Your nickname has a lot of digits and could look like a phone number. Use fewer digits."),
        ),
        (
            looks_like_full_name,
            "full_name",
            _(
                "Your nickname looks like a real first name and surname. Pick a made-up name, "
                "so nobody can find out who you are."
            ),
        ),
    )
    for check, code, message in safety_checks:
        if check(cleaned):
            raise ValidationError(message, code=code)
    if any(not (ch.isalnum() or ch in ALLOWED_SYMBOLS) for ch in cleaned):
        raise ValidationError(
            _("Use letters, digits, spaces, dots, dashes and underscores only."), code="characters"
        )
    if is_mixed_script(cleaned):
        raise ValidationError(
            _("Your nickname mixes letters from different alphabets. Use one alphabet."),
            code="mixed_script",
        )
    if not any(ch.isalpha() for ch in cleaned):
        raise ValidationError(_("A nickname needs at least one letter."), code="no_letters")
    for check in extra_checks:
        if message := check(cleaned):
            raise ValidationError(message, code="unsafe")
    return cleaned
