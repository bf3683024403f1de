"""Word2Vec: skip-gram and CBOW with negative sampling (chapter 9).

The training follows word2vec.c (and gensim): frequent-word subsampling with
the keep probability of eq. ``w2v-keep``, a dynamic window (each centre word
draws its own window size in 1..window), negatives drawn from the unigram
distribution raised to 3/4 (eq. ``w2v-noise``), plain SGD with a learning
rate decaying linearly to ``min_alpha``. One difference, for speed: updates
are applied to a batch of (centre, context, negatives) at a time, with
``index_add_``, instead of one pair at a time. Within a batch the updates of
a repeated word add up, all computed from its vector before the batch; a
word repeated more than ``max_repeats`` times (the commonest words, and the
commonest negatives) has its summed update scaled down to ``max_repeats``
times its mean update (:func:`repeat_scale`), which keeps large batches
stable on small corpora.

The objective for one (centre c, context o) pair with negatives k_1..k_K is
eq. ``w2v-sgns``::

    log s(u_o . v_c) + sum_k log s(-u_k . v_c)

with v the input (word) vectors and u the output vectors.
"""

from __future__ import annotations

import math
import numbers
import os
import pickle
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain

import numpy as np
import torch

from .._validation import check_counts, check_int, check_path, check_positive
from ..utils import progress
from .corpus import read_analogies, read_word_pairs
from .vocabulary import check_trim_rule, kept_words, read_corpus_file


def keep_probability(counts: np.ndarray, sample: float) -> np.ndarray:
    """word2vec.c's chance of keeping each occurrence of a word (eq. ``w2v-keep``).

    With z the word's share of the corpus, (sqrt(z / sample) + 1) * sample / z,
    capped at 1; ``sample=0`` keeps everything.
    """
    if isinstance(sample, bool) or not (
        isinstance(sample, numbers.Real) and 0 <= sample < 1
    ):
        raise ValueError(f"sample must be in [0, 1), got {sample!r}.")
    counts = np.asarray(counts, dtype=np.float64)
    if sample == 0:
        return np.ones_like(counts)
    z = counts / counts.sum()
    return np.minimum(1.0, (np.sqrt(z / sample) + 1) * sample / z)


def noise_distribution(counts: np.ndarray, exponent: float = 0.75) -> np.ndarray:
    """P(w) proportional to count(w)^exponent (eq. ``w2v-noise``)."""
    weights = np.asarray(counts, dtype=np.float64) ** exponent
    return weights / weights.sum()


def noise_table(noise: np.ndarray, size: int = 1 << 20) -> np.ndarray:
    """word2vec.c's sampling table: word i fills a share noise[i] of ``size`` slots,
    so a uniform slot is a draw from the noise distribution."""
    slots = (np.arange(size) + 0.5) / size
    table = np.minimum(np.searchsorted(np.cumsum(noise), slots), len(noise) - 1)
    return table.astype(np.int64)


def sgns_loss(
    v: torch.Tensor, u_pos: torch.Tensor, u_neg: torch.Tensor
) -> torch.Tensor:
    """Negative of eq. ``w2v-sgns``, summed over a batch.

    v: (B, d) centre vectors; u_pos: (B, d) context output vectors;
    u_neg: (B, K, d) output vectors of the negatives.
    """
    positive = torch.nn.functional.logsigmoid((u_pos * v).sum(-1))
    negative = torch.nn.functional.logsigmoid(-(u_neg @ v[:, :, None])[..., 0]).sum(-1)
    return -(positive + negative).sum()


def sgns_gradients(v, u_pos, u_neg):
    """The gradients of :func:`sgns_loss` by hand: the update word2vec.c applies.

    With g_pos = 1 - s(u_o.v) and g_k = -s(u_k.v) (label minus prediction),
    d loss/dv = -(g_pos u_o + sum_k g_k u_k), d loss/du_o = -g_pos v,
    d loss/du_k = -g_k v.
    """
    u = torch.cat([u_pos[:, None], u_neg], dim=1)  # (B, 1+K, d)
    labels = torch.zeros(u.shape[:2], dtype=v.dtype)
    labels[:, 0] = 1
    g = labels - torch.sigmoid((u @ v[:, :, None])[..., 0])  # (B, 1+K)
    grad_v = -(g[:, :, None] * u).sum(1)
    grad_u = -g[:, :, None] * v[:, None, :]
    return grad_v, grad_u[:, 0], grad_u[:, 1:]


def _save(obj, path) -> None:
    with open(check_path(path), "wb") as file:
        pickle.dump(obj, file, protocol=pickle.HIGHEST_PROTOCOL)


