"""Name keys for search across scripts.

"Мамай", "Mamai" and "Mamay" all fold to ``mamai``: transliterate to ASCII
(anyascii handles Cyrillic including the Kazakh letters), lower-case, keep letters
and digits, fold spellings that transliteration systems disagree on, and collapse
doubled letters."""

import re

from anyascii import anyascii

_FOLDS = (("kh", "h"), ("q", "k"), ("y", "i"), ("w", "v"), ("x", "ks"), ("ph", "f"), ("c", "ts"))
_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_DOUBLES = re.compile(r"([a-z])\1+")
_SPACES = re.compile(r"\s+")


def name_key(text: str) -> str:
    """A script-independent key for matching names; words separated by single spaces."""
    if not text:
        return ""
    value = anyascii(text).lower().replace("'", "").replace("`", "")
    value = _NON_ALNUM.sub(" ", value)
    for old, new in _FOLDS:
        value = value.replace(old, new)
    value = _DOUBLES.sub(r"\1", value)
    return _SPACES.sub(" ", value).strip()
