"""Which language a text is in: Danish, English, or "" when we cannot tell.

lingua (restricted to the languages a Nordic youth site meets) does the work. Danish,
Norwegian and Swedish are close and short texts are easily misread, so:
- Norwegian (Bokmål, Nynorsk) and Swedish count as Danish for choosing word lists: a
  Norwegian or Swedish young person is best served by the Danish lists, which share
  most words;
- a text too short to tell, or one the detector is unsure of, gets "" and the
  detectors use both their Danish and their English lists.
Only the first 120 characters are read: enough to decide, and it keeps assess() fast. When
four or more everyday words all point to Danish or all to English, that settles it without
lingua (most messages, and a third of the time of assess()).
"""

from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

from helle.safety.normalise import letter_words

SAMPLE_LENGTH = 120
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.55

_AS_CODE = {
    Language.DANISH: "da",
    Language.BOKMAL: "da",
    Language.NYNORSK: "da",
    Language.SWEDISH: "da",
    Language.ENGLISH: "en",
    Language.GERMAN: "de",
}


@lru_cache(maxsize=1)
def _detector():
    return (
        LanguageDetectorBuilder.from_languages(*_AS_CODE)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


# Everyday words that settle the question without asking lingua, when there are enough of
# them and they all point one way. Ours: the commonest short words of each language.
_DANISH_WORDS = frozenset(
    "jeg og ikke det er at på en til med har du mig min mit hvad så som de vi kan "
    "der hun han også meget bare hvordan hvorfor noget nogen eller fordi".split()
)
_ENGLISH_WORDS = frozenset(
    "i and not the is to on a with have you me my what so they we can there she he "
    "also very just how why something someone or because it was".split()
)
_DECISIVE = 4


def _by_common_words(sample: str) -> str:
    words = letter_words(sample.casefold())
    danish = sum(w in _DANISH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    if danish >= _DECISIVE and danish >= 3 * english:
        return "da"
    if english >= _DECISIVE and english >= 3 * danish:
        return "en"
    return ""


def detect_language(text: str) -> str:
    sample = text[:SAMPLE_LENGTH]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return ""
    if quick := _by_common_words(sample):
        return quick
    confidences = _detector().compute_language_confidence_values(sample)
    # Fold the Scandinavian neighbours into Danish before judging confidence.
    totals: dict[str, float] = {}
    for value in confidences:
        code = _AS_CODE[value.language]
        totals[code] = totals.get(code, 0.0) + value.value
    code, confidence = max(totals.items(), key=lambda item: item[1])
    return code if confidence >= MIN_CONFIDENCE else ""
