"""Corpora and evaluation sets for chapter 9, all available offline.

- gensim's bundled test data: ``head500.noblanks.cor`` (the first 500
  Wikipedia articles, lower-cased and Porter-stemmed, 331k tokens),
  ``lee_background.cor`` (Australian news, 60k tokens), ``wordsim353.tsv``,
  ``simlex999.txt`` and ``questions-words.txt``;
- :func:`porter_stem`, so that evaluation words meet the stemmed corpus in
  the same form (gensim's implementation of Porter's algorithm);
- :func:`planted_corpus`, a synthetic corpus whose analogies are known.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np

from .._validation import check_int

FILES = (
    "head500.noblanks.cor",
    "lee_background.cor",
    "wordsim353.tsv",
    "simlex999.txt",
    "questions-words.txt",
)


def data_path(name: str) -> Path:
    """Where gensim keeps one of its bundled files (no download involved)."""
    if name not in FILES:
        raise ValueError(f"name must be one of {list(FILES)}, got {name!r}.")
    from gensim.test.utils import datapath

    return Path(datapath(name))


def load_corpus(name: str = "head500.noblanks.cor") -> list[list[str]]:
    """One list of tokens per line: the stemmed Wikipedia articles as they are,
    the Lee news corpus lower-cased and split into alphabetic words."""
    if name not in FILES[:2]:
        raise ValueError(f"name must be one of {list(FILES[:2])}, got {name!r}.")
    lines = data_path(name).read_text(encoding="utf-8").splitlines()
    if name == "head500.noblanks.cor":
        return [line.split() for line in lines if line.strip()]
    return [re.findall(r"[a-z]+", line.lower()) for line in lines if line.strip()]


def read_word_pairs(path, delimiter: str = "\t") -> list[tuple[str, str, float]]:
    """(word1, word2, score) triples, lower-cased, from a file in gensim's format.

    As gensim reads ``wordsim353.tsv``: lines starting with ``#`` are comments,
    every other line is ``word1<delimiter>word2<delimiter>score``; lines that
    do not parse so are skipped.
    """
    if not isinstance(delimiter, str) or not delimiter:
        raise ValueError(f"delimiter must be a non-empty str, got {delimiter!r}.")
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        fields = line.split(delimiter)
        if line.startswith("#") or len(fields) != 3:
            continue
        try:
            pairs.append((fields[0].lower(), fields[1].lower(), float(fields[2])))
        except ValueError:
            continue
    if not pairs:
        raise ValueError(f"path {str(path)!r} holds no word1, word2, score line.")
    return pairs


def word_pairs(name: str = "wordsim353.tsv") -> list[tuple[str, str, float]]:
    """(word1, word2, human score) triples of WordSim353 or SimLex-999, lower-cased."""
    if name not in ("wordsim353.tsv", "simlex999.txt"):
        raise ValueError(
            f"name must be 'wordsim353.tsv' or 'simlex999.txt', got {name!r}."
        )
    return read_word_pairs(data_path(name))


def read_analogies(path) -> dict[str, list[tuple[str, str, str, str]]]:
    """Analogy questions by section, lower-cased, from a file in the format of
    Google's questions-words.txt: ``: section`` lines, then ``a b c d`` lines."""
    sections: dict[str, list] = {}
    current = None
    for k, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
        elif line.strip():
            words = tuple(line.lower().split())
            if current is None or len(words) != 4:
                raise ValueError(
                    f"path {str(path)!r}, line {k + 1}: expected a ': section' "
                    f"line before four words a line, got {line[:60]!r}."
                )
            sections[current].append(words)
    return sections


def analogy_questions() -> dict[str, list[tuple[str, str, str, str]]]:
    """Google's questions-words.txt by section, lower-cased: a : b :: c : d."""
    return read_analogies(data_path("questions-words.txt"))


@cache
def _stemmer():
    from gensim.parsing.porter import PorterStemmer

    return PorterStemmer()


