"""Contact details and personal data.

Anonymity between young people is the point of the platform: a phone number, a user name on
another app or a street address lets a stranger reach a child where nobody is watching ("add me
on snap" is the usual first move of grooming). This detector reports

- Label.CONTACT, kind "phone", "email", "url", "handle", "invitation" (to another app or to
  private talk) and "ip";
- Label.PERSONAL_DATA, kind "cpr", "address", "school_and_name", "card", "iban", "id_number".

Where it looks:
- digits and symbols (phone numbers, e-mail, links, CPR, cards, IBAN, IP) in `text.folded`,
  which keeps them;
- words (app names, invitations, numbers written as words) in `text.letters` and
  `text.joined`, where "sn4p" and "s n a p" read "snap".
Every span is a span of the original text.

Speed: the pipeline has about 0.5 ms per 500-character message. Ordinary text has no "@", few
digits and no app names, so each part first asks a cheap question (is there a digit? an "@"?
an app name among the words?) and runs its patterns only when the answer is yes.
"""

import ipaddress
import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise

from helle.safety.findings import Finding, Label, Severity
from helle.safety.lexicon import entry_pattern
from helle.safety.lists import both
from helle.safety.normalise import Normalised, View, _unleet

# Domains and phone numbers that may be shared: help lines and public services. A domain
# matches itself and its subdomains; phone numbers are digits only. The list file (shared with
# the spam detector) gives the domains; the pipeline adds the help lines the site shows
# (`allow()`), so a member can point another to Livslinien or Børnetelefonen.
LISTED_DOMAINS = frozenset(d.casefold() for d in both("spam_allowed_domains"))
ALLOWED_DOMAINS: frozenset[str] = LISTED_DOMAINS
ALLOWED_PHONE_NUMBERS: frozenset[str] = frozenset()


def allow(domains: set[str], phone_numbers: set[str]) -> None:
    """Allow these domains (besides the listed ones) and phone numbers from now on."""
    global ALLOWED_DOMAINS, ALLOWED_PHONE_NUMBERS
    ALLOWED_DOMAINS = LISTED_DOMAINS | {d.casefold().removeprefix("www.") for d in domains if d}
    ALLOWED_PHONE_NUMBERS = frozenset(filter(None, ("".join(filter(str.isdigit, n)) for n in phone_numbers)))


_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_NOT_WORD_BEFORE = r"(?<![^\W_])"
_NOT_WORD_AFTER = r"(?![^\W_])"

_HAS_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"[^\W\d_]+")
# The plain words of a text, to decide which searches are worth running: app names, invitation
# words and number words are all written with these letters (and this is twice as fast).
_PLAIN_WORDS = re.compile(r"[a-zæøåé]+")


@dataclass(frozen=True)
class _Hit:
    """A finding before it becomes one: spans are already in the original text."""

    kind: str
    start: int
    end: int
    score: float
    reason: str


# Which label each kind belongs to (the evaluation reads this table too).
_LABEL = {
    "phone": Label.CONTACT,
    "email": Label.CONTACT,
    "url": Label.CONTACT,
    "handle": Label.CONTACT,
    "invitation": Label.CONTACT,
    "ip": Label.CONTACT,
    "cpr": Label.PERSONAL_DATA,
    "address": Label.PERSONAL_DATA,
    "school_and_name": Label.PERSONAL_DATA,
    "card": Label.PERSONAL_DATA,
    "iban": Label.PERSONAL_DATA,
    "id_number": Label.PERSONAL_DATA,
}
KIND_LABELS = _LABEL
# What a moderator must act on first. An invitation alone is a question; a number is a way in.
_SEVERITY = {
    "phone": Severity.HIGH,
    "email": Severity.HIGH,
    "handle": Severity.HIGH,
    "cpr": Severity.HIGH,
    "address": Severity.HIGH,
    "school_and_name": Severity.HIGH,
    "card": Severity.HIGH,
    "iban": Severity.HIGH,
    "id_number": Severity.HIGH,
    "url": Severity.MEDIUM,
    "invitation": Severity.MEDIUM,
    "ip": Severity.MEDIUM,
}
# When two findings of different kinds overlap, the more specific one stays ("anna@gmail.com" is
# an e-mail, not also a link to gmail.com; "Vestergade 12, 2200" is an address, not a phone).
_PRIORITY = {
    "email": 9,
    "url": 8,
    "iban": 8,
    "card": 7,
    "cpr": 7,
    "id_number": 7,
    "ip": 7,
    "address": 6,
    "phone": 5,
    "school_and_name": 4,
    "handle": 3,
    "invitation": 0,
}


def _span(view: View, start: int, end: int) -> tuple[int, int]:
    return view.original_span(start, end)


def _to_view(view: View, original: int) -> int:
    """The first position in `view` that comes from `original` or later."""
    return bisect_left(view.index, original)


def _word_set(name: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in both(name))


def _alternation(entries) -> str:
    """Longest first, so "snapchat" wins over "snap"."""
    return "|".join(re.escape(e) for e in sorted(set(entries), key=len, reverse=True))


# --------------------------------------------------------------------------------------------
# Check digits and dates
# --------------------------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """The Luhn check of payment card numbers (ISO/IEC 7812-1)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# IBAN length per country (SWIFT IBAN registry); an unknown country is not an IBAN.
_IBAN_LENGTH = {
    "ad": 24,
    "ae": 23,
    "al": 28,
    "at": 20,
    "az": 28,
    "ba": 20,
    "be": 16,
    "bg": 22,
    "bh": 22,
    "br": 29,
    "ch": 21,
    "cr": 22,
    "cy": 28,
    "cz": 24,
    "de": 22,
    "dk": 18,
    "do": 28,
    "ee": 20,
    "es": 24,
    "fi": 18,
    "fo": 18,
    "fr": 27,
    "gb": 22,
    "ge": 22,
    "gi": 23,
    "gl": 18,
    "gr": 27,
    "gt": 28,
    "hr": 21,
    "hu": 28,
    "ie": 22,
    "il": 23,
    "is": 26,
    "it": 27,
    "jo": 30,
    "kw": 30,
    "kz": 20,
    "lb": 28,
    "li": 21,
    "lt": 20,
    "lu": 20,
    "lv": 21,
    "mc": 27,
    "md": 24,
    "me": 22,
    "mk": 19,
    "mr": 27,
    "mt": 31,
    "mu": 30,
    "nl": 18,
    "no": 15,
    "pk": 24,
    "pl": 28,
    "ps": 29,
    "pt": 25,
    "qa": 29,
    "ro": 24,
    "rs": 22,
    "sa": 24,
    "se": 24,
    "si": 19,
    "sk": 24,
    "sm": 27,
    "tn": 24,
    "tr": 26,
    "ua": 29,
    "vg": 24,
    "xk": 20,
}


def iban_valid(iban: str) -> bool:
    """ISO 13616: the right length for the country, and mod-97 of the rearranged number is 1."""
    compact = re.sub(r"[\s-]", "", iban).lower()
    if _IBAN_LENGTH.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    if not compact.isalnum() or not compact.isascii():
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def cpr_birth_year(digits: str) -> int | None:
    """The birth year of a CPR number ddmmyy-xxxx, or None when the date is not a real date.

    The century follows from the 7th digit (the first of the four after the date) and the
    two-digit year, as CPR-kontoret sets out in "Personnummeret i CPR-systemet":
    7th digit 0-3: 1900-1999; 4 and 9: 2000-2036 for years 00-36, else 1937-1999;
    5-8: 2000-2057 for years 00-57, else 1858-1899.
    """
    if len(digits) != 10 or not digits.isdigit():
        return None
    day, month, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    if seventh <= 3:
        year = 1900 + yy
    elif seventh in (4, 9):
        year = (2000 if yy <= 36 else 1900) + yy
    else:
        year = (2000 if yy <= 57 else 1800) + yy
    if not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        return None
    return year


