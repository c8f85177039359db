"""Names of people as keys: the same person written twice should give the same key.

Attendance sheets are typed by hand in Russian or English keyboards, so "Иванов" may arrive
with a Latin "o" or "a", in capitals, with a "ё", or with a double space. ``name_key`` folds
all of that away; it is what duplicate detection and the importer compare, never what is shown.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Latin letters that look like Cyrillic ones, and back.
_LATIN_TO_CYRILLIC = str.maketrans("aceopxykmhtb", "асеорхукмнтв")
_CYRILLIC_TO_LATIN = str.maketrans("асеорхукмнтв", "aceopxykmhtb")
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
# Letters with no look-alike in the other alphabet decide a word's alphabet outright.
_ONLY_CYRILLIC = re.compile(r"[бгджзийлпфцчшщъыьэюя]")
_ONLY_LATIN = re.compile(r"[dfgijlnqrsuvwz]")
# Uzbek Latin writes its apostrophe many ways: G'ulom, Gʻulom, G’ulom are one name.
_APOSTROPHES = str.maketrans("’‘ʻʼ`´", "'" * 6)
_NOT_LETTER = re.compile(r"[^\w\s'-]")
_SPACES = re.compile(r"[\s_-]+")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """``name`` case-folded, ё as е, punctuation dropped, spaces collapsed, and each word's
    look-alike letters written in the alphabet that most of the word uses."""
    text = unicodedata.normalize("NFKC", name or "").casefold().replace("ё", "е")
    text = text.translate(_APOSTROPHES)
    text = _SPACES.sub(" ", _NOT_LETTER.sub(" ", text)).strip()
    words = []
    for word in text.split(" "):
        cyrillic, latin = len(_CYRILLIC.findall(word)), len(_LATIN.findall(word))
        if _ONLY_CYRILLIC.search(word) and not _ONLY_LATIN.search(word):
            word = word.translate(_LATIN_TO_CYRILLIC)
        elif _ONLY_LATIN.search(word) and not _ONLY_CYRILLIC.search(word):
            word = word.translate(_CYRILLIC_TO_LATIN)
        elif cyrillic > latin:
            word = word.translate(_LATIN_TO_CYRILLIC)
        elif latin > cyrillic:
            word = word.translate(_CYRILLIC_TO_LATIN)
        words.append(word)
    return " ".join(words)
