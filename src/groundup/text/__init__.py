"""Text: word embeddings (chapter 9).

``groundup.text.word2vec`` holds skip-gram and CBOW with negative sampling;
``groundup.text.corpus`` the corpora and evaluation sets that ship with
gensim, and a synthetic corpus with planted analogies;
``groundup.text.vocabulary`` which words a model keeps (``min_count`` and
gensim's ``trim_rule``).
"""

from .corpus import (
    analogy_questions,
    data_path,
    load_corpus,
    planted_analogies,
    planted_corpus,
    planted_families,
    porter_stem,
    read_analogies,
    read_word_pairs,
    word_pairs,
)
from .vocabulary import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP
from .word2vec import (
    KeyedVectors,
    Word2Vec,
    batch_schedule,
    evaluate_word_pairs,
    keep_probability,
    noise_distribution,
    noise_table,
    repeat_scale,
    sgns_gradients,
    sgns_loss,
    sgns_step,
)

__all__ = [
    "RULE_DEFAULT",
    "RULE_DISCARD",
    "RULE_KEEP",
    "KeyedVectors",
    "Word2Vec",
    "analogy_questions",
    "batch_schedule",
    "data_path",
    "evaluate_word_pairs",
    "keep_probability",
    "load_corpus",
    "noise_distribution",
    "noise_table",
    "planted_analogies",
    "planted_corpus",
    "planted_families",
    "porter_stem",
    "read_analogies",
    "read_word_pairs",
    "repeat_scale",
    "sgns_gradients",
    "sgns_loss",
    "sgns_step",
    "word_pairs",
]
