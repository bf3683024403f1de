"""Text: word embeddings (chapter 9).

``groundup.text.word2vec`` holds skip-gram and CBOW with negative sampling;
``groundup.text.corpus`` the corpora and evaluation sets that ship with
gensim, and a synthetic corpus with planted analogies.
"""

from .word2vec import KeyedVectors, Word2Vec

__all__ = ["KeyedVectors", "Word2Vec"]