def _load(cls, path):
    """Unpickle ``path`` and check that it holds a ``cls``."""
    with open(check_path(path), "rb") as file:
        obj = pickle.load(file)
    if not isinstance(obj, cls):
        raise TypeError(
            f"path {str(path)!r} holds a {type(obj).__name__}, not a groundup "
            f"{cls.__name__}; only files written by {cls.__name__}.save load here."
        )
    return obj


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (a zero row stays zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def _as_list(value) -> list:
    """gensim's rule: one word or one vector is a list of one; a matrix its rows."""
    if value is None:
        return []
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    return list(value)


class KeyedVectors:
    """Word vectors with gensim's lookup and query methods.

    ``index_to_key`` (words, commonest first), ``key_to_index`` and ``vectors``
    (one row per word) are gensim's attributes, and so is ``expandos``, one
    array per word attribute (a trained model's ``"count"``: how often each
    word occurs); ``save`` and ``load`` use our own format (a pickle: load
    only files you trust), not gensim's.
    """

    def __init__(self, index_to_key: Sequence[str], vectors: np.ndarray):
        self.index_to_key = list(index_to_key)
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.vectors = np.asarray(vectors, dtype=np.float32)
        if self.vectors.shape[:1] != (len(self.index_to_key),):
            raise ValueError(
                f"vectors must have one row per key ({len(self.index_to_key)}), "
                f"got shape {self.vectors.shape}."
            )
        self.expandos: dict[str, np.ndarray] = {}
        self._unit = None

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word: str) -> bool:
        return word in self.key_to_index

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_unit": None}  # the unit vectors are recomputed

    def _index(self, word: str) -> int:
        if word not in self.key_to_index:
            raise KeyError(f"word {word!r} is not in the vocabulary.")
        return self.key_to_index[word]

    def get_index(self, key: str) -> int:
        """The row of ``key`` in ``vectors`` (KeyError if it is not a word)."""
        return self._index(key)

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self._index(word)]

    def get_vecattr(self, key: str, attr: str):
        """The attribute ``attr`` (such as ``"count"``) of the word ``key``."""
        if attr not in self.expandos:
            raise KeyError(
                f"attr must be one of {sorted(self.expandos)}, got {attr!r}."
            )
        return self.expandos[attr][self._index(key)]

    def get_vector(self, key: str, norm: bool = False) -> np.ndarray:
        """The vector of ``key``; with ``norm=True``, scaled to unit length."""
        if not isinstance(norm, bool | np.bool_):
            raise TypeError(f"norm must be True or False, got {norm!r}.")
        return (self.unit if norm else self.vectors)[self._index(key)]

    @property
    def unit(self) -> np.ndarray:
        """The vectors scaled to unit length (computed once), for cosine similarity."""
        if self._unit is None:
            self._unit = _unit_rows(self.vectors)
        return self._unit

    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words."""
        return float(self.unit[self._index(w1)] @ self.unit[self._index(w2)])

    def n_similarity(self, ws1: Sequence[str], ws2: Sequence[str]) -> float:
        """Cosine similarity of the mean vectors of two lists of words (gensim's
        method; ZeroDivisionError, as there, when a list is empty)."""
        if not len(ws1) or not len(ws2):
            raise ZeroDivisionError("ws1 and ws2 must both hold at least one word.")
        means = [
            self.vectors[[self._index(w) for w in ws]].mean(0) for ws in (ws1, ws2)
        ]
        u1, u2 = _unit_rows(np.stack(means))
        return float(u1 @ u2)

    def _term(self, item, name: str):
        """A query term of most_similar: (vector, row) for a word, (vector, None)
        for a vector, which is used as it is (as gensim does)."""
        if isinstance(item, str):
            return self.unit[self._index(item)], self._index(item)
        vector = np.asarray(item)  # a float32 vector stays float32, as a word's
        if vector.dtype.kind != "f":
            vector = np.asarray(item, dtype=np.float64)
        if vector.shape != self.vectors.shape[1:] or not np.isfinite(vector).all():
            raise ValueError(
                f"{name} must hold words or finite vectors of length "
                f"{self.vectors.shape[1]}, got {type(item).__name__} {item!r:.60}."
            )
        return vector, None

    def most_similar(self, positive=(), negative=(), topn: int = 10, restrict=None):
        """Words nearest (by cosine) to the sum of ``positive`` minus ``negative``.

        Each of ``positive`` and ``negative`` is a word, a vector, or a list of
        words and vectors (as in gensim): words count by their unit vectors,
        vectors as they are, and the query words are left out of the answer.
        Analogies are ``most_similar(positive=[b, c], negative=[a])`` for
        a : b :: c : ?. ``restrict``: the candidate words (default: all).
        """
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive and not negative:
            raise ValueError("positive and negative cannot both be empty.")
        check_int("topn", topn, low=1)
        terms = [self._term(w, "positive") for w in positive]
        terms += [(-v, i) for v, i in (self._term(w, "negative") for w in negative)]
        query = np.sum([v for v, _ in terms], axis=0)
        scores = self.unit @ (query / max(np.linalg.norm(query), 1e-12))
        candidates = np.ones(len(self), dtype=bool)
        if restrict is not None:
            candidates[:] = False
            candidates[[self._index(w) for w in restrict]] = True
        candidates[[i for _, i in terms if i is not None]] = False
        order = np.argsort(-np.where(candidates, scores, -np.inf), kind="stable")
        top = order[: min(topn, int(candidates.sum()))]
        return [(self.index_to_key[i], float(scores[i])) for i in top]

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word furthest from the mean of the others' unit vectors."""
        words = list(words)
        if len(words) < 2:
            raise ValueError("words must hold at least two words.")
        vectors = self.unit[[self._index(w) for w in words]]
        mean = vectors.mean(0)
        return words[int(np.argmin(vectors @ (mean / np.linalg.norm(mean))))]

    def _casefold(self):
        """Map a lower-cased word to its key (the commonest key of that spelling)."""
        lower = {k.lower(): k for k in reversed(self.index_to_key)}
        return lambda w: lower.get(w.lower(), w)

    def evaluate_word_pairs(self, pairs, transform=None, delimiter: str = "\t"):
        """Correlation of cosine similarity with human scores of word pairs.

        ``pairs`` is either a path to a file in gensim's format (such as
        gensim's ``wordsim353.tsv``: ``word1<delimiter>word2<delimiter>score``
        lines, ``#`` comments), matched to the vocabulary case-insensitively,
        and then the answer is shaped as gensim's: (scipy's pearsonr result,
        its spearmanr result, percentage of pairs skipped); or (word1, word2,
        score) triples, and then the answer is that of
        :func:`evaluate_word_pairs`: (pearson, spearman, share skipped).
        """
        if not isinstance(pairs, str | os.PathLike):
            return evaluate_word_pairs(self, pairs, transform)
        from scipy import stats

        casefold, transform = self._casefold(), transform or (lambda w: w)
        triples = read_word_pairs(check_path(pairs, "pairs"), delimiter)
        model, human, skipped = _pair_scores(
            self, triples, lambda w: casefold(transform(w))
        )
        return (
            stats.pearsonr(human, model),
            stats.spearmanr(human, model),
            100 * skipped,
        )

    def _answers(self, questions, candidates) -> np.ndarray:
        """The row answering each a : b :: c : ? (eq. of ``most_similar``), all
        questions at once, in chunks that keep the score matrix small."""
        rows = np.array([[self.key_to_index[w] for w in q[:3]] for q in questions])
        answers = np.empty(len(rows), dtype=np.int64)
        for start in range(0, len(rows), 1024):
            abc = rows[start : start + 1024]
            query = self.unit[abc[:, 1]] + self.unit[abc[:, 2]] - self.unit[abc[:, 0]]
            scores = np.where(candidates, query @ self.unit.T, -np.inf)
            np.put_along_axis(scores, abc, -np.inf, axis=1)  # not a question word
            answers[start : start + 1024] = scores.argmax(1)
        return answers

    def evaluate_word_analogies(self, questions, restrict=None):
        """Share of analogies a : b :: c : d answered with d (question words
        excluded); questions with a word outside the vocabulary are skipped.

        ``questions`` is either a path to a file in the format of gensim's
        ``questions-words.txt`` (``: section`` lines, then four words a line),
        matched case-insensitively, and then the answer is shaped as gensim's:
        (score, sections), each section a dict of ``section``, ``correct`` and
        ``incorrect`` questions, the last one ``"Total accuracy"``; or a list of
        (a, b, c, d) tuples, and then the answer is the score alone.
        ``restrict``: the candidate answers (default: every word).
        """
        candidates = np.ones(len(self), dtype=bool)
        if restrict is not None:
            candidates[:] = False
            candidates[[self._index(w) for w in restrict]] = True
        if not isinstance(questions, str | os.PathLike):
            return float(np.mean(self._score_analogies(list(questions), candidates)))
        casefold = self._casefold()
        sections = read_analogies(check_path(questions, "questions"))
        sections = {
            name: [tuple(casefold(w) for w in q) for q in qs]
            for name, qs in sections.items()
        }
        return self._analogy_sections(sections, candidates)

    def _score_analogies(self, questions, candidates) -> np.ndarray:
        """Whether each in-vocabulary question is answered right."""
        questions = [q for q in questions if all(w in self for w in q)]
        if not questions:
            raise ValueError(
                "questions must have at least one question inside the vocabulary."
            )
        truth = np.array([self.key_to_index[q[3]] for q in questions])
        return self._answers(questions, candidates) == truth

    def _analogy_sections(self, sections, candidates):
        """gensim's (score, sections) for questions grouped in sections."""
        asked = [q for qs in sections.values() for q in qs if all(w in self for w in q)]
        right = iter(self._score_analogies(asked, candidates))
        report = []
        for name, qs in sections.items():
            ok = [q for q in qs if all(w in self for w in q)]
            marks = [next(right) for _ in ok]
            report.append(
                {
                    "section": name,
                    "correct": [q for q, m in zip(ok, marks, strict=True) if m],
                    "incorrect": [q for q, m in zip(ok, marks, strict=True) if not m],
                }
            )
        correct = [q for r in report for q in r["correct"]]
        incorrect = [q for r in report for q in r["incorrect"]]
        report.append(
            {"section": "Total accuracy", "correct": correct, "incorrect": incorrect}
        )
        return len(correct) / len(asked), report

    def save(self, path) -> None:
        """Write the vectors to ``path`` in our own format (a pickle, not gensim's)."""
        _save(self, path)

    @classmethod
    def load(cls, path) -> KeyedVectors:
        """Read vectors written by :meth:`save` (a pickle: only from a trusted file)."""
        return _load(cls, path)


