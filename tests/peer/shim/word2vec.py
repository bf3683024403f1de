"""gensim.models.word2vec with groundup's Word2Vec.

Everything else (LineSentence, PathLineSentences, ...) stays gensim's: the
tests use those to read corpora, which is not what they test.
"""

from gensim.models.word2vec import *  # noqa: F401,F403
from gensim.models.word2vec import LineSentence, PathLineSentences  # noqa: F401

from groundup.text import Word2Vec  # noqa: F401
