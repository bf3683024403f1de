"""Which words a Word2Vec model keeps, and reading gensim's corpus files.

gensim keeps a word seen ``min_count`` times or more, unless a ``trim_rule``
says otherwise: ``trim_rule(word, count, min_count)`` returns one of the
three rules below (the values of ``gensim.utils``' constants, so a rule
written for gensim works here unchanged).
"""

from __future__ import annotations

from collections import Counter

from .._validation import check_path

RULE_DEFAULT, RULE_DISCARD, RULE_KEEP = 0, 1, 2


def kept_words(counts: Counter, min_count: int, trim_rule=None) -> list[str]:
    """The words to keep, commonest first (ties in alphabetical order)."""

    def keep(word: str, count: int) -> bool:
        rule = RULE_DEFAULT if trim_rule is None else trim_rule(word, count, min_count)
        if rule not in (RULE_DEFAULT, RULE_DISCARD, RULE_KEEP):
            raise ValueError(
                f"trim_rule must return RULE_DEFAULT (0), RULE_DISCARD (1) or "
                f"RULE_KEEP (2), got {rule!r} for the word {word!r}."
            )
        return rule == RULE_KEEP or (rule == RULE_DEFAULT and count >= min_count)

    kept = (w for w, c in counts.items() if keep(w, c))
    return sorted(kept, key=lambda w: (-counts[w], w))


def check_trim_rule(trim_rule) -> None:
    """Refuse a ``trim_rule`` that is neither None nor callable."""
    if trim_rule is not None and not callable(trim_rule):
        raise TypeError(
            "trim_rule must be None or a callable (word, count, min_count) -> "
            f"rule, got {type(trim_rule).__name__}."
        )


def read_corpus_file(path, name: str = "corpus_file") -> list[list[str]]:
    """gensim's ``corpus_file`` format: one sentence a line, words split by
    whitespace, plain UTF-8 text (gensim refuses compressed files there too)."""
    path = check_path(path, name)
    if path.suffix in (".bz2", ".gz"):
        raise TypeError(f"{name} must be an uncompressed text file, got {path.name}.")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines]
