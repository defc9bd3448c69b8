"""Published answers that resemble a text: TF-IDF over character n-grams inside words, cosine
similarity. Character n-grams find "eksamen" in "eksamensangst" and cope with misspellings,
which matters more for young people's writing than exact words do.

The archive is small (hundreds, perhaps thousands of texts), so the whole matrix is built in
memory and kept until the archive changes.
"""

import threading
from dataclasses import dataclass

from helle.safety.normalise import normalise

MIN_SCORE = 0.12  # below this, "similar" shares only common little words and endings


@dataclass(frozen=True)
class Index:
    key: tuple
    ids: list[int]
    vectorizer: object
    matrix: object


_lock = threading.Lock()
_index: Index | None = None


def _prepare(text: str) -> str:
    return normalise(text).letters.text


def _build(key: tuple, documents: list[tuple[int, str]]) -> Index:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform([_prepare(text) for _, text in documents])
    return Index(key, [pk for pk, _ in documents], vectorizer, matrix)


def ranked(text: str, *, key: tuple, documents, limit: int, min_score: float = MIN_SCORE) -> list[int]:
    """The ids of the documents most like `text`, best first. `documents` is a callable giving
    (id, text) pairs; it is only called when `key` (what identifies the archive's state) changed."""
    global _index
    if not text.strip():
        return []
    with _lock:
        if _index is None or _index.key != key:
            found = list(documents())
            _index = _build(key, found) if found else Index(key, [], None, None)
        index = _index
    if not index.ids:
        return []
    query = index.vectorizer.transform([_prepare(text)])
    scores = (index.matrix @ query.T).toarray().ravel()  # rows are L2-normalised: this is cosine
    best = sorted(range(len(scores)), key=lambda i: -scores[i])[:limit]
    return [index.ids[i] for i in best if scores[i] >= min_score]
