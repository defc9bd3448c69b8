"""The detectors. Each module exposes one function:

    detect(text: Normalised, language: str) -> list[Finding]

- `text` comes from `helle.safety.normalise.normalise(original)`; match in its views
  (`text.letters`, `text.joined`, `text.folded`) and report spans of the ORIGINAL text
  (`View.original_span`, or `Lexicon.find`, which already does).
- `language` is "da", "en" or "" (unknown/too short). A detector should use both its
  Danish and English lists when the language is unknown: short texts are often misread.
- A detector is pure: no database, no network, no global state that changes. It must be
  fast (the whole pipeline has about 0.5 ms per 500-character message): compile patterns
  once at import, prefer one combined regex to many small ones.
- Word lists live in `helle/safety/lists/<language>/<name>.txt`, one entry per line, `#`
  for comments; they are ours (written by us), and moderators add more as watched words.
"""
