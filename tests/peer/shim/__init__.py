"""gensim's modules with groundup's classes in them, for gensim's own tests.

``test_word2vec.py`` reaches Word2Vec as ``word2vec.Word2Vec`` and
KeyedVectors as ``keyedvectors.KeyedVectors``; the adapter points its
``from gensim.models import word2vec, keyedvectors`` here instead.
"""

from . import keyedvectors, word2vec

__all__ = ["keyedvectors", "word2vec"]