def _pair_scores(wv, pairs, transform):
    """Cosines and human scores of the pairs inside the vocabulary, and the share
    of pairs skipped."""
    kept = [(transform(a), transform(b), s) for a, b, s in pairs]
    kept = [
        (a, b, s) for a, b, s in kept if a in wv.key_to_index and b in wv.key_to_index
    ]
    if len(kept) < 3:
        raise ValueError(
            "pairs must have at least 3 pairs with both words in the vocabulary."
        )
    model = np.array([wv.similarity(a, b) for a, b, _ in kept])
    human = np.array([s for _, _, s in kept], dtype=np.float64)
    return model, human, 1 - len(kept) / len(pairs)


def evaluate_word_pairs(wv, pairs, transform=None):
    """Pearson and Spearman correlation of cosine similarity with human scores.

    ``wv``: ours or gensim's KeyedVectors (anything with ``key_to_index`` and
    ``similarity``), so both sides of a comparison are scored by one function.
    ``pairs``: (word1, word2, score) triples (see ``corpus.word_pairs``);
    ``transform`` maps each word before lookup (e.g. a stemmer). Pairs with a
    word outside the vocabulary are skipped. Returns (pearson, spearman, share
    of pairs skipped), as floats.
    """
    from scipy import stats

    pairs = list(pairs)
    model, human, skipped = _pair_scores(wv, pairs, transform or (lambda w: w))
    return stats.pearsonr(model, human)[0], stats.spearmanr(model, human)[0], skipped


