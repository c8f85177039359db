"""Names as keys: one person typed twice, on two keyboards, gives one key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bomca.core.names import name_key

#: Cyrillic letters and the Latin letters that look like them, pair by pair.
LOOK_ALIKES = dict(zip("асеорхукмнтв", "aceopxykmhtb", strict=True))
ONLY_CYRILLIC = "бгджзийлпфцчшщъыьэюя"
ONLY_LATIN = "dfgijlnqrsuvwz"


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("ИВАНОВ", "Иванов"),
        ("иванов", "Иванов"),
        ("Ивaнoв", "Иванов"),  # a Latin "a" and "o" typed in a Russian word
        ("ИBAHOB", "Иванов"),  # capitals that look Cyrillic, typed on a Latin keyboard
        ("Алёна", "Алена"),
        ("АЛЁНА", "Алена"),
        ("Petrova, Anna", "Petrova Anna"),
        ("  Petrova   Anna  ", "Petrova Anna"),
        ("Petrova\tAnna\n", "Petrova Anna"),
        ("Petrova-Anna", "Petrova Anna"),
        ("Petrova_Anna", "Petrova Anna"),
        ("Petrova Anna.", "Petrova Anna"),
        ("Pеtrova Anna", "Petrova Anna"),  # a Cyrillic "е" typed in an English word
        ("PETROVA ANNA", "Petrova Anna"),
        ("Кim", "Kim"),  # Cyrillic К, Latin rest: the word is Latin
        ("Ｉｖａｎｏｖ", "Ivanov"),  # full-width letters (NFKC)
        ("Иванов  Пётр  Сергеевич", "иванов петр сергеевич"),
    ],
)
def test_names_written_differently_by_hand_give_the_same_key(typed, same_as):
    assert name_key(typed) == name_key(same_as)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Иванов", "иванов"),
        ("Ивaнов", "иванов"),
        ("Алёна", "алена"),
        ("O'Brien, Mary-Jane", "o'brien mary jane"),
        ("Gʻulomov", "g'ulomov"),  # Uzbek Latin: every apostrophe is one
        ("G’ulomov", "g'ulomov"),
        ("  Petrova   Anna  ", "petrova anna"),
        ("", ""),
        ("...", ""),
    ],
)
def test_name_key_gives_the_folded_name(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Иванов", "Иванова"),
        ("Petrov", "Petrova"),
        ("Иванов Петр", "Петр Иванов"),  # word order is kept: it is another name
        ("Ким", "Kim"),  # a Cyrillic word and a Latin one stay in their alphabets
    ],
)
def test_different_names_keep_different_keys(one, other):
    assert name_key(one) != name_key(other)


def test_name_key_takes_none_as_an_empty_name():
    assert name_key(None) == ""  # type: ignore[arg-type]


# Properties

#: No deadline: a slow machine must not fail a test about what a key is.
untimed = settings(deadline=None)

names = st.text(max_size=40)
letters = st.text(
    alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -.,'",
    max_size=40,
)


@untimed
@given(names)
def test_name_key_is_idempotent(name):
    assert name_key(name_key(name)) == name_key(name)


@untimed
@given(letters)
def test_name_key_of_latin_and_cyrillic_text_is_idempotent(name):
    assert name_key(name_key(name)) == name_key(name)


@untimed
@given(names)
def test_a_key_is_lower_case_without_yo_punctuation_or_extra_spaces(name):
    key = name_key(name)

    assert key == key.strip()
    assert "  " not in key
    assert "ё" not in key
    assert not any(mark in key for mark in '.,;:"!?()')  # the apostrophe is part of a name
    assert key == key.casefold()


@untimed
@given(letters)
def test_case_does_not_change_the_key(name):
    assert name_key(name.upper()) == name_key(name.lower()) == name_key(name)


@st.composite
def cyrillic_word_with_latin_slips(draw: st.DrawFn) -> tuple[str, str]:
    """A Cyrillic word with a letter only Cyrillic has, and the same word with some of its
    look-alike letters typed on a Latin keyboard."""
    body = draw(st.text(alphabet="абвгдежзийклмнопрстуфхцчшщъыьэюя", min_size=1, max_size=12))
    word = draw(st.sampled_from(ONLY_CYRILLIC)) + body
    slips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    typed = "".join(
        LOOK_ALIKES[letter] if slip and letter in LOOK_ALIKES else letter
        for letter, slip in zip(word, slips, strict=True)
    )
    return word, typed


@untimed
@given(cyrillic_word_with_latin_slips())
def test_latin_look_alikes_in_a_russian_word_do_not_change_its_key(words):
    word, typed = words

    assert name_key(typed) == name_key(word)


@st.composite
def latin_word_with_cyrillic_slips(draw: st.DrawFn) -> tuple[str, str]:
    """The same, the other way round: a Latin word with Cyrillic look-alikes typed in it."""
    body = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
    word = draw(st.sampled_from(ONLY_LATIN)) + body
    back = {latin: cyrillic for cyrillic, latin in LOOK_ALIKES.items()}
    slips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    typed = "".join(
        back[letter] if slip and letter in back else letter
        for letter, slip in zip(word, slips, strict=True)
    )
    return word, typed


@untimed
@given(latin_word_with_cyrillic_slips())
def test_cyrillic_look_alikes_in_an_english_word_do_not_change_its_key(words):
    word, typed = words

    assert name_key(typed) == name_key(word)
