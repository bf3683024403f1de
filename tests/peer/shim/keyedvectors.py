"""gensim.models.keyedvectors with groundup's KeyedVectors."""

from gensim.models.keyedvectors import *  # noqa: F401,F403

from groundup.text import KeyedVectors  # noqa: F401