_DIVERGED = (
    "training diverged in epoch {} (loss {:.3g}); the vectors are no longer "
    "usable. Lower alpha, or max_repeats (a word repeated in a batch of {} "
    "examples moves by up to max_repeats of its updates at once)."
)


def _token_lists(sentences):
    """The sentences one by one, refusing a string where a list of words belongs."""
    if isinstance(sentences, str):
        raise TypeError("sentences must be an iterable of token lists, got a str.")
    for k, sentence in enumerate(sentences):
        if isinstance(sentence, str):
            raise TypeError(
                f"sentences must be an iterable of token lists; sentence {k} is "
                f"the str {sentence[:30]!r}. Split it into words first."
            )
        yield sentence


def _sentences(corpus_iterable, corpus_file) -> list:
    """The corpus as a list of token lists, from exactly one of the two sources."""
    if (corpus_iterable is None) == (corpus_file is None):
        raise ValueError(
            "give the corpus once: as sentences (corpus_iterable) or as corpus_file."
        )
    if corpus_file is not None:
        return read_corpus_file(corpus_file)
    return list(_token_lists(corpus_iterable))


def _check_switch(name: str, value, meaning: str) -> None:
    """Refuse anything but the ints 0 and 1 (gensim's on/off parameters)."""
    if value not in (0, 1) or isinstance(value, bool):
        raise ValueError(f"{name} must be {meaning}, got {value!r}.")