def cpr_modulus_11(digits: str) -> bool:
    """The old CPR check (weights 4 3 2 7 6 5 4 3 2 1). Numbers given since 2007 may fail it."""
    return sum(int(d) * w for d, w in zip(digits, (4, 3, 2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 == 0


def ssn_valid(digits: str) -> bool:
    """US social security number ddd-dd-dddd: area not 000, 666 or 9xx, group and serial not 0."""
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    return area not in (0, 666) and area < 900 and group != 0 and serial != 0


def _card_prefix_ok(digits: str) -> bool:
    """Issuer prefixes in use: Visa 4, Mastercard 2/5, Amex/Diners/JCB 3, Discover/Maestro 6,
    Maestro 50/56-58, and the old JCB 1800 and 2131."""
    if digits.startswith(("1800", "2131")):
        return True
    return digits[0] in "23456"


# --------------------------------------------------------------------------------------------
# Numbers written with digits: phone, CPR, card, US SSN
# --------------------------------------------------------------------------------------------

# A token is digits, where a letter o stands for 0 and l or i for 1 ("2o 3l 45 67"). Letters
# only count between or beside digits, never in a word ("hello", "lol").
_DIGIT_TOKEN = _NOT_LETTER_BEFORE + r"[oli]?[0-9]+(?:[oli]{1,2}[0-9]+)*[oli]?" + _NOT_LETTER_AFTER
# Between tokens: spaces, dots, dashes, slashes, brackets, stars ("20-34-56-78", "(555) 555-1234",
# "2 0 3 4 ..."), not commas or newlines: "2, 3 og 4" is a list and lines are separate things.
_DIGIT_SEP = r"[ \t\u00a0\u2009\u202f.\-\u2010-\u2015/_*~()]{1,3}"
# Starts at a digit, so the scan skips everything else quickly; what stands before the first
# digit ("+", "(", a letter o) is looked at in `_numbers`.
_NUMBER_RUN = re.compile(
    r"[0-9]+(?:[oli]{1,2}[0-9]+)*[oli]?" + _NOT_LETTER_AFTER + r"(?:" + _DIGIT_SEP + _DIGIT_TOKEN + r")*"
    r"(?P<ext>[ \t]*(?:x|ext\.?|extension|lokal)[ \t]*\.?[ \t]*[0-9]{1,5}(?![0-9]))?"
)
_TOKEN_IN_RUN = re.compile(_DIGIT_TOKEN)
_TO_DIGITS = str.maketrans({"o": "0", "l": "1", "i": "1"})
# Dates and times inside a run of numbers: "12.03.2024", "2024-03-12", "20.30-21.45".
_DATE_IN_RUN = re.compile(
    r"(?<![0-9])(?:(?P<d>[0-3]?[0-9])(?P<s>[./-])(?P<m>[01]?[0-9])(?P=s)(?P<y>[12][0-9]{3}|[0-9]{2}(?!(?P=s)[0-9]))"
    r"|(?P<y2>[12][0-9]{3})-(?P<m2>[01]?[0-9])-(?P<d2>[0-3]?[0-9]))(?![0-9])"
)
_TIME_RANGE = re.compile(
    r"^(?:kl\.?\s*)?([0-2]?[0-9])[.:]([0-5][0-9])\s*[-–]\s*([0-2]?[0-9])[.:]([0-5][0-9])$"
)

_PHONE_WORDS = _word_set("contact_phone_words")
_NOT_PHONE_WORDS = _word_set("contact_not_phone_words")
_CPR_WORD = re.compile(r"(?<![^\W\d_])(?:cpr|personnummer|personnr|social security|ssn)")
_CURRENCY = re.compile(r"[$€£¥]|\bkr\b|\bdkk\b")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w\-]*)[\W_]{0,3}\Z")
_WORDS_BEFORE = re.compile(r"(?:[^\W\d_][\w\-]*[^\w\n]{1,3}){1,3}\Z")
_WORD_AFTER = re.compile(r"[ \t]*([^\W\d_][\w\-]*|[$€£%])")


@dataclass
class _Token:
    start: int  # in the folded view
    end: int
    digits: str
    sep: str  # what came before it in the run ("" for the first)
    letters: int  # letters read as digits


def _tokens(folded: str, start: int, end: int) -> list[_Token]:
    tokens = []
    previous_end = None
    for m in _TOKEN_IN_RUN.finditer(folded, start, end):
        raw = m.group()
        digits = raw.translate(_TO_DIGITS)
        sep = "" if previous_end is None else folded[previous_end : m.start()]
        tokens.append(_Token(m.start(), m.end(), digits, sep, sum(c in "oli" for c in raw)))
        previous_end = m.end()
    return tokens


def _drop_dates(folded: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Split a run where it holds dates, times or year ranges; they are not phone numbers."""
    blocked: list[tuple[int, int]] = []
    text = folded[tokens[0].start : tokens[-1].end]
    base = tokens[0].start
    for m in _DATE_IN_RUN.finditer(text):
        day = int(m.group("d") or m.group("d2"))
        month = int(m.group("m") or m.group("m2"))
        if 1 <= day <= 31 and 1 <= month <= 12:
            blocked.append((base + m.start(), base + m.end()))
    # Year ranges and lists of years: "2019-2024", "1990 2000 2010", "fra 1860-1917".
    for a, b in pairwise(tokens):
        if len(a.digits) == 4 and len(b.digits) == 4:
            recent = a.digits[:2] in ("19", "20") and b.digits[:2] in ("19", "20")
            # (only a lone pair: in "4111-1111-1111-1111" two groups are no years)
            historic = (
                len(tokens) == 2
                and 1000 <= int(a.digits) <= 2099
                and 1000 <= int(b.digits) <= 2099
                and b.sep.strip() in ("-", "/")
            )
            if recent or historic:
                blocked.append((a.start, b.end))
    if not blocked:
        return [tokens]
    groups: list[list[_Token]] = [[]]
    for token in tokens:
        if any(s <= token.start < e for s, e in blocked):
            if groups[-1]:
                groups.append([])
        else:
            groups[-1].append(token)
    return [g for g in groups if g]


def _context_words(folded: str, start: int, end: int) -> tuple[list[str], str]:
    """The (up to) three words before a number, nearest first, and the word after it."""
    before = _WORDS_BEFORE.search(folded, max(0, start - 32), start)
    after = _WORD_AFTER.match(folded, end)
    words_before = re.findall(r"[^\W\d_][\w\-]*", before.group()) if before else []
    return words_before[::-1][:3], (after.group(1) if after else "")


def _consecutive(values: list[int]) -> bool:
    if len(values) < 3:
        return False
    step = values[1] - values[0]
    return step in (1, -1) and all(b - a == step for a, b in pairwise(values))


def _classify_number(folded: str, tokens: list[_Token], plus: bool, ext: tuple[int, int] | None):
    """(kind, score, reason) for a run of digit tokens, or None when it is no contact detail."""
    digits = "".join(t.digits for t in tokens)
    n = len(digits)
    groups = [len(t.digits) for t in tokens]
    seps = [t.sep.strip() or " " for t in tokens[1:]]
    substituted = sum(t.letters for t in tokens)
    if substituted * 2 > n:
        return None
    if digits in ALLOWED_PHONE_NUMBERS:
        return None
    start, end = tokens[0].start, tokens[-1].end
    before, after = _context_words(folded, start, end)
    glued_code = start >= 2 and folded[start - 1] in "-#" and folded[start - 2].isalnum()
    if any(w in _NOT_PHONE_WORDS for w in before) or after in _NOT_PHONE_WORDS or glued_code:
        return None
    if _CURRENCY.search(folded, max(0, start - 5), start) or after in ("$", "€", "£", "%"):
        return None
    phone_word = any(w in _PHONE_WORDS for w in before)

    # CPR: ddmmyy-xxxx or ddmmyyxxxx with a real date.
    if n == 10 and groups in ([10], [6, 4]) and not plus and cpr_birth_year(digits):
        mod11 = cpr_modulus_11(digits)
        score = 0.9 if mod11 else (0.75 if groups == [6, 4] else 0.6)
        if _CPR_WORD.search(folded, max(0, start - 24), start):
            score += 0.1
        return "cpr", score, "CPR number" + (" (modulus 11 holds)" if mod11 else "")
    # US social security number, always written ddd-dd-dddd.
    if groups == [3, 2, 4] and seps == ["-", "-"] and ssn_valid(digits):
        return "id_number", 0.8, "US social security number"
    # Payment cards: 13-19 digits (Maestro also 12) with a valid Luhn check and a known issuer.
    card_length = 13 <= n <= 19 or (n == 12 and digits.startswith(("50", "56", "57", "58", "6")))
    if (
        card_length
        and not plus
        and not digits.startswith("00")
        and luhn_valid(digits)
        and _card_prefix_ok(digits)
    ):
        return "card", 0.9, "payment card number (Luhn check holds)"

    # Phone numbers.
    if len(set(digits)) == 1 or _consecutive([int(d) for d in digits]):
        return None  # 11111111, 12345678: counting, not a number anyone has
    single_digits = all(g == 1 for g in groups)
    if (
        single_digits
        and len(seps) > 2
        and len(set(seps[0::2])) == 1
        and len(set(seps[1::2])) == 1
        and seps[0] != seps[1]
    ):
        return None  # "2-1 3-0 4-4 1-1": football scores
    if single_digits and _consecutive([int(t.digits) for t in tokens]):
        return None
    if (
        len(groups) > 2
        and len(set(groups)) == 1
        and groups[0] <= 2
        and _consecutive([int(t.digits) for t in tokens])
    ):
        return None
    thousands = (
        len(groups) > 1 and groups[0] <= 3 and all(g == 3 for g in groups[1:]) and set(seps) <= {".", ","}
    )
    if thousands:
        return None  # 12.500.000
    score = 0.0
    reason = "phone number"
    if plus or digits.startswith("00"):
        national = n - (0 if plus else 2)
        if 7 <= national <= 15:
            score, reason = 0.9, "phone number with country code"
    elif n == 8:
        score = 0.75 if digits[0] in "23456789" else 0.55
        if groups in ([8], [2, 2, 4], [4, 4]) and _is_date_ddmmyyyy(digits):
            score = 0.45
    elif n == 10:
        if digits.startswith("45") and digits[2] in "23456789":
            score, reason = 0.8, "Danish phone number with country code"
        elif groups == [3, 3, 4] or (len(groups) == 3 and seps[0] in (")", ") ")):
            score = 0.8
        elif digits[0] == "0":
            score = 0.75
        else:
            score = 0.6
    elif n == 9:
        score = 0.6 if len(groups) > 1 else 0.5
    elif n == 7:
        if groups == [3, 4] and seps[0] in (" ", "-"):
            score = 0.55
    elif 11 <= n <= 13 and (digits[0] in "01" or len(groups) >= 3):
        score = 0.65
    if not score:
        return None
    if phone_word:
        score += 0.15
    if ext:
        score += 0.05
    if substituted:
        reason += " with letters for digits"
    return "phone", min(score, 0.95), reason


def _is_date_ddmmyyyy(digits: str) -> bool:
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    return 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)


def _numbers(text: Normalised, blocked: list[tuple[int, int]]) -> list[_Hit]:
    folded = text.folded
    f = folded.text
    hits = []
    for m in _NUMBER_RUN.finditer(f):
        if m.end() - m.start() < 6 and f[max(0, m.start() - 3) : m.start()].count("+") == 0:
            continue  # fewer than 6 characters: not 7 digits (most numbers in ordinary text)
        start = m.start()
        if start and f[start - 1] in "oli" and (start < 2 or not f[start - 2].isalpha()):
            start -= 1  # "o2 ..." with a letter o for the first 0
        if start and (f[start - 1].isalnum() or f[start - 1] in "@"):
            continue  # part of a word or a name: "abc123", "@anna2010"
        prefix = f[max(0, start - 3) : start]
        plus = prefix.endswith(("+", "+ ", "(+"))
        if plus or prefix.endswith("("):
            start = f.rindex("(" if prefix.endswith("(") and not plus else "+", 0, start)
            if f[start - 1 : start] == "(":
                start -= 1
        run = f[start : m.end()]
        if _TIME_RANGE.match(run.strip()):
            continue
        main_end = m.start("ext") if m.group("ext") else m.end()
        tokens = _tokens(f, start, main_end)
        if not tokens:
            continue
        for group in _drop_dates(f, tokens):
            group = [t for t in group if not _inside(folded, t.start, t.end, blocked)]
            if not group:
                continue
            is_first = group[0] is tokens[0]
            is_last = group[-1] is tokens[-1]
            ext = (m.start("ext"), m.end()) if m.group("ext") and is_last else None
            result = _classify_number(f, group, plus and is_first, ext)
            if result is None:
                continue
            kind, score, reason = result
            s = start if (is_first and f[start] in "+(") else group[0].start
            e = ext[1] if ext and kind == "phone" else group[-1].end
            if kind == "phone" and f[s] == "(" and ")" not in f[s:e]:
                s += 1
            os_, oe = _span(folded, s, e)
            hits.append(_Hit(kind, os_, oe, score, reason))
    return hits


def _inside(view: View, start: int, end: int, blocked: list[tuple[int, int]]) -> bool:
    if not blocked:
        return False
    os_, oe = _span(view, start, end)
    return any(bs < oe and os_ < be for bs, be in blocked)


# --------------------------------------------------------------------------------------------
# Numbers written as words: "to nul tre fire ...", "tyve tredive fyrre ...", "two zero three ..."
# --------------------------------------------------------------------------------------------

_DA_UNITS = {
    "nul": 0,
    "en": 1,
    "én": 1,
    "et": 1,
    "een": 1,
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "syv": 7,
    "otte": 8,
    "ni": 9,
}
_DA_TEENS = {
    "ti": 10,
    "elleve": 11,
    "tolv": 12,
    "tretten": 13,
    "fjorten": 14,
    "femten": 15,
    "seksten": 16,
    "sytten": 17,
    "atten": 18,
    "nitten": 19,
}
_DA_TENS = {
    "tyve": 20,
    "tredive": 30,
    "tredve": 30,
    "fyrre": 40,
    "fyrretyve": 40,
    "halvtreds": 50,
    "halvtredsindstyve": 50,
    "tres": 60,
    "treds": 60,
    "tresindstyve": 60,
    "halvfjerds": 70,
    "halvfjerdsindstyve": 70,
    "firs": 80,
    "firsindstyve": 80,
    "halvfems": 90,
    "halvfemsindstyve": 90,
}
_EN_UNITS = {
    "zero": 0,
    "oh": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_EN_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_EN_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_REPEATERS = {"double": 2, "dobbelt": 2, "triple": 3, "tripple": 3}


def _number_words(language: str) -> dict[str, int]:
    table: dict[str, int] = {}
    if language in ("da", ""):
        table.update(_DA_UNITS, **_DA_TEENS, **_DA_TENS)
        # Danish says the unit first: "femogtyve" (25), also "fem og tyve".
        for unit, u in _DA_UNITS.items():
            if u:
                for ten, t in _DA_TENS.items():
                    table[f"{unit}og{ten}"] = t + u
    if language in ("en", ""):
        table.update(_EN_UNITS, **_EN_TEENS, **_EN_TENS)
        for ten, t in _EN_TENS.items():
            for unit, u in _EN_UNITS.items():
                if u:
                    table[f"{ten}-{unit}"] = t + u
                    table[f"{ten}{unit}"] = t + u
    return table


# The common little words ("en", "to", "one") do not by themselves open the search.
_AMBIGUOUS_NUMBER_WORDS = frozenset({"en", "et", "én", "to", "ti", "ni", "one", "oh", "fire", "tres"})


def _number_word_pattern(table: dict[str, int]) -> re.Pattern:
    word = "(?:" + _alternation([*table, *_REPEATERS]) + ")"
    # "fem og tyve" with spaces, Danish order.
    spaced = (
        (
            r"(?:"
            + _alternation([u for u in _DA_UNITS if _DA_UNITS[u]])
            + r")[ \t]+og[ \t]+(?:"
            + _alternation(_DA_TENS)
            + ")"
        )
        if "tyve" in table
        else None
    )
    item = "(?:" + ((spaced + "|") if spaced else "") + word + r"|[oli]?[0-9]+(?:[oli]{1,2}[0-9]+)*[oli]?)"
    sep = r"[\s,.\-/_*]{1,3}"
    return re.compile(_NOT_WORD_BEFORE + item + r"(?:" + sep + item + r"){3,}" + _NOT_WORD_AFTER)


_NUMBER_WORD_TABLES = {lang: _number_words(lang) for lang in ("da", "en", "")}
_NUMBER_WORD_PATTERNS = {lang: _number_word_pattern(t) for lang, t in _NUMBER_WORD_TABLES.items()}
_STRONG_NUMBER_WORDS = {
    lang: frozenset(w for w in table if w not in _AMBIGUOUS_NUMBER_WORDS)
    for lang, table in _NUMBER_WORD_TABLES.items()
}
_NUMBER_WORD_ITEM = re.compile(r"[^\W_]+(?:[ \t]+og[ \t]+[^\W_]+)?|[0-9]+")


def _spelled_numbers(text: Normalised, language: str, tokens_seen: list[str]) -> list[_Hit]:
    table = _NUMBER_WORD_TABLES.get(language, _NUMBER_WORD_TABLES[""])
    present = _STRONG_NUMBER_WORDS[language if language in _STRONG_NUMBER_WORDS else ""].intersection(
        tokens_seen
    )
    if not present or (len(present) == 1 and tokens_seen.count(next(iter(present))) < 2):
        return []
    pattern = _NUMBER_WORD_PATTERNS.get(language, _NUMBER_WORD_PATTERNS[""])
    view = text.letters
    hits = []
    for m in pattern.finditer(view.text):
        digits, values, word_count = _read_number_words(m.group(), table)
        if word_count < 2 or not 7 <= len(digits) <= 15:
            continue
        if _consecutive(values) or len(set(digits)) == 1 or _consecutive([int(d) for d in digits]):
            continue  # counting: "en to tre fire fem seks syv otte"
        before = _WORD_BEFORE.search(view.text, max(0, m.start() - 24), m.start())
        score = 0.8 if len(digits) == 8 else 0.65
        if before and before.group(1) in _PHONE_WORDS:
            score += 0.1
        s, e = _span(view, m.start(), m.end())
        hits.append(_Hit("phone", s, e, min(score, 0.95), "phone number written as words"))
    return hits


def _read_number_words(run: str, table: dict[str, int]) -> tuple[str, list[int], int]:
    items = [w.replace("\t", " ") for w in _NUMBER_WORD_ITEM.findall(run)]
    digits: list[str] = []
    values: list[int] = []
    word_count = 0
    repeat = 1
    i = 0
    while i < len(items):
        item = items[i]
        if item in _REPEATERS:
            repeat = _REPEATERS[item]
            i += 1
            continue
        if " og " in item or " " in item:  # "fem og tyve"
            unit, _, ten = item.partition(" og ")
            value = table.get(unit.strip(), 0) + table.get(ten.strip(), 0)
            text, word_count = str(value), word_count + 1
        elif item.isdigit() or item[:1].isdigit() or item[-1:].isdigit():
            text = item.translate(_TO_DIGITS)
            value = int(text) if text.isdigit() else 0
        else:
            value = table.get(item)
            if value is None:
                i += 1
                continue
            word_count += 1
            # English "twenty two" is 22; a tens word before a unit word joins it.
            nxt = items[i + 1] if i + 1 < len(items) else ""
            if value >= 20 and value % 10 == 0 and nxt in _EN_UNITS and _EN_UNITS[nxt] and item in _EN_TENS:
                value += _EN_UNITS[nxt]
                i += 1
                word_count += 1
            text = str(value)
        digits.append(text * repeat)
        values.extend([value] * repeat)
        repeat = 1
        i += 1
    return "".join(digits), values, word_count


# --------------------------------------------------------------------------------------------
# E-mail, links, IP addresses
# --------------------------------------------------------------------------------------------

# Top-level domains that are read without "http" or "www" in front. Left out on purpose: those
# that are also file extensions or common words ("py", "md", "sh", "js", "at", "in", "is", "it",
# "to", "so", "am"); with a scheme or "www" any TLD counts.
_BARE_TLDS = frozenset(
    "com net org dk se no nu de eu uk io gg ly me tv app co info biz xyz online site live link club "
    "shop store fr es nl ch be fi ca us ru cz pt br ee si hu uy cy gl fo ie lt lv pl gr ro dev page "
    "chat social fm gl".split()
)
# After "punktum" / "dot" only the common ones: "x punktum dk", "bit dot ly".
# Endings that are also Danish or English words ("træt.de andre sover", "ok.se"): only with a
# path, "www" or a scheme.
_WORD_TLDS = frozenset("de se nu be".split())
_SPOKEN_TLDS = frozenset("com net org dk eu uk io gg ly me tv app co info".split())
_MAIL_PROVIDERS = frozenset(
    "gmail hotmail outlook live yahoo icloud me msn protonmail proton gmx aol yandex mail jubii "
    "webspeed stofanet ofir".split()
)
# Providers that name an e-mail address even without ".com": "anna at gmail". Not "me", "live"
# or "mail": "don't snap at me".
_MAIL_PROVIDERS_ALONE = frozenset("gmail hotmail outlook yahoo icloud protonmail gmx aol yandex msn".split())
# Where an "at" may start, found with plain string search before any pattern runs.
_AT_MARKERS = (
    "@",
    " at ",
    "\tat ",
    " snabel",
    " æt ",
    "(at",
    "[at",
    "{at",
    "<at",
    "( at",
    "[ at",
    "(snabel",
    "[snabel",
)
_AT = re.compile(r"@|[(\[{<][ \t]*(?:at|@|snabel[- ]?a)[ \t]*[)\]}>]|[ \t](?:at|snabel-?a|snabel a|æt)[ \t]")
# A dot, also written out: "gmail . com", "gmail(dot)com", "hotmail punktum dk".
_DOT = (
    r"(?:[ \t]{0,2}\.[ \t]{0,2}"
    r"|[ \t]*[(\[{<][ \t]*(?:dot|punktum|prik|\.)[ \t]*[)\]}>][ \t]*"
    r"|[ \t]+(?:dot|punktum|prik)[ \t]+)"
)
_LABEL_RX = r"[a-z0-9æøå](?:[a-z0-9æøå\-]{0,61}[a-z0-9æøå])?"
_EMAIL_LOCAL_TAIL = re.compile(r"(?<![\w.%+\-])[a-z0-9æøå_](?:[\w.%+\-]{0,63})[ \t]{0,2}\Z")
# The plain form first ("anna@rhyta.com. Is that ..." ends at "com"), then the spelled-out one.
_EMAIL_DOMAIN_PLAIN = re.compile(
    r"(?P<domain>"
    + _LABEL_RX
    + r"(?:\."
    + _LABEL_RX
    + r")*)\.(?P<tld>[a-z]{2,24})(?![a-z0-9]|\.[a-z0-9])(?P<provider>)"
)
_EMAIL_DOMAIN = re.compile(
    r"[ \t]{0,2}(?P<domain>"
    + _LABEL_RX
    + r"(?:"
    + _DOT
    + _LABEL_RX
    + r")*)"
    + _DOT
    + r"(?P<tld>[a-z]{2,24})(?![a-z0-9])"
    r"|[ \t]{0,2}(?P<provider>" + _alternation(_MAIL_PROVIDERS_ALONE) + r")(?![\w.])"
)
_SPOKEN_DOT = re.compile(r"[(\[{<][ \t]*(?:dot|punktum|prik|\.)[ \t]*[)\]}>]|[ \t](?:dot|punktum|prik)[ \t]")


def _emails(text: Normalised) -> list[_Hit]:
    view = text.folded
    f = view.text
    starts = set()
    for marker in _AT_MARKERS:
        i = f.find(marker)
        while i != -1:
            starts.add(i)
            i = f.find(marker, i + 1)
    hits = []
    for start in sorted(starts):
        at = _AT.match(f, start)
        if not at:
            continue
        domain = _EMAIL_DOMAIN_PLAIN.match(f, at.end()) if at.group() == "@" else None
        domain = domain or _EMAIL_DOMAIN.match(f, at.end())
        if not domain:
            continue
        local = _EMAIL_LOCAL_TAIL.search(f, max(0, at.start() - 70), at.start())
        if not local:
            continue
        at_text = at.group().strip()
        # "anna @ gmail . com" is written out to hide it as much as "anna at gmail dot com".
        spoken_at = (
            at_text != "@" or f[local.end() - 1 : local.end()] in " \t" or f[at.end() : at.end() + 1] in " \t"
        )
        if domain.group("provider"):
            score, reason = 0.7, "e-mail address without its ending"
        else:
            tld = domain.group("tld")
            dotted = domain.group()
            spoken_dot = bool(_SPOKEN_DOT.search(dotted)) or " " in dotted.strip()
            first_label = re.split(r"[ \t(\[{<.]", domain.group("domain").strip(), maxsplit=1)[0]
            if (spoken_at or spoken_dot) and tld not in _SPOKEN_TLDS and first_label not in _MAIL_PROVIDERS:
                continue
            if (
                spoken_at
                and at_text in ("at", "æt")
                and not spoken_dot
                and first_label not in _MAIL_PROVIDERS
                and tld not in _SPOKEN_TLDS
            ):
                continue
            score = 0.95 if not (spoken_at or spoken_dot) else 0.85
            reason = "e-mail address" if score > 0.9 else "e-mail address written out to hide it"
        s, e = _span(view, local.start(), domain.end())
        hits.append(_Hit("email", s, e, score, reason))
    return hits


_URL_SCHEME = re.compile(
    r"(?<![\w])(?:https?|ftp)://[^\s<>\"'{}|\\^`]+|(?<![\w.])www\d{0,3}\.[^\s<>\"'{}|\\^`]+"
)
_BARE_DOMAIN_TLD = re.compile(r"\.(?P<tld>" + _alternation(_BARE_TLDS) + r")(?![\w\-])")
_HOST_TAIL = re.compile(r"(?<![\w@.\-])" + _LABEL_RX + r"(?:\." + _LABEL_RX + r")*\Z")
_URL_PATH = re.compile(r"(?::\d{2,5})?(?:[/?#][^\s<>\"'{}|\\^`]*)?")
_SPOKEN_DOMAIN = re.compile(
    _NOT_WORD_BEFORE + r"(?P<host>" + _LABEL_RX + r"(?:" + _DOT + _LABEL_RX + r")*)"
    r"(?:[ \t]*[(\[{<][ \t]*(?:dot|punktum|prik|\.)[ \t]*[)\]}>][ \t]*|[ \t]+(?:dot|punktum|prik|\.)[ \t]+)"
    r"(?P<tld>" + _alternation(_SPOKEN_TLDS) + r")" + _NOT_WORD_AFTER + r"(?P<path>/[^\s<>\"']*)?"
)
_TRAILING = ".,;:!?)]}'\"»"


def _allowed_host(host: str) -> bool:
    host = host.strip(".").lower()
    return any(host == d or host.endswith("." + d) for d in ALLOWED_DOMAINS)


def _host_of(url: str) -> str:
    url = re.sub(r"^[a-z]+://", "", url)
    return re.split(r"[/?#:]", url, maxsplit=1)[0]


def _urls(text: Normalised) -> list[_Hit]:
    view = text.folded
    f = view.text
    original = text.original
    hits = []
    if "://" in f or "www" in f:
        for m in _URL_SCHEME.finditer(f):
            url = m.group().rstrip(_TRAILING)
            if _allowed_host(_host_of(url)) or not re.search(r"\.[a-z]{2,}", _host_of(url)):
                continue
            s, e = _span(view, m.start(), m.start() + len(url))
            hits.append(_Hit("url", s, e, 0.95, "link"))
    if "." in f:
        for m in _BARE_DOMAIN_TLD.finditer(f):
            host = _HOST_TAIL.search(f, max(0, m.start() - 80), m.start())
            if not host:
                continue
            first = host.group().split(".", 1)[0]
            tld_original = original[view.index[m.start("tld")]]
            # "træt.De er" is a missing space, not a link: typed links have a lower-case ending.
            if tld_original.isupper() or first.isdigit():
                continue
            if len(first) < 2 and m.group("tld") not in ("com", "me", "co", "ly", "gg", "dk"):
                continue
            path = _URL_PATH.match(f, m.end())
            end = path.end() if path else m.end()
            if m.group("tld") in _WORD_TLDS and end == m.end():
                continue
            end = host.start() + len(f[host.start() : end].rstrip(_TRAILING))
            if _allowed_host(f[host.start() : m.end()]):
                continue
            s, e = _span(view, host.start(), end)
            hits.append(_Hit("url", s, e, 0.8, "web address"))
    if "dot" in f or "punktum" in f or "prik" in f or "(.)" in f or "[.]" in f or " . " in f:
        for m in _SPOKEN_DOMAIN.finditer(f):
            if _allowed_host(re.sub(_DOT, ".", m.group("host")) + "." + m.group("tld")):
                continue
            s, e = _span(view, m.start(), m.end())
            hits.append(_Hit("url", s, e, 0.8, "web address written out to hide it"))
    return hits


_IPV4 = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
    r"(?::[0-9]{2,5})?(?![\w]|\.[0-9])"
)
_IPV4_HINT = re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])")
_IP_WORD_BEFORE = re.compile(r"\b(?:ip|ipv4|server|host|adresse|address)\b[^0-9]*\Z")
_VERSION_BEFORE = re.compile(r"(?<![^\W\d_])(?:v|ver|version|versjon)[\s.]*\Z")


def _ips(text: Normalised) -> list[_Hit]:
    view = text.folded
    f = view.text
    hits = []
    if f.count(".") >= 3 and _IPV4_HINT.search(f):
        for m in _IPV4.finditer(f):
            if _VERSION_BEFORE.search(f, max(0, m.start() - 9), m.start()):
                continue
            # "20.34.56.78" is how Danes write a phone number; an IP needs "ip"/"server" then.
            if all(len(o) == 2 for o in m.group().split(":")[0].split(".")) and not _IP_WORD_BEFORE.search(
                f, max(0, m.start() - 24), m.start()
            ):
                continue
            s, e = _span(view, m.start(), m.end())
            hits.append(_Hit("ip", s, e, 0.85, "IP address"))
    if f.count(":") >= 3:
        for m in _IPV6.finditer(f):
            candidate = m.group()
            if candidate.count(":") < 3 or not re.search(r"[a-f]|::", candidate):
                continue
            try:
                ipaddress.IPv6Address(candidate)
            except ValueError:
                continue
            s, e = _span(view, m.start(), m.end())
            hits.append(_Hit("ip", s, e, 0.85, "IP address"))
    return hits


_IBAN = re.compile(r"(?<![a-z0-9])[a-z]{2}[0-9]{2}(?:[ \-]?[a-z0-9]){11,32}")


def _ibans(text: Normalised) -> list[_Hit]:
    view = text.folded
    f = view.text
    hits = []
    if sum(map(f.count, "0123456789")) < 11:
        return hits  # the shortest IBAN (Norway) has 13 digits
    for m in _IBAN.finditer(f):
        candidate = m.group()
        expected = _IBAN_LENGTH.get(candidate[:2])
        if not expected:
            continue
        # Take exactly as many letters and digits as the country's IBAN has; words after it
        # ("... 006 for") are not part of it.
        count = 0
        cut = None
        for i, ch in enumerate(candidate):
            if ch.isalnum():
                count += 1
                if count == expected:
                    cut = i + 1
                    break
        if cut is None or (m.start() + cut < len(f) and f[m.start() + cut].isalnum()):
            continue
        if not iban_valid(candidate[:cut]):
            continue
        s, e = _span(view, m.start(), m.start() + cut)
        hits.append(_Hit("iban", s, e, 0.95, "bank account number (IBAN, check digits hold)"))
    return hits


# --------------------------------------------------------------------------------------------
# Invitations to another app, and user names there
# --------------------------------------------------------------------------------------------

_PLATFORMS = tuple(dict.fromkeys(w.casefold() for w in both("contact_platforms")))
_AMBIGUOUS_PLATFORMS = tuple(dict.fromkeys(w.casefold() for w in both("contact_platforms_ambiguous")))
_APP = "(?:" + "|".join(entry_pattern(p) for p in sorted(_PLATFORMS, key=len, reverse=True)) + ")"
_ANY_PLATFORM = (
    "(?:"
    + "|".join(entry_pattern(p) for p in sorted(_PLATFORMS + _AMBIGUOUS_PLATFORMS, key=len, reverse=True))
    + ")"
)
# An app name at a given place: any (incl. "signal", "mail") or one that means nothing else.
_ANY_PLATFORM_AT = re.compile(_ANY_PLATFORM + _NOT_WORD_AFTER)
_APP_AT = re.compile(_APP + _NOT_WORD_AFTER)
_SEP_WORDS = r"[\W_]+"
# Words of the invitation lists that are too common to start a search.
_COMMON = frozenset(
    "jeg mig du dig på til os vi en et er din dit min mit har kan må vil skal lad med den det "
    "i me my you u your ur on to a an the is are do can let's lets let us we what's whats what "
    "get have give send got r up hvad what få op sammen go in the andet else".split()
)


_COLLAPSE = re.compile(r"([^\W\d_])\1+")


def _collapse(word: str) -> str:
    """ "snaaap" -> "snap" (and "add" -> "ad": only ever compared with collapsed words)."""
    return _COLLAPSE.sub(r"\1", word)


def _words_pattern(text: str) -> str:
    return entry_pattern(text) if text.strip() else ""


def _anchor_word(entry: str) -> str | None:
    """A word that must appear in a text for the entry to match: its longest uncommon word."""
    found = [w for w in re.findall(r"[^\W\d_]+", entry.casefold()) if w not in _COMMON and len(w) > 1]
    return max(found, key=len) if found else None


def _build_invitations():
    """Three kinds of phrases from contact_invitations.txt:
    - without an app name ("lad os skrive privat"): grouped by their longest uncommon word, and
      searched only near that word;
    - "<words> {app}" ("har du snap"): grouped by the word right before the app name, and looked
      up only where an app name stands (the text before it must end with the words);
    - with words or "?" after the app name ("{app} mig", "got {app} ?"): checked one by one at
      each app name (there are few).
    """
    by_anchor: dict[str, list[str]] = {}
    before_app: dict[tuple[str, str], list[str]] = {}
    with_suffix: list[tuple[re.Pattern | None, str, re.Pattern]] = []
    for entry in both("contact_invitations"):
        entry = entry.casefold().strip()
        placeholder = re.search(r"\{platform\}|\{app\}", entry)
        if not placeholder:
            anchor = _anchor_word(entry)
            if not anchor:
                raise ValueError(f"invitation without an uncommon word: {entry!r}")
            by_anchor.setdefault(anchor, []).append(entry_pattern(entry))
            continue
        kind = placeholder.group()[1:-1]
        prefix, suffix = entry[: placeholder.start()].strip(), entry[placeholder.end() :].strip()
        if suffix:
            question = suffix.startswith("?")
            suffix_rx = re.compile(
                r"[ \t]*\?" if question else _SEP_WORDS + entry_pattern(suffix) + _NOT_WORD_AFTER
            )
            prefix_rx = (
                re.compile(_NOT_WORD_BEFORE + _words_pattern(prefix) + _SEP_WORDS + r"\Z") if prefix else None
            )
            with_suffix.append((prefix_rx, kind, suffix_rx))
        else:
            last = _collapse(re.findall(r"[^\W\d_]+", prefix)[-1])
            before_app.setdefault((kind, last), []).append(_words_pattern(prefix))
    anchored = {
        word: re.compile(
            _NOT_WORD_BEFORE + "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")" + _NOT_WORD_AFTER
        )
        for word, patterns in by_anchor.items()
    }
    before = {
        key: re.compile(
            _NOT_WORD_BEFORE
            + "(?:"
            + "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True))
            + ")"
            + _SEP_WORDS
            + r"\Z"
        )
        for key, patterns in before_app.items()
    }
    return anchored, before, with_suffix


_INVITATIONS_BY_ANCHOR, _INVITATIONS_BEFORE_APP, _INVITATIONS_WITH_SUFFIX = _build_invitations()
# Any of the words after an app name that the phrases with words after it need ("snap mig", "kik?").
_SUFFIX_GATE = re.compile("|".join(f"(?:{rx.pattern})" for _, _, rx in _INVITATIONS_WITH_SUFFIX))


def _list_pattern(name: str) -> str:
    return "(?:" + "|".join(entry_pattern(e) for e in sorted(set(both(name)), key=len, reverse=True)) + ")"


# Requests put together from their parts, so that wordings nobody listed are found too:
#   [ask] verb [up to three small words] på/on/to <app>  "lad os tage snakken på insta"
#   [ask] verb [small words] privat/privately            "kan vi ikke skrive privat?"
#   [ask] verb [mig/me] dit/your nummer/number/<app>     "skriv dit nummer", "send me ur snap"
_VERBS = _list_pattern("contact_invitation_verbs")
_VERB_WORDS = frozenset(e.casefold().split()[0] for e in both("contact_invitation_verbs"))
_FILLERS = _list_pattern("contact_invitation_fillers")
_PREPOSITIONS = r"(?:over[ \t]+på|ind[ \t]+på|på|over[ \t]+to|over[ \t]+on|on|onto|to|via|i|in|til)"
_VERB_BEFORE_APP = re.compile(
    _NOT_WORD_BEFORE
    + r"(?P<verb>"
    + _VERBS
    + r")(?:[ \t]+"
    + _FILLERS
    + r"){0,3}[ \t]+"
    + _PREPOSITIONS
    + r"[\W_]+\Z"
)
_PRIVATE_WORDS = _list_pattern("contact_invitation_private")
_VERB_PRIVATE = re.compile(
    _NOT_WORD_BEFORE
    + r"(?P<verb>"
    + _VERBS
    + r")(?P<fill>(?:[ \t]+"
    + _FILLERS
    + r"){0,3})[ \t]+"
    + _PRIVATE_WORDS
    + _NOT_WORD_AFTER
)
_PRIVATE_ANCHORS = frozenset(filter(None, (_anchor_word(e) for e in both("contact_invitation_private"))))
_OBJECTS = _list_pattern("contact_invitation_objects")
_POSSESSIVES = frozenset({"dit", "din", "your", "ur", "ya"})
_VERB_OBJECT = re.compile(
    _NOT_WORD_BEFORE
    + r"(?P<verb>"
    + _VERBS
    + r")(?:[ \t]+(?:mig|me|os|us))?[ \t]+(?:dit|din|your|ur|ya)[ \t]+(?:"
    + _OBJECTS
    + "|"
    + _ANY_PLATFORM
    + ")"
    + _NOT_WORD_AFTER
)
_OBJECT_ANCHORS = frozenset(filter(None, (_anchor_word(e) for e in both("contact_invitation_objects"))))
# "vil du ikke hellere snakke ...", "would you rather talk ...": small words may follow the ask.
_ASK_BEFORE = re.compile(
    _NOT_WORD_BEFORE
    + _list_pattern("contact_invitation_asks")
    + r"(?:[ \t]+(?:ikke|hellere|bare|lige|måske|not|rather|just|maybe|like|really))*[\W_]+\Z"
)
_WE_ASKS = re.compile(
    r"lad os|skal vi|kan vi|vi kan|vi skal|vi burde|let'?s|let us|shall we|can we|could we|should we"
    r"|we should|we could|we can"
)
_ME_OR_US = re.compile(
    r"(?<![^\W_])(?:mig|me|os|us)(?![^\W_])|^[ \t]+(?:til mig|to me|with me|med mig|me)(?![^\W_])"
)


def _main_word(name: str) -> str:
    words = re.findall(r"[^\W\d_]+", name)
    return max(words, key=len)


# The longest word of each app name ("mail" of "e-mail") tells where to look for app phrases.
_PLATFORM_WORDS = frozenset(_main_word(p) for p in _PLATFORMS + _AMBIGUOUS_PLATFORMS)
# App names of one word ("snap"), found without a pattern; and the anchors that are not the first
# word of their app name ("mail" of "e-mail"), where the name starts before the anchor.
_ONE_WORD_PLATFORMS = frozenset(p for p in _PLATFORMS + _AMBIGUOUS_PLATFORMS if re.fullmatch(r"[a-zæøå]+", p))
_ONE_WORD_APPS = _ONE_WORD_PLATFORMS.intersection(_PLATFORMS)
_LATER_WORD_ANCHORS = frozenset(
    _main_word(p) for p in _PLATFORMS + _AMBIGUOUS_PLATFORMS if not p.startswith(_main_word(p))
)
_ANCHORS = frozenset(_INVITATIONS_BY_ANCHOR) | _PLATFORM_WORDS | _PRIVATE_ANCHORS | _OBJECT_ANCHORS
# Found again in the text with the same tolerance as the phrases (letters may be repeated).
_ANCHOR_PATTERNS = {
    word: re.compile(_NOT_WORD_BEFORE + entry_pattern(word) + _NOT_WORD_AFTER) for word in _ANCHORS
}
# Where a multi-word app name starts, seen from its longest word ("tik tok", "whats app").
_APP_START_BEFORE = re.compile(r"(?:[^\W\d_]+[ \t]+)?\Z")
# Stretched words ("snaaap", "addd") are not among the plain words: seen by three equal letters.
_STRETCHED = tuple(c * 3 for c in "aeiouyæøpkd")
_STRETCHED_WORD = re.compile(r"[^\W\d_]*([^\W\d_])\1\1[^\W\d_]*")
_COLLAPSED_ANCHORS: dict[str, set[str]] = {}
for _word in _ANCHORS:
    _COLLAPSED_ANCHORS.setdefault(_collapse(_word), set()).add(_word)

# "kik?", "snap?" on their own.
_BARE_APP_QUESTION = re.compile(r"[ \t]*\?")
# What may stand before a bare "kik?": nothing, the end of a sentence, a greeting, "or".
_BEFORE_BARE_APP = re.compile(
    r"(?:^|[.!?\n,:]|(?<![^\W_])(?:hey|heyy|hej|hejsa|hi|hii|yo|ok|okay|so|så|og|and|or|eller|lol|haha|btw))[\W_]*\Z"
)
_NOT_INVITATION_BEFORE = _word_set("contact_not_invitation_before")
_LAST_WORD = re.compile(r"([^\W\d_][\w'’]*)[ \t]*\Z")
# "add me to the group", "tilføj mig til gruppen": on this site, not elsewhere.
_TO_AFTER_PRONOUN = re.compile(r"(?<=me|ig)[ \t]+(?:to|til|into|ind)(?![^\W_])")
# After an app name: "min snap er anna_22", "sc: anna.b", "my snapchat username is ...".
_NAME_MARK_AFTER_APP = re.compile(
    r"(?:[ \t]+(?:navn|name|username|user|brugernavn|id|tag|handle))?"
    r"[ \t]*(?P<mark>:|=|->|-|–|er|is|(?=[ \t]))(?![^\W_])"
)
_OWN_BEFORE_APP = re.compile(
    r"(?<![^\W_])(?:min|mit|mine|my)"
    r"(?:[ \t]+(?:brugernavn|username|user|navn|name|handle|profil|profile|konto|account))?"
    r"(?:[ \t]+(?:på|on|in|i))?[\W_]+\Z"
)
_NO_USER_NAMES = frozenset({"mail", "email", "e-mail", "sms", "mobilen", "beskeder"})
_HANDLE_MARK = re.compile(
    r"[ \t]*,?[ \t]*(?:(?P<mark>[:=]|->|-|–|(?:er|is)(?![^\W_]))[ \t]*"
    r"|(?P<weak>(?:it'?s|it is|det er|den er)(?![^\W_]))[ \t]*)?"
)
# A name that looks like a user name: letters with digits, "_" or "." ("frederik_h", "anna.b").
_MARKED_UP_NAME = re.compile(
    r"[ \t]+@?(?=[a-z0-9_.æøå]*[a-zæøå])(?=[a-z0-9_.æøå]*[0-9_.])[a-z0-9_æøå][a-z0-9_.æøå]+"
)
_HANDLE = re.compile(r"@?(?P<h>[a-z0-9_æøå](?:[a-z0-9_.\-æøå]{0,29}[a-z0-9_æøå])?(?:#[0-9]{4})?)(?![\w@])")
_NOT_HANDLES = _word_set("contact_not_handles")
_AT_HANDLE = re.compile(r"(?<![\w@.\-])@(?P<h>[a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_])?)(?![\w@]|\.[a-z]{2})")
_DISCORD_TAG = re.compile(r"(?<![\w#@])[a-z][\w.]{1,31}#[0-9]{4}(?![0-9])")


def _handle_after(text: Normalised, original_end: int) -> _Hit | None:
    """A user name right after `original_end` (an app name or an invitation): after ":", "er",
    "is" any name that is not an ordinary word; without them only a name that looks like one
    ("anna_22", "sofie.h09", "@anna")."""
    folded = text.folded
    f = folded.text
    i = _to_view(folded, original_end)
    m = _HANDLE_MARK.match(f, i)
    marker = bool(m.group("mark"))
    h = _HANDLE.match(f, m.end())
    if not h:
        return None
    name = h.group("h").rstrip(".-")
    if not name or name in _NOT_HANDLES or name in _PLATFORM_WORDS or name in _COMMON or name.isdigit():
        return None
    marked_up = any(c in name for c in "0123456789_.#") or h.group().startswith("@")
    if not marker and not marked_up:
        return None  # "... on snap, it's safer": after "it's" only a name that looks like one
    s, e = _span(folded, h.start(), h.start() + len(h.group().rstrip(".-")))
    return _Hit("handle", s, e, 0.85 if marked_up else 0.6, "user name on another app")


def _present_anchors(view: View, seen: list[str]) -> set[str]:
    present = set(_ANCHORS.intersection(seen))
    if any(s in view.text for s in _STRETCHED):
        for m in _STRETCHED_WORD.finditer(view.text):
            present |= _COLLAPSED_ANCHORS.get(_collapse(m.group()), set())
    return present


def _word_before(t: str, pos: int) -> tuple[int, str]:
    """The word before `pos` (skipping spaces and punctuation) and where it starts."""
    j = pos
    while j > 0 and not t[j - 1].isalnum():
        j -= 1
    k = j
    while k > 0 and t[k - 1].isalpha():
        k -= 1
    return k, t[k:j]


_SOFT_BEFORE_REQUEST = frozenset(
    "hey heyy hej hejsa hi hii yo ok okay so så and og but men or eller bare just pls please plz lol haha "
    "btw then altså nå".split()
)


def _request_start(t: str, start: int, *, imperative: bool = True) -> int | None:
    """Where a request begins, or None when the words are part of a story.

    With `imperative` (phrases put together from a verb): the verb must open its sentence
    ("skriv på insta", "hey, add me on snap") or follow a request ("lad os skrive ...", "can we
    talk ..."); "han skrev til mig på snap", "a group chat on messenger" are no requests.
    Listed phrases only must not follow a word of contact_not_invitation_before.txt.
    """
    ask = _ASK_BEFORE.search(t, max(0, start - 25), start)
    if ask:
        return ask.start()
    last = _LAST_WORD.search(t, max(0, start - 12), start)
    if last and last.group(1) in _NOT_INVITATION_BEFORE:
        return None
    if not imperative:
        return start
    j = start
    while j > 0 and t[j - 1] in " \t":
        j -= 1
    if j == 0 or not t[j - 1].isalnum():
        return start
    return start if last and last.end() == start and last.group(1) in _SOFT_BEFORE_REQUEST else None


def _phrases_at_app(t: str, start: int, end: int, unambiguous: bool) -> list[tuple[int, int]]:
    """Invitation phrases around the app name t[start:end]."""
    spans = []
    # A verb among the words before the app name? (cheap, and usually not)
    window = t[max(0, start - 60) : start].split()
    m = _VERB_BEFORE_APP.search(t, max(0, start - 60), start) if _VERB_WORDS.intersection(window) else None
    if m:
        begin = _request_start(t, m.start())
        if begin is not None:
            spans.append((begin, end))
    before = start
    article_start, last = _word_before(t, start)
    if last in ("en", "et", "a", "an"):  # "har du en insta", "do u have an insta"
        before = article_start
        _, last = _word_before(t, before)
    if last:
        for kind in ("platform", "app") if unambiguous else ("platform",):
            rx = _INVITATIONS_BEFORE_APP.get((kind, last)) or _INVITATIONS_BEFORE_APP.get(
                (kind, _collapse(last))
            )
            if rx:
                m = rx.search(t, max(0, before - 50), before)
                if m:
                    spans.append((m.start(), end))
    for prefix_rx, kind, suffix_rx in _INVITATIONS_WITH_SUFFIX if _SUFFIX_GATE.match(t, end) else ():
        if kind == "app" and not unambiguous:
            continue
        after = suffix_rx.match(t, end)
        if not after:
            continue
        if prefix_rx is None:
            spans.append((start, after.end()))
        else:
            m = prefix_rx.search(t, max(0, start - 30), start)
            if m:
                spans.append((m.start(), after.end()))
    # "kik?" on its own.
    if (
        unambiguous
        and _BARE_APP_QUESTION.match(t, end)
        and _BEFORE_BARE_APP.search(t, max(0, start - 12), start)
    ):
        spans.append((start, _BARE_APP_QUESTION.match(t, end).end()))
    return spans


def _anchor_positions(t: str, seen: list[str], present: set[str]):
    """(word, start, end) of each anchor word in `t`: one pass over the words for plain ones,
    the tolerant pattern for stretched ones ("snaaap")."""
    plain = present.intersection(seen)
    for word in plain:
        s = t.find(word)
        while s != -1:
            e = s + len(word)
            if (s == 0 or not (t[s - 1].isalnum() or t[s - 1] == "_")) and (
                e == len(t) or not (t[e].isalnum() or t[e] == "_")
            ):
                yield word, s, e
            s = t.find(word, e)
    for word in present - plain:
        for m in _ANCHOR_PATTERNS[word].finditer(t):
            yield word, m.start(), m.end()


def _app_at(t: str, word: str, start: int, end: int) -> tuple[int, int, bool] | None:
    """The app name around the anchor t[start:end]: its span and whether it means only the app."""
    if word in _ONE_WORD_PLATFORMS and t[start:end] == word:
        return start, end, word in _ONE_WORD_APPS  # the usual case: "snap", "tiktok"
    before = _APP_START_BEFORE.search(t, max(0, start - 12), start) if word in _LATER_WORD_ANCHORS else None
    for s in {before.start(), start} if before else (start,):
        app = _ANY_PLATFORM_AT.match(t, s)
        if app and app.end() >= end:
            exact = _APP_AT.match(t, s)
            return s, app.end(), bool(exact and exact.end() == app.end())
    return None


def _invitations(text: Normalised, tokens: list[tuple[View, list[str]]]) -> list[_Hit]:
    hits: list[_Hit] = []
    for view, seen in tokens:
        present = _present_anchors(view, seen)
        if not present:
            continue
        t = view.text
        found: set[tuple[int, int]] = set()
        for word, a_start, a_end in _anchor_positions(t, seen, present):
            phrases = _INVITATIONS_BY_ANCHOR.get(word)
            at_app = word in _PLATFORM_WORDS
            if phrases is not None:
                m = phrases.search(t, max(0, a_start - 40), min(len(t), a_end + 40))
                if m:
                    found.add(m.span())
            if word in _PRIVATE_ANCHORS and _VERB_WORDS.intersection(
                t[max(0, a_start - 50) : a_start].split()
            ):
                for m in _VERB_PRIVATE.finditer(t, max(0, a_start - 50), min(len(t), a_end + 15)):
                    begin = _request_start(t, m.start())
                    if begin is None:
                        continue
                    ask = t[begin : m.start()]
                    # "skriv privat til mig", "lad os snakke privat": a request between us,
                    # not advice ("talk privately with your teacher").
                    if (
                        _ME_OR_US.search(m.group("fill"))
                        or _WE_ASKS.search(ask)
                        or _ME_OR_US.match(t, m.end())
                    ):
                        found.add((begin, m.end()))
            if (word in _OBJECT_ANCHORS or at_app) and _POSSESSIVES.intersection(
                t[max(0, a_start - 20) : a_start].split()
            ):
                m = _VERB_OBJECT.search(t, max(0, a_start - 45), min(len(t), a_end + 2))
                if m:
                    begin = _request_start(t, m.start())
                    if begin is not None:
                        found.add((begin, m.end()))
            if at_app:
                app = _app_at(t, word, a_start, a_end)
                if app:
                    found.update(_phrases_at_app(t, *app))
                    hits.extend(_handle_after_app(text, view, app[0], app[1]))
        for s_, e_ in found:
            if _request_start(t, s_, imperative=False) is None:
                continue  # "he'd add me on snap", "ikke skriv til mig"
            if _TO_AFTER_PRONOUN.match(t, e_):
                continue
            s, e = _span(view, s_, e_)
            hits.append(_Hit("invitation", s, e, 0.8, "invitation to talk on another app or in private"))
            handle = _handle_after(text, e)
            if handle:
                hits.append(handle)
    return hits


def _handle_after_app(text: Normalised, view: View, app_start: int, app_end: int) -> list[_Hit]:
    """ "min snap er anna_22", "sc: anna.b": the phrase is an invitation, the name a handle."""
    t = view.text
    if t[app_start:app_end] in _NO_USER_NAMES:
        return []  # "min mail er ...": the address itself is the finding
    after = _NAME_MARK_AFTER_APP.match(t, app_end)
    if not after:
        return []
    own = _OWN_BEFORE_APP.search(t, max(0, app_start - 25), app_start)
    if after.group("mark") in ("er", "is") and not own:
        return []  # "snap er dumt": the app, not a name
    if not after.group("mark") and not _MARKED_UP_NAME.match(t, after.end()):
        return []  # "sc frederik_h" yes, "snap streak" no
    handle = _handle_after(text, _span(view, app_start, after.end())[1])
    if handle is None:
        return []
    if not own:
        return [handle]  # "sc: ..." is only a label
    s, e = _span(view, own.start(), after.end())
    return [_Hit("invitation", s, e, 0.75, "user name on another app given"), handle]


def _at_handles(text: Normalised) -> list[_Hit]:
    view = text.folded
    f = view.text
    hits = []
    if "@" in f:
        for m in _AT_HANDLE.finditer(f):
            name = m.group("h")
            if name in _NOT_HANDLES or name.isdigit() or not re.search(r"[a-z]", name):
                continue
            s, e = _span(view, m.start(), m.end())
            hits.append(_Hit("handle", s, e, 0.75, "@user name"))
    if "#" in f:
        for m in _DISCORD_TAG.finditer(f):
            s, e = _span(view, m.start(), m.end())
            hits.append(_Hit("handle", s, e, 0.8, "user name with a Discord tag"))
    return hits


# --------------------------------------------------------------------------------------------
# Street addresses
# --------------------------------------------------------------------------------------------
#
# Nearly every address has a house number, so the search starts at the numbers of the text (few)
# and looks at the words around each: "Vestergade 12", "123 Main Street", "Via Franscini 71",
# "Rua do Arenque 1634", "29 Rue de Tanger". Then it takes in what follows an address: floor and
# side ("2. th"), flat ("Apt. 4"), postal code and town ("8000 Aarhus C").

_STREET_SUFFIXES = tuple(w.casefold() for w in both("contact_street_suffixes"))
_STREET_SUFFIXES_WEAK = tuple(w.casefold() for w in both("contact_street_suffixes_weak"))
_STREET_WORDS = frozenset(w.casefold() for w in both("contact_street_words"))
_STREET_WORDS_WEAK = frozenset(w.casefold() for w in both("contact_street_words_weak"))
_STREET_TYPES_FIRST = frozenset(w.casefold() for w in both("contact_street_types_first"))
# Danish street words that are also ordinary words ("på vej", "alle 3") need a capitalised name.
_STREET_WORDS_NEED_CAPITAL = frozenset({"vej", "gade", "plads", "torv", "allé", "stræde", "vænge"})
_ADDRESS_STOPWORDS = _word_set("contact_address_stopwords")
_PARTICLES = frozenset("de des du da do dos das del della la le les al el di van von der den het y e".split())
_TOWNS = _word_set("contact_towns")
_TOWN_WORDS = frozenset(w for town in _TOWNS for w in town.split())
_ALL_STREET_WORDS = frozenset(w.rstrip(".") for w in _STREET_WORDS | _STREET_WORDS_WEAK)

_NUMBER = re.compile(r"[0-9]{1,5}")
_HOUSE_LETTER = re.compile(r"[ \t]?[a-h](?![^\W_])")
_WORD_TOKENS = re.compile(r"[^\s]+")
_NAME_WORD = r"(?:[^\W\d_][\w'’\-]*\.?|[0-9]{1,3}(?:st|nd|rd|th))"
# "123 Main Street", "45 Oak Drive": after the number, a name and a street word.
_AFTER_NUMBER_STREET = re.compile(
    r"[ \t]+(?P<name>(?:"
    + _NAME_WORD
    + r"[ \t]+){1,4}?)(?P<type>"
    + _alternation(_STREET_WORDS | _STREET_WORDS_WEAK)
    + r")(?P<dot>\.)?"
    + _NOT_WORD_AFTER
)
# "29 Rue de Tanger", "846 31 Rue Al Imam Al Bakri"
_AFTER_NUMBER_TYPE_FIRST = re.compile(
    r"[ \t]+(?P<type>"
    + _alternation(_STREET_TYPES_FIRST)
    + r")\.?(?P<name>(?:[ \t]+"
    + _NAME_WORD
    + r"){1,5})"
)
_POSTCODE_TOWN = re.compile(r"[ \t]+(?P<town>[^\W\d_]{2,}(?:[ \t]+[^\W\d_]{2,})?)")
# "P.O. Box 287", "Postboks 12", "PSC 3294, Box 9168", "Unit 0822 Box 8858", "APO AA 61487"
_POST_BOX = re.compile(
    _NOT_WORD_BEFORE + r"(?:(?:p\.?[ \t]?o\.?[ \t]?box|postboks|post box|psc|unit)[ \t]+[0-9]{1,6}"
    r"(?:,?[ \t]*box[ \t]+[0-9]{1,6})?|(?:apo|fpo|dpo)[ \t]+(?:aa|ae|ap)[ \t]+[0-9]{5})" + _NOT_WORD_AFTER
)
# "Apt. 4", "Suite 838", "lejl. 3" on their own.
_UNIT = re.compile(
    _NOT_WORD_BEFORE + r"(?:apt|apartment|suite|lejl|lejlighed)\.?[ \t]*#?[0-9]{1,5}[a-z]?" + _NOT_WORD_AFTER
)
_UNIT_WORDS = (
    r"(?:apt|apartment|suite|ste|unit|flat|lejl|lejlighed|room)\.?[ \t]*#?[0-9]{1,5}[a-z]?" + _NOT_WORD_AFTER
)
_FLOOR = r"[0-9]{1,2}[ \t]*\.?[ \t]*(?:sal|th|tv|mf|t\.h|t\.v)" + _NOT_WORD_AFTER + r"\.?"
# What follows a street and number: floor and side, stuen, flat.
_TAIL = re.compile(
    r"[ \t]*[,\n]?[ \t\n>]*(?:"
    + _UNIT_WORDS
    + "|"
    + _FLOOR
    + r"|(?:st|stuen)\.?(?:[ \t]*(?:th|tv|mf)\.?)?"
    + _NOT_WORD_AFTER
    + r"|(?:th|tv|mf)\.?"
    + _NOT_WORD_AFTER
    + r")"
)
# Then the town: "8000 Aarhus C", or lines of places ending in a postal code ("\n Domoszló\n
# Hungary 34796"). Place names without a postal code are not taken: "Vestergade 12, Jeg ...".
_PLACE = r"[^\W\d_][\w'’.\-]*(?:[ \t]+[^\W\d_(][\w'’.\-()]*){0,3}"
_TOWN_LINES = (
    r"(?:[ \t]*,[ \t]*|[ \t]+|[ \t]*\n[ \t>]*)(?:[1-9][0-9]{3}[ \t]+[^\W\d_]{2,}(?:[ \t]+[a-zæø]{1,2}"
    + _NOT_WORD_AFTER
    + ")?"
    r"|(?:"
    + _PLACE
    + r")(?:[ \t]*[,\n][ \t\n>,]*"
    + _PLACE
    + r"){0,3}[ \t,\n>]*[0-9]{4,5}"
    + _NOT_WORD_AFTER
    + ")"
)
_TAIL_TOWN = re.compile(_TOWN_LINES)
_TAIL_START = re.compile(r"\.?[ \t]*[,\n]?[ \t\n>]*(?:" + _UNIT_WORDS + "|" + _FLOOR + ")|" + _TOWN_LINES)
_ADDRESS_CUES = tuple(sorted((c.casefold() for c in both("contact_address_cues")), key=len, reverse=True))
_CUE_END = re.compile(r"[ \t:]+(?:the[ \t]+)?")
_CUE_HINTS = (
    "bor ",
    "live",
    "adress",
    "address",
    "corner",
    "hjørnet",
    "sent to",
    "send it",
    "located",
    "meet",
    "arrived",
    "send a new",
)
# "jeg bor på vestergade", "i live on maple street": a street without a number.
_STREET_WITHOUT_NUMBER = re.compile(
    r"(?P<street>[^\W\d_]{2,}?(?:"
    + _alternation(_STREET_SUFFIXES)
    + r")|(?:"
    + _NAME_WORD
    + r"[ \t]+){1,3}?(?:"
    + _alternation(_STREET_WORDS)
    + r"))"
    + _NOT_WORD_AFTER
)


def _cue_before(f: str, pos: int) -> bool:
    """Does an address cue ("bor på", "lives at", "address:") end right before `pos`?"""
    before = f[max(0, pos - 30) : pos].rstrip(" \t:")
    if before.endswith(" the"):
        before = before[:-4].rstrip(" \t:")
    if not before.endswith(_ADDRESS_CUES):
        return False
    cue = next(c for c in _ADDRESS_CUES if before.endswith(c))
    i = len(before) - len(cue)
    return i == 0 or not before[i - 1].isalnum()


def _capitalised(text: Normalised, view: View, start: int, end: int) -> bool:
    """Every word of view[start:end] starts with a capital letter in the original."""
    return all(text.original[view.index[m.start()]].isupper() for m in _WORDS.finditer(view.text, start, end))


def _unit_after(f: str, end: int) -> bool:
    """ "Bornholm 2 uger", "level 3 times": a count, not a house number."""
    after = _WORD_AFTER.match(f, end)
    return bool(after) and after.group(1) in _NOT_PHONE_WORDS


def _words_before(f: str, pos: int) -> list[tuple[int, int, str]]:
    """Up to five words right before `pos` in the same clause (no comma, colon or new line between)."""
    lo = max(0, pos - 70)
    window = f[lo:pos]
    cut = max(
        window.rfind(","),
        window.rfind(";"),
        window.rfind(":"),
        window.rfind("("),
        window.rfind(")"),
        window.rfind("\n"),
        window.rfind("!"),
        window.rfind("?"),
    )
    if cut >= 0:
        lo, window = lo + cut + 1, window[cut + 1 :]
    parts = window.split()[-5:]
    found = []
    end = len(window)
    for word in reversed(parts):
        i = window.rfind(word, 0, end)
        found.append((lo + i, lo + i + len(word), word))
        end = i
    found.reverse()
    if found and found[0][0] == lo == pos - 70 and lo > 0:
        found = found[1:]  # cut off by the window
    return found


def _is_name_word(word: str, particles: bool = False) -> bool:
    w = word.strip(".,").casefold()
    if not w or not w[0].isalpha():
        return False
    return w not in _ADDRESS_STOPWORDS or (particles and w in _PARTICLES)


def _street_before(
    text: Normalised, view: View, words: list[tuple[int, int, str]]
) -> tuple[int, float] | None:
    """Where the street name before a house number starts, and how sure that is."""
    if not words:
        return None
    start, _, last = words[-1]
    last = last.rstrip(".").casefold()
    # "Vestergade 12": one word with a Danish or foreign street ending.
    if last.endswith(_STREET_SUFFIXES) and last.isalpha():
        for suffix in _STREET_SUFFIXES:
            if last.endswith(suffix) and len(last) >= len(suffix) + 2:
                return start, 0.85
    if last.endswith(_STREET_SUFFIXES_WEAK) and last.isalpha():
        for suffix in _STREET_SUFFIXES_WEAK:
            if (
                last.endswith(suffix)
                and len(last) >= len(suffix) + 3
                and _capitalised(text, view, start, start + 1)
            ):
                return start, 0.7
    # "Villacher Strasse 89", "Frederiksberg Allé 5": name words, then a street word.
    if last in _STREET_WORDS and len(words) > 1:
        names = []
        for w in reversed(words[:-1]):
            if not _is_name_word(w[2]) or len(names) == 3:
                break
            names.insert(0, w)
        if names and (
            last not in _STREET_WORDS_NEED_CAPITAL or _capitalised(text, view, names[0][0], names[-1][1])
        ):
            return names[0][0], 0.75
    # "Via Franscini 71", "Rua do Arenque 1634", "ul. Słowicza 10": street word, then the name.
    for i in range(len(words) - 2, -1, -1):
        word = words[i][2].rstrip(".").casefold()
        if word in _STREET_TYPES_FIRST:
            names = words[i + 1 :]
            if all(_is_name_word(w[2], particles=True) for w in names) and (
                word != "via" or _capitalised(text, view, names[0][0], names[0][0] + 1)
            ):
                return words[i][0], 0.7
            break
        if not _is_name_word(words[i][2], particles=True):
            break
    return None


def _addresses(text: Normalised, has_digit: bool, seen: list[str] | None = None) -> list[_Hit]:
    view = text.folded
    f = view.text
    hits: list[_Hit] = []

    def add(start: int, end: int, score: float, reason: str, extend: bool = True) -> None:
        if extend:
            start, end, extended = _extend_address(f, start, end)
            score += 0.05 if extended else 0
        s, e = _span(view, start, end)
        hits.append(_Hit("address", s, e, min(score, 0.95), reason))

    cue_hint = any(h in f for h in _CUE_HINTS)
    if has_digit:
        # Which street words and towns occur at all (from the words of the text): most texts have none.
        words_here = set(seen if seen is not None else _PLAIN_WORDS.findall(f))
        street_words_here = not _ALL_STREET_WORDS.isdisjoint(words_here)
        types_first_here = not _STREET_TYPES_FIRST.isdisjoint(words_here)
        towns_here = not _TOWN_WORDS.isdisjoint(words_here)
        for m in _NUMBER.finditer(f):
            start, end = m.start(), m.end()
            if (start and (f[start - 1].isalnum() or f[start - 1] in ".,")) or (
                end < len(f) and f[end].isdigit()
            ):
                continue
            if end + 1 < len(f) and f[end] in ".," and f[end + 1].isdigit():
                continue  # 1.299, 12,5
            letter = _HOUSE_LETTER.match(f, end)
            number_end = letter.end() if letter else end
            if number_end < len(f) and (f[number_end].isalpha() or f[number_end] == "%"):
                continue  # 10th, 8b-klasse, 50%
            if _unit_after(f, number_end):
                continue
            # Street names stand right before the number: "Vestergade 12", not "i 2019" or "(12".
            words = []
            if start > 1 and f[start - 1] in " \t" and (f[start - 2].isalpha() or f[start - 2] == "."):
                k = start - 1
                while k > 0 and (f[k - 1].isalpha() or f[k - 1] in ".'’-"):
                    k -= 1
                if f[k : start - 1].strip(".") not in _ADDRESS_STOPWORDS:
                    words = _words_before(f, start)
            street = _street_before(text, view, words) if len(m.group()) <= 4 else None
            if street:
                add(street[0], number_end, street[1], "street address")
                continue
            names: list[tuple[int, int, str]] = []
            for w in reversed(words):
                if not _is_name_word(w[2]) or len(names) == 4:
                    break
                names.insert(0, w)
            if names and len(m.group()) <= 4:
                # "Slovenčeva 51\n Suite 632": a name and a number, then a flat or a town with postcode.
                if _capitalised(text, view, names[0][0], names[0][0] + 1) and _TAIL_START.match(
                    f, number_end
                ):
                    add(names[0][0], number_end, 0.6, "street address (street, then flat or town)")
                    continue
                # "jeg bor på Kirkebakken 4", "lives at 172 Maneeži 75": after an address cue.
                cue = None
                if cue_hint:
                    first = names[0][0]
                    cue = _cue_before(f, first)
                    if not cue and len(words) > len(names) and words[-len(names) - 1][2].isdigit():
                        first = words[-len(names) - 1][0]
                        cue = _cue_before(f, first)
                if cue:
                    add(names[0][0], number_end, 0.6, "street address after 'I live at'")
                    continue
            after = _AFTER_NUMBER_STREET.match(f, number_end) if street_words_here else None
            if after and len(m.group()) <= 5 and all(_is_name_word(w) for w in after.group("name").split()):
                street_type = after.group("type")
                strong = street_type in _STREET_WORDS
                if strong or _capitalised(text, view, after.start("name"), after.end("name")):
                    add(start, after.end(), 0.85 if strong else 0.7, "street address")
                    continue
            after = _AFTER_NUMBER_TYPE_FIRST.match(f, number_end) if types_first_here else None
            if after:
                end_name = after.start("name")
                for w in re.finditer(r"\S+", after.group("name")):
                    if not _is_name_word(w.group(), particles=True):
                        break
                    end_name = after.start("name") + w.end()
                if end_name > after.start("name"):
                    add(start, end_name, 0.7, "street address")
                    continue
            if len(m.group()) == 4 and m.group()[0] != "0":
                town = _POSTCODE_TOWN.match(f, number_end) if towns_here else None
                if town and (town.group("town") in _TOWNS or town.group("town").split()[0] in _TOWNS):
                    add(start, town.end(), 0.6, "postal code and town", extend=False)
        if "box" in f or "postboks" in f or "psc" in f or "po " in f:
            for m in _POST_BOX.finditer(f):
                add(m.start(), m.end(), 0.75, "postal address")
        if "apt" in f or "suite" in f or "lejl" in f:
            for m in _UNIT.finditer(f):
                add(m.start(), m.end(), 0.5, "flat or suite number")
    if cue_hint:
        for cue in _ADDRESS_CUES:
            i = f.find(cue)
            while i != -1:
                end = _CUE_END.match(f, i + len(cue))
                if end and (i == 0 or not f[i - 1].isalnum()):
                    m = _STREET_WITHOUT_NUMBER.match(f, end.end())
                    if m:
                        add(m.start(), m.end(), 0.4, "street name (no number)", extend=False)
                i = f.find(cue, i + 1)
    return hits


def _extend_address(f: str, start: int, end: int) -> tuple[int, int, bool]:
    extended = False
    before = _NUMBER_BEFORE.search(f, max(0, start - 8), start)
    if before:
        start = before.start()
    for _ in range(4):
        m = _TAIL.match(f, end)
        if not m or m.end() == end:
            break
        end, extended = m.end(), True
    m = _TAIL_TOWN.match(f, end)
    if m:
        end, extended = m.end(), True
    return start, end, extended


_NUMBER_BEFORE = re.compile(r"(?<![\w.,])[0-9]{1,5}[ \t]+\Z")


# --------------------------------------------------------------------------------------------
# A full name together with a school
# --------------------------------------------------------------------------------------------

_SCHOOL_WORDS = [w.casefold() for w in both("contact_school_words")]
_SCHOOL_GENERIC = _word_set("contact_school_generic")
_SCHOOL_COMPOUND = re.compile(
    _NOT_WORD_BEFORE
    + r"(?P<prefix>[^\W\d_]{3,}?)(?P<word>skolen|skole|gymnasiet|gymnasium|efterskolen|efterskole|akademiet)"
    + _NOT_WORD_AFTER
)
_SCHOOL_SEPARATE = re.compile(
    _NOT_WORD_BEFORE
    + r"(?P<name>(?:[^\W\d_][\w'’.\-]*[ \t]+){1,3}?)(?P<word>"
    + _alternation(_SCHOOL_WORDS)
    + r")"
    + _NOT_WORD_AFTER
)
_NAME_STOPWORDS = _word_set("contact_name_stopwords") | _ADDRESS_STOPWORDS
_NAME = r"[^\W\d_][^\W\d_'’\-]+"
# Before a person's own name. Strong cues ("jeg hedder", "my name is"): the next two words are a
# full name even in lower case. Weak cues ("jeg er", "I'm"): only with capital letters.
_STRONG_NAME_CUES = tuple(sorted((c.casefold() for c in both("contact_name_cues")), key=len, reverse=True))
_WEAK_NAME_CUES = ("jeg er", "i'm", "i’m", "im", "i am", "this is", "det er")
_NAME_AFTER_CUE = re.compile(r"[ \t:]+(?P<first>" + _NAME + r")[ \t]+(?P<last>" + _NAME + r")")


def _names(text: Normalised, view: View) -> list[tuple[int, int]]:
    """Full names after a name cue, as (start, end) in the folded view."""
    f = view.text
    names = []
    # Weak cues need capital letters after them: a text with none anywhere has no such name.
    any_capital = not text.original.islower()
    for cues, strong in ((_STRONG_NAME_CUES, True), (_WEAK_NAME_CUES, False)):
        if not strong and not any_capital:
            continue
        for cue in cues:
            i = f.find(cue)
            while i != -1:
                m = _NAME_AFTER_CUE.match(f, i + len(cue))
                if (
                    m
                    and (i == 0 or not f[i - 1].isalnum())
                    and m.group("first") not in _NAME_STOPWORDS
                    and m.group("last") not in _NAME_STOPWORDS
                    and (strong or _capitalised(text, view, m.start("first"), m.end("last")))
                ):
                    names.append((m.start("first"), m.end("last")))
                i = f.find(cue, i + 1)
    return names


_NAME_HINTS = ("hedder", "navn", "name", "i'm", "i am", "im ", "this is", "jeg er", "det er")
_SCHOOL_HINTS = (
    "skole",
    "gymnas",
    "school",
    "high",
    "academy",
    "college",
    "akadem",
    "hf",
    "htx",
    "hhx",
    "stx",
    "prep",
)


def _schools_and_names(text: Normalised) -> list[_Hit]:
    view = text.folded
    f = view.text
    if not any(h in f for h in _SCHOOL_HINTS) or not any(h in f for h in _NAME_HINTS):
        return []
    names = _names(text, view)
    if not names:
        return []
    schools = []
    for m in _SCHOOL_COMPOUND.finditer(f):
        if m.group("prefix") not in _SCHOOL_GENERIC:
            schools.append((m.start(), m.end()))
    for m in _SCHOOL_SEPARATE.finditer(f):
        name_words = m.group("name").split()
        # The school's own name: the capitalised words right before "High", "Gymnasium" ...
        keep = []
        for w, w_start in _word_starts(f, m.start("name"), m.end("name")):
            if text.original[view.index[w_start]].isupper() and w.strip(".") not in _NAME_STOPWORDS:
                keep.append(w_start)
            else:
                keep = []
        if keep and name_words:
            schools.append((keep[0], m.end()))
    hits = []
    for ns, ne in names:
        for ss, se in schools:
            if abs(ss - ne) <= 120 or abs(ns - se) <= 120:
                start, end = min(ns, ss), max(ne, se)
                s, e = _span(view, start, end)
                hits.append(_Hit("school_and_name", s, e, 0.85, "full name together with a school"))
    return hits


def _word_starts(f: str, start: int, end: int):
    for m in re.finditer(r"\S+", f[start:end]):
        yield m.group(), start + m.start()


# --------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------


def _resolve(hits: list[_Hit]) -> list[_Hit]:
    """One finding per place: the same kind merged, the more specific kind kept."""
    hits = sorted(hits, key=lambda h: (-_PRIORITY[h.kind], -(h.end - h.start), -h.score))
    kept: list[_Hit] = []
    for hit in hits:
        clash = False
        for i, other in enumerate(kept):
            if not (hit.start < other.end and other.start < hit.end):
                continue
            if other.kind == hit.kind:
                merged = _Hit(
                    hit.kind,
                    min(hit.start, other.start),
                    max(hit.end, other.end),
                    max(hit.score, other.score),
                    other.reason if other.score >= hit.score else hit.reason,
                )
                kept[i] = merged
                clash = True
                break
            if hit.kind == "invitation" or other.kind == "invitation":
                continue
            clash = True
            break
        if not clash:
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.end))


def detect(text: Normalised, language: str) -> list[Finding]:
    folded = text.folded.text
    has_digit = _HAS_DIGIT.search(folded) is not None
    hits: list[_Hit] = []
    hits += _emails(text)
    hits += _urls(text)
    if has_digit:
        hits += _ips(text)
        hits += _ibans(text)
    # The plain words of each view, (view, words) pairs; not a dict: hashing a View hashes its index.
    views = text.views()
    if len(views) > 1:
        # "S N 4 P": joined only after leetspeak was read, so read it once more (same positions).
        views = (views[0], _unleet(views[1]))
    tokens = [(view, _PLAIN_WORDS.findall(view.text)) for view in views]
    hits += _addresses(text, has_digit, tokens[0][1])
    if has_digit:
        blocked = [(h.start, h.end) for h in hits]
        hits += _numbers(text, blocked)
    hits += _spelled_numbers(text, language, tokens[0][1])
    hits += _invitations(text, tokens)
    hits += _at_handles(text)
    hits += _schools_and_names(text)
    return [
        Finding(_LABEL[h.kind], h.start, h.end, round(h.score, 2), h.reason, h.kind, _SEVERITY[h.kind])
        for h in _resolve(hits)
    ]