def porter_stem(word: str) -> str:
    """Porter's stem of a lower-cased word, as used to build head500."""
    return _stemmer().stem(word.lower())


# -- a corpus with planted structure -----------------------------------------

COUNTRIES = [
    ("france", "paris", "french"),
    ("germany", "berlin", "german"),
    ("italy", "rome", "italian"),
    ("spain", "madrid", "spanish"),
    ("japan", "tokyo", "japanese"),
    ("china", "beijing", "chinese"),
    ("russia", "moscow", "russian"),
    ("greece", "athens", "greek"),
    ("poland", "warsaw", "polish"),
    ("sweden", "stockholm", "swedish"),
    ("turkey", "ankara", "turkish"),
    ("portugal", "lisbon", "portuguese"),
]
GENDERED = [
    ("king", "queen"),
    ("prince", "princess"),
    ("man", "woman"),
    ("boy", "girl"),
    ("father", "mother"),
    ("brother", "sister"),
    ("husband", "wife"),
    ("son", "daughter"),
    ("uncle", "aunt"),
    ("actor", "actress"),
]
NOUNS = [
    "cat",
    "dog",
    "car",
    "house",
    "tree",
    "bird",
    "book",
    "river",
    "horse",
    "apple",
    "ship",
    "flower",
]


def planted_families() -> dict[str, dict[str, tuple[str, str]]]:
    """Each family maps a word to its two factors: (thing, kind)."""
    kinds = ("country", "capital", "language")
    return {
        "geography": {
            w: (row[0], kind)
            for row in COUNTRIES
            for w, kind in zip(row, kinds, strict=True)
        },
        "gender": {
            w: (pair[0], g)
            for pair in GENDERED
            for w, g in zip(pair, ("male", "female"), strict=True)
        },
        "plural": {
            w: (noun, n)
            for noun in NOUNS
            for w, n in ((noun, "singular"), (noun + "s", "plural"))
        },
    }


def planted_analogies() -> dict[str, list[tuple[str, str, str, str]]]:
    """Every analogy the planted structure implies: a : b :: c : d where a, b share
    a thing, c, d share another, a, c share a kind and b, d share another."""
    questions = {}
    for family, words in planted_families().items():
        by = {factors: w for w, factors in words.items()}
        things = sorted({t for t, _ in words.values()})
        kinds = sorted({k for _, k in words.values()})
        questions[family] = [
            (by[t1, k1], by[t1, k2], by[t2, k1], by[t2, k2])
            for t1 in things
            for t2 in things
            if t1 != t2
            for k1 in kinds
            for k2 in kinds
            if k1 != k2
        ]
    return questions


def planted_corpus(
    sentences_per_word: int = 150, markers: int = 4, seed: int = 0
) -> list[list[str]]:
    """Sentences in which each word is surrounded by context words of its two factors.

    A word such as "berlin" (thing: germany, kind: capital) appears in
    sentences of six context words drawn from the markers of "germany"
    (``germany_0``..) and of "capital" (``capital_0``..), plus filler words.
    A word's contexts are thus the union of its factors' contexts, so its
    vector is pushed towards a sum of a thing direction and a kind direction,
    and analogies such as paris - france + germany = berlin are planted.
    """
    check_int("sentences_per_word", sentences_per_word, low=1)
    check_int("markers", markers, low=1)
    rng = np.random.default_rng(seed)
    filler = ["the", "of", "and", "a", "in", "is", "to", "was"]
    corpus = []
    for words in planted_families().values():
        for word, (thing, kind) in words.items():
            pool = [f"{thing}_{i}" for i in range(markers)] + [
                f"{kind}_{i}" for i in range(markers)
            ]
            for _ in range(sentences_per_word):
                context = [pool[k] for k in rng.integers(len(pool), size=6)]
                context += [filler[k] for k in rng.integers(len(filler), size=2)]
                rng.shuffle(context)
                corpus.append(context[:4] + [word] + context[4:])
    order = rng.permutation(len(corpus))
    return [corpus[i] for i in order]