class Word2Vec:
    """Skip-gram (``sg=1``) or CBOW (``sg=0``) with negative sampling.

    Parameters mirror gensim's (``hs`` must be 0: there is no hierarchical
    softmax), with two differences a gensim user should know. The default is
    skip-gram (``sg=1``, the model of chapter 9) where gensim's is CBOW
    (``sg=0``): pass ``sg`` explicitly when porting code. And ``batch_size``
    pairs are updated at once where gensim updates one at a time; a word
    occurring more than ``max_repeats`` times in a batch moves by
    ``max_repeats`` times its mean update there (``None``: by the sum of its
    updates), which keeps the frequent words of a small corpus from
    diverging. Should the loss blow up anyway (an absurd ``alpha``),
    training raises ``FloatingPointError`` rather than return NaN vectors.
    ``workers`` threads share the batches and update the vectors without
    locks, as gensim's do: ``workers=1`` and a ``seed`` give the same
    vectors on every run, more workers do not (the order of their updates
    varies).

    Used as in gensim: ``Word2Vec(sentences, ...)`` builds the vocabulary and
    trains at once; or ``model = Word2Vec(...)``, ``model.build_vocab(corpus)``
    and ``model.train(corpus, total_examples=model.corpus_count,
    epochs=model.epochs)``. In all three ``corpus_file`` (a path, one
    sentence a line) may replace the sentences, and ``build_vocab(corpus,
    update=True)`` adds a new corpus's words to a trained model. After
    training: ``wv`` (the input vectors, a :class:`KeyedVectors`),
    ``syn1neg`` (the output vectors) and ``epoch_loss`` (mean SGNS loss per
    example, per epoch). ``save`` and ``load`` use our own format (a
    pickle), not gensim's.
    """

    def __init__(
        self,
        sentences: Iterable[Sequence[str]] | None = None,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 5,
        sg: int = 1,
        negative: int = 5,
        ns_exponent: float = 0.75,
        sample: float = 1e-3,
        alpha: float = 0.025,
        min_alpha: float = 0.0001,
        epochs: int = 5,
        seed: int = 1,
        workers: int = 2,
        batch_size: int = 2048,
        max_repeats: int | None = 32,
        hs: int = 0,
        cbow_mean: int = 1,
        shrink_windows: bool = True,
        trim_rule=None,
        corpus_file=None,
    ):
        if hs != 0:
            raise ValueError(
                f"hs must be 0: hierarchical softmax is not implemented, training "
                f"uses negative sampling (negative >= 1); got hs={hs!r}."
            )
        check_counts(vector_size=vector_size, window=window, negative=negative,
                     epochs=epochs, workers=workers, batch_size=batch_size)  # fmt: skip
        check_int("min_count", min_count, low=0)
        check_int("max_repeats", max_repeats, low=1, allow_none=True)
        _check_switch("sg", sg, "0 (CBOW) or 1 (skip-gram)")
        _check_switch("cbow_mean", cbow_mean, "0 (sum) or 1 (mean)")
        if not isinstance(shrink_windows, bool | np.bool_):
            raise TypeError(
                f"shrink_windows must be True or False, got {shrink_windows!r}."
            )
        check_trim_rule(trim_rule)
        check_positive("alpha", alpha)
        if not 0 <= min_alpha <= alpha:
            raise ValueError(
                f"min_alpha must be in [0, alpha={alpha}], got {min_alpha!r}."
            )
        if not 0 <= sample < 1:
            raise ValueError(f"sample must be in [0, 1), got {sample!r}.")
        self.vector_size, self.window, self.min_count = vector_size, window, min_count
        self.sg, self.negative, self.ns_exponent = sg, negative, ns_exponent
        self.sample, self.alpha, self.min_alpha = sample, alpha, min_alpha
        self.epochs, self.seed, self.workers = epochs, seed, workers
        self.batch_size, self.max_repeats = batch_size, max_repeats
        self.hs, self.cbow_mean, self.shrink_windows = hs, cbow_mean, shrink_windows
        if sentences is not None or corpus_file is not None:
            sentences = _sentences(sentences, corpus_file)
            self.build_vocab(sentences, trim_rule=trim_rule)
            self.train(sentences)

    # -- vocabulary ---------------------------------------------------------

    def build_vocab(self, corpus_iterable=None, corpus_file=None, update=False,
                    trim_rule=None) -> Word2Vec:  # fmt: skip
        """Count words; keep those seen ``min_count`` times or more, commonest first.

        The corpus is ``corpus_iterable`` (token lists) or ``corpus_file`` (a
        path, one sentence a line). ``trim_rule`` overrides ``min_count``
        word by word (see :mod:`groundup.text.vocabulary`). Sets
        ``corpus_count`` (sentences) and ``corpus_total_words`` (tokens), as
        gensim does, and draws the initial vectors. ``update=True`` keeps the
        trained vocabulary and vectors, adds the counts of this corpus and
        appends its new words (with fresh vectors), as gensim's online
        training does.
        """
        check_trim_rule(trim_rule)
        sentences = _sentences(corpus_iterable, corpus_file)
        counts = Counter(chain.from_iterable(sentences))
        if not counts:
            raise ValueError("sentences must contain at least one word.")
        if update and not hasattr(self, "wv"):
            raise RuntimeError("build_vocab(update=True) needs a vocabulary first.")
        known = self.wv.key_to_index if update else {}
        new = [
            w for w in kept_words(counts, self.min_count, trim_rule) if w not in known
        ]
        if not new and not known:
            raise ValueError(
                f"the vocabulary is empty: no word occurs min_count={self.min_count} "
                "times."
            )
        self.corpus_count, self.corpus_total_words = len(sentences), counts.total()
        old = (
            self.counts + [counts[w] for w in known] if update else []
        )  # in index order
        self.counts = np.array([*old, *(counts[w] for w in new)], dtype=np.int64)
        self._add_vectors(new, update)
        self.keep = keep_probability(self.counts, self.sample)
        self.noise = noise_distribution(self.counts, self.ns_exponent)
        return self

    def _add_vectors(self, words: list[str], update: bool) -> None:
        """Draw the vectors of new ``words`` (appended to the old ones on update)."""
        start = len(self.wv) if update else 0
        rng = np.random.default_rng([self.seed, start] if start else self.seed)
        d = self.vector_size
        vectors = (
            rng.random((len(words), d), dtype=np.float32) - 0.5
        ) / d  # word2vec.c's init
        output = np.zeros((len(words), d), dtype=np.float32)
        if update:
            words = self.wv.index_to_key + words
            vectors = np.concatenate([self.wv.vectors, vectors])
            output = np.concatenate([self.syn1neg, output])
        self.wv = KeyedVectors(words, vectors)
        self.wv.expandos["count"] = self.counts
        self.syn1neg = output

    def _encode(self, sentences) -> tuple[np.ndarray, np.ndarray]:
        """Token ids of in-vocabulary words and the sentence id of each."""
        index = self.wv.key_to_index
        ids, sent = [], []
        for k, s in enumerate(sentences):
            row = [index[w] for w in s if w in index]
            ids.extend(row)
            sent.extend([k] * len(row))
        return np.array(ids, dtype=np.int64), np.array(sent, dtype=np.int64)

    # -- training -----------------------------------------------------------

    def _examples(self, ids, sent, rng):
        """One epoch's (centres or context rows, targets) in corpus order."""
        kept = rng.random(len(ids)) < self.keep[ids]  # subsampling (eq. w2v-keep)
        ids, sent = ids[kept], sent[kept]
        if self.shrink_windows:  # dynamic window: each centre draws its reach
            reach = rng.integers(1, self.window + 1, len(ids))
        else:
            reach = np.full(len(ids), self.window)
        n = len(ids)
        offsets = [o for d in range(1, self.window + 1) for o in (-d, d)]
        pos = np.arange(n)
        ctx = np.full((n, len(offsets)), -1, dtype=np.int64)
        for j, o in enumerate(offsets):
            other = pos + o
            ok = (other >= 0) & (other < n) & (abs(o) <= reach)
            ok[ok] &= sent[other[ok]] == sent[ok]
            ctx[ok, j] = ids[other[ok]]
        return ids, ctx

    def _train_arguments(self, sentences, corpus_iterable, corpus_file,
                         total_examples, total_words, epochs) -> list:  # fmt: skip
        """Check train's arguments; return the sentences as a list."""
        if not hasattr(self, "wv"):
            raise RuntimeError("call build_vocab before train.")
        if sentences is not None and corpus_iterable is not None:
            raise ValueError(
                "give the sentences once: as sentences or as corpus_iterable."
            )
        check_int("total_examples", total_examples, low=1, allow_none=True)
        check_int("total_words", total_words, low=1, allow_none=True)
        check_int("epochs", epochs, low=1, allow_none=True)
        sentences = _sentences(
            corpus_iterable if sentences is None else sentences, corpus_file
        )
        if total_examples is not None and total_examples != len(sentences):
            warnings.warn(
                f"total_examples={total_examples} but the corpus has "
                f"{len(sentences)} sentences; training uses the corpus itself.",
                stacklevel=3,
            )
        return sentences

    def train(
        self,
        sentences: Iterable[Sequence[str]] | None = None,
        total_examples: int | None = None,
        total_words: int | None = None,
        epochs: int | None = None,
        *,
        corpus_iterable: Iterable[Sequence[str]] | None = None,
        corpus_file=None,
    ) -> Word2Vec:
        """Run ``epochs`` passes of SGD over ``sentences`` (gensim's signature).

        ``corpus_iterable`` is gensim's name for ``sentences``; ``corpus_file``
        a path to a file of one sentence a line. ``epochs`` (default: the
        model's) replaces ``self.epochs``, as in gensim. ``total_examples``
        and ``total_words`` are accepted for gensim's call pattern and
        checked; the learning-rate schedule is computed from the corpus itself
        (a warning says when ``total_examples`` differs from it).
        """
        sentences = self._train_arguments(
            sentences, corpus_iterable, corpus_file, total_examples, total_words,
            epochs,
        )  # fmt: skip
        self.epochs = epochs or self.epochs
        ids, sent = self._encode(sentences)
        if len(ids) == 0:
            raise ValueError("sentences contain no word of the vocabulary.")
        threads = torch.get_num_threads()
        # One thread per operation: workers > 1 are threads of their own
        # (_hogwild); torch's threads would wait for each other at every step.
        torch.set_num_threads(1)
        try:
            self._train_epochs(ids, sent)
        finally:
            torch.set_num_threads(threads)
        self.wv._unit = None
        return self

    def _train_epochs(self, ids, sent) -> None:
        rng = np.random.default_rng(self.seed)
        generator = torch.Generator().manual_seed(self.seed)
        w_in = torch.from_numpy(self.wv.vectors)  # shared memory: updated in place
        w_out = torch.from_numpy(self.syn1neg)
        table = torch.from_numpy(noise_table(self.noise))
        self.epoch_loss = []
        for epoch in range(self.epochs):
            centres, ctx = self._examples(ids, sent, rng)
            loss = self._epoch(w_in, w_out, table, centres, ctx, epoch, generator)
            # A model that scores every pair 0 loses (1 + K) log 2 per example:
            # ten times that means the steps are blowing the vectors up.
            if loss > 10 * (1 + self.negative) * math.log(2):
                raise FloatingPointError(
                    _DIVERGED.format(epoch + 1, loss, self.batch_size)
                )
            self.epoch_loss.append(loss)

    def _epoch(self, w_in, w_out, table, centres, ctx, epoch, generator) -> float:
        centres, ctx = torch.from_numpy(centres), torch.from_numpy(ctx)
        if self.sg:  # one example per (centre, context) pair, in corpus order
            rows, cols = torch.nonzero(ctx >= 0, as_tuple=True)
            # word2vec.c: context -> centre
            inputs, targets = (
                ctx[rows, cols],
                centres[rows],
            )
            position = rows
        else:  # one example per centre: its context window predicts it
            has = (ctx >= 0).any(1)
            inputs, targets = ctx[has], centres[has]
            position = torch.nonzero(has)[:, 0]
        batch = self.batch_size if self.sg else max(1, self.batch_size // 2)
        done = (epoch + position.numpy() / max(len(centres), 1)) / self.epochs
        starts, rates = batch_schedule(done, batch, self.alpha, self.min_alpha)
        jobs = list(zip(starts.tolist(), rates.tolist(), strict=True))

        def work(jobs, generator) -> list[float]:
            """SGD over some of the epoch's batches; the loss of each."""
            losses = []
            for start, lr in jobs:
                part = slice(start, start + batch)
                draws = torch.randint(len(table), (len(targets[part]) * self.negative,),
                                      generator=generator)  # fmt: skip
                negatives = table[draws].view(-1, self.negative)
                step = sgns_step(w_in, w_out, inputs[part], targets[part], negatives,
                                 lr, self.max_repeats, self.cbow_mean)  # fmt: skip
                if not math.isfinite(step):
                    raise FloatingPointError(_DIVERGED.format(epoch + 1, step, batch))
                losses.append(step)
            return losses

        label = f"epoch {epoch + 1}"
        if self.workers == 1:
            losses = work(progress(jobs, total=len(jobs), desc=label), generator)
        else:
            losses = _hogwild(work, jobs, self.workers, generator)
        return float(np.sum(losses) / max(len(targets), 1))

    # -- persistence --------------------------------------------------------

    def save(self, path) -> None:
        """Write the model to ``path`` in our own format (a pickle, not gensim's)."""
        _save(self, path)

    @classmethod
    def load(cls, path) -> Word2Vec:
        """Read a model written by :meth:`save` (a pickle: only from a trusted file)."""
        return _load(cls, path)


def _hogwild(work, jobs: list, workers: int, generator) -> list[float]:
    """Run ``work`` on ``workers`` threads, each on every workers-th batch, all
    updating the same vectors without locks (Hogwild!, as gensim's workers
    do). torch releases the GIL inside each operation, so the threads compute
    at once; none waits for another, so a busy core slows only its thread.
    Each thread draws negatives from its own generator, seeded from
    ``generator``; which update lands first varies from run to run.
    """
    seeds = torch.randint(2**62, (workers,), generator=generator).tolist()
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = [pool.submit(work, jobs[w::workers], gens[w]) for w in range(workers)]
        return [loss for part in parts for loss in part.result()]


def batch_schedule(done: np.ndarray, batch: int, alpha: float, min_alpha: float):
    """Where each batch starts, and its learning rate.

    ``done[i]`` is the share of training behind example ``i`` (epochs and
    corpus position); the rate decays linearly from ``alpha`` to
    ``min_alpha`` with the share reached at the batch's first example.
    """
    starts = np.arange(0, len(done), batch)
    return starts, alpha - (alpha - min_alpha) * done[starts]


def repeat_scale(ids: torch.Tensor, size: int, max_repeats: int | None) -> torch.Tensor:
    """The weight of each update of a batch: min(1, max_repeats / n), with n how
    often its row occurs in ``ids``.

    The n updates of a row in one batch are all computed from the row's vector
    before the batch, so their sum is a step n times longer than one update,
    which overshoots for the commonest words; sequential SGD would correct
    itself after each. Weighted, a row moves by at most ``max_repeats`` times
    its mean update. ``None``: no scaling.
    """
    if max_repeats is None:
        return torch.ones(ids.shape)
    counts = torch.bincount(ids.reshape(-1), minlength=size)[ids]
    return (max_repeats / counts).clamp(max=1.0).to(torch.float32)


def sgns_step(w_in, w_out, inputs, targets, negatives, lr: float,
              max_repeats: int | None = 32, cbow_mean: int = 1) -> float:  # fmt: skip
    """One SGD step of skip-gram or CBOW with negative sampling, on a batch.

    ``inputs`` is (b,) for skip-gram, or (b, 2 window) context ids padded
    with -1 for CBOW; ``targets`` (b,) and ``negatives`` (b, K) are ids of
    output vectors. Updates ``w_in`` and ``w_out`` in place, the updates of
    a row repeated in the batch weighted by :func:`repeat_scale`; returns the
    summed loss (the negative of eq. ``w2v-sgns``). ``cbow_mean=0``: CBOW's
    hidden vector is the sum of the context's vectors, not their mean.
    """
    h = _hidden(w_in, inputs, cbow_mean)  # (b, d)
    out_ids = torch.cat([targets[:, None], negatives], dim=1)  # (b, 1+K)
    u = w_out[out_ids]  # (b, 1+K, d)
    scores = (u * h[:, None, :]).sum(-1)
    labels = torch.zeros_like(scores)
    labels[:, 0] = 1
    g = (labels - torch.sigmoid(scores)) * lr
    # word2vec.c skips a negative equal to the target
    g[:, 1:] *= negatives != targets[:, None]
    grad_h = torch.bmm(g[:, None, :], u)[:, 0]  # (b, d), from the old output vectors
    g_out = g * repeat_scale(out_ids, len(w_out), max_repeats).to(g.dtype)
    w_out.index_add_(
        0, out_ids.reshape(-1), (g_out[:, :, None] * h[:, None, :]).flatten(0, 1)
    )
    if inputs.dim() == 1:  # skip-gram: each input row gets its own error
        ids, grad = inputs, grad_h
    else:  # CBOW: every context word receives the whole error, as in word2vec.c
        used = inputs >= 0
        if not cbow_mean:  # gensim: a summed window shares the error out
            grad_h = grad_h / used.sum(1, keepdim=True)
        ids, grad = inputs[used], grad_h.repeat_interleave(used.sum(1), dim=0)
    weight = repeat_scale(ids, len(w_in), max_repeats).to(grad.dtype)
    w_in.index_add_(0, ids, grad * weight[:, None])
    signs = 1 - 2 * labels  # -1 for the positive, +1 for negatives
    return float(-torch.nn.functional.logsigmoid(-signs * scores).sum())


def _hidden(w_in, inputs, cbow_mean: int = 1):
    """The input vector (skip-gram), or the mean (or sum) of the context's
    vectors (CBOW)."""
    if inputs.dim() == 1:
        return w_in[inputs]
    mask = (inputs >= 0).to(w_in.dtype)  # (b, 2 window)
    rows = w_in[inputs.clamp(min=0)]  # (b, 2 window, d)
    total = (rows * mask[..., None]).sum(1)
    return total / mask.sum(1, keepdim=True) if cbow_mean else total
