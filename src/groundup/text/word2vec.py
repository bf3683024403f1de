"""Word2Vec: skip-gram and CBOW with negative sampling (chapter 9).

The training follows word2vec.c (and gensim): frequent-word subsampling with
the keep probability of eq. ``w2v-keep``, a dynamic window (each centre word
draws its own window size in 1..window), negatives drawn from the unigram
distribution raised to 3/4 (eq. ``w2v-noise``), plain SGD with a learning
rate decaying linearly to ``min_alpha``. One difference, for speed: updates
are applied to a batch of (centre, context, negatives) at a time, with
``index_add_``, instead of one pair at a time; within a batch, gradients of a
repeated word add up.

The objective for one (centre c, context o) pair with negatives k_1..k_K is
eq. ``w2v-sgns``::

    log s(u_o . v_c) + sum_k log s(-u_k . v_c)

with v the input (word) vectors and u the output vectors.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import torch

from .._validation import check_counts, check_int, check_positive
from ..utils import progress


def keep_probability(counts: np.ndarray, sample: float) -> np.ndarray:
    """word2vec.c's chance of keeping each occurrence of a word (eq. ``w2v-keep``).

    With z the word's share of the corpus, (sqrt(z / sample) + 1) * sample / z,
    capped at 1; ``sample=0`` keeps everything.
    """
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


class KeyedVectors:
    """Word vectors with gensim's lookup and query methods."""

    def __init__(self, index_to_key: Sequence[str], vectors: np.ndarray):
        self.index_to_key = list(index_to_key)
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self._unit = None

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word: str) -> bool:
        return word in self.key_to_index

    def _index(self, word: str) -> int:
        if word not in self.key_to_index:
            raise KeyError(f"word {word!r} is not in the vocabulary.")
        return self.key_to_index[word]

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self._index(word)]

    @property
    def unit(self) -> np.ndarray:
        """The vectors scaled to unit length (computed once), for cosine similarity."""
        if self._unit is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            self._unit = self.vectors / np.maximum(norms, 1e-12)
        return self._unit

    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words."""
        return float(self.unit[self._index(w1)] @ self.unit[self._index(w2)])

    def most_similar(self, positive=(), negative=(), topn: int = 10, restrict=None):
        """Words nearest (by cosine) to the mean of the unit vectors of ``positive``
        minus those of ``negative``, the query words excluded; analogies are
        ``most_similar(positive=[b, c], negative=[a])`` for a : b :: c : ?."""
        positive = [positive] if isinstance(positive, str) else list(positive)
        negative = [negative] if isinstance(negative, str) else list(negative)
        if not positive and not negative:
            raise ValueError("positive and negative cannot both be empty.")
        check_int("topn", topn, low=1)
        used = [self._index(w) for w in positive + negative]
        query = (
            self.unit[[self._index(w) for w in positive]].sum(0) if positive else 0.0
        )
        if negative:
            query = query - self.unit[[self._index(w) for w in negative]].sum(0)
        query = query / max(np.linalg.norm(query), 1e-12)
        scores = self.unit @ query
        candidates = np.ones(len(self), dtype=bool)
        if restrict is not None:
            candidates[:] = False
            candidates[[self._index(w) for w in restrict]] = True
        candidates[used] = False
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

    def evaluate_word_pairs(self, pairs, transform=None):
        """See :func:`evaluate_word_pairs`."""
        return evaluate_word_pairs(self, pairs, transform)

    def evaluate_word_analogies(self, questions, restrict=None) -> float:
        """Share of analogies a : b :: c : d answered with d (question words
        excluded); questions with a word outside the vocabulary are skipped."""
        questions = [q for q in questions if all(w in self for w in q)]
        if not questions:
            raise ValueError(
                "questions must have at least one question inside the vocabulary."
            )
        correct = sum(
            self.most_similar(positive=[b, c], negative=[a], topn=1, restrict=restrict)[
                0
            ][0]
            == d
            for a, b, c, d in questions
        )
        return correct / len(questions)


def evaluate_word_pairs(wv, pairs, transform=None):
    """Pearson and Spearman correlation of cosine similarity with human scores.

    ``wv``: ours or gensim's KeyedVectors (anything with ``key_to_index`` and
    ``similarity``), so both sides of a comparison are scored by one function.
    ``pairs``: (word1, word2, score) triples (see ``corpus.word_pairs``);
    ``transform`` maps each word before lookup (e.g. a stemmer). Pairs with a
    word outside the vocabulary are skipped. Returns (pearson, spearman, share
    of pairs skipped).
    """
    from scipy import stats

    transform = transform or (lambda w: w)
    kept = [(transform(a), transform(b), s) for a, b, s in pairs]
    kept = [
        (a, b, s) for a, b, s in kept if a in wv.key_to_index and b in wv.key_to_index
    ]
    if len(kept) < 3:
        raise ValueError(
            "pairs must have at least 3 pairs with both words in the vocabulary."
        )
    model = [wv.similarity(a, b) for a, b, _ in kept]
    human = [s for _, _, s in kept]
    skipped = 1 - len(kept) / len(pairs)
    return stats.pearsonr(model, human)[0], stats.spearmanr(model, human)[0], skipped


_DIVERGED = (
    "training diverged in epoch {} (loss {:.3g}); the vectors are no longer "
    "usable. A batch applies all the updates of a word at once, so a word that "
    "occurs many times in one batch of {} examples takes too large a step: lower "
    "batch_size (256 is safe on small corpora) or alpha."
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


class Word2Vec:
    """Skip-gram (``sg=1``) or CBOW (``sg=0``) with negative sampling.

    Parameters mirror gensim's, with two differences a gensim user should
    know: the default is skip-gram (``sg=1``, the model of chapter 9) where
    gensim's is CBOW (``sg=0``), and ``batch_size`` pairs are updated at once
    where gensim updates one at a time (a batch too large for a small corpus
    diverges, and training then raises ``FloatingPointError``).

    With ``sentences`` given, the vocabulary is built and the model trained
    at once. After training: ``wv`` (the input vectors, a
    :class:`KeyedVectors`), ``syn1neg`` (the output vectors) and
    ``epoch_loss`` (mean SGNS loss per pair, per epoch).
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
    ):
        check_counts(
            vector_size=vector_size,
            window=window,
            min_count=min_count,
            negative=negative,
            epochs=epochs,
            workers=workers,
            batch_size=batch_size,
        )
        if sg not in (0, 1):
            raise ValueError(f"sg must be 0 (CBOW) or 1 (skip-gram), got {sg!r}.")
        check_positive("alpha", alpha)
        if not 0 <= min_alpha <= alpha:
            raise ValueError(
                f"min_alpha must be in [0, alpha={alpha}], got {min_alpha!r}."
            )
        if not 0 <= sample < 1:
            raise ValueError(f"sample must be in [0, 1), got {sample!r}.")
        self.vector_size, self.window, self.min_count, self.sg = (
            vector_size,
            window,
            min_count,
            sg,
        )
        self.negative, self.ns_exponent, self.sample = negative, ns_exponent, sample
        self.alpha, self.min_alpha, self.epochs, self.seed = (
            alpha,
            min_alpha,
            epochs,
            seed,
        )
        self.workers, self.batch_size = workers, batch_size
        if sentences is not None:
            self.build_vocab(sentences)
            self.train(sentences)

    # -- vocabulary ---------------------------------------------------------

    def build_vocab(self, sentences: Iterable[Sequence[str]]) -> Word2Vec:
        """Count words; keep those seen ``min_count`` times or more, commonest first."""
        counts = Counter(w for s in _token_lists(sentences) for w in s)
        if not counts:
            raise ValueError("sentences must contain at least one word.")
        kept = sorted(
            (w for w, c in counts.items() if c >= self.min_count),
            key=lambda w: (-counts[w], w),
        )
        if not kept:
            raise ValueError(
                f"the vocabulary is empty: no word occurs min_count={self.min_count} "
                "times."
            )
        self.counts = np.array([counts[w] for w in kept], dtype=np.int64)
        rng = np.random.default_rng(self.seed)
        d = self.vector_size
        vectors = (
            rng.random((len(kept), d), dtype=np.float32) - 0.5
        ) / d  # word2vec.c's init
        self.wv = KeyedVectors(kept, vectors)
        self.syn1neg = np.zeros((len(kept), d), dtype=np.float32)
        self.keep = keep_probability(self.counts, self.sample)
        self.noise = noise_distribution(self.counts, self.ns_exponent)
        return self

    def _encode(self, sentences) -> tuple[np.ndarray, np.ndarray]:
        """Token ids of in-vocabulary words and the sentence id of each."""
        index = self.wv.key_to_index
        ids, sent = [], []
        for k, s in enumerate(_token_lists(sentences)):
            row = [index[w] for w in s if w in index]
            ids.extend(row)
            sent.extend([k] * len(row))
        return np.array(ids, dtype=np.int64), np.array(sent, dtype=np.int64)

    # -- training -----------------------------------------------------------

    def _examples(self, ids, sent, rng):
        """One epoch's (centres or context rows, targets) in corpus order."""
        kept = rng.random(len(ids)) < self.keep[ids]  # subsampling (eq. w2v-keep)
        ids, sent = ids[kept], sent[kept]
        reach = rng.integers(1, self.window + 1, len(ids))  # dynamic window
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

    def train(self, sentences: Iterable[Sequence[str]]) -> Word2Vec:
        """Run ``epochs`` passes of SGD over ``sentences``."""
        if not hasattr(self, "wv"):
            raise RuntimeError("call build_vocab before train.")
        sentences = list(sentences)
        ids, sent = self._encode(sentences)
        if len(ids) == 0:
            raise ValueError("sentences contain no word of the vocabulary.")
        rng = np.random.default_rng(self.seed)
        generator = torch.Generator().manual_seed(self.seed)
        w_in = torch.from_numpy(self.wv.vectors)  # shared memory: updated in place
        w_out = torch.from_numpy(self.syn1neg)
        table = torch.from_numpy(noise_table(self.noise))
        threads = torch.get_num_threads()
        torch.set_num_threads(self.workers)
        self.epoch_loss = []
        try:
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
        finally:
            torch.set_num_threads(threads)
        self.wv._unit = None
        return self

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
        steps = zip(starts.tolist(), rates.tolist(), strict=True)
        losses = []
        for start, lr in progress(steps, total=len(starts), desc=f"epoch {epoch + 1}"):
            part = slice(start, start + batch)
            draws = torch.randint(len(table), (len(targets[part]) * self.negative,),
                                  generator=generator)  # fmt: skip
            negatives = table[draws].view(-1, self.negative)
            step = sgns_step(w_in, w_out, inputs[part], targets[part], negatives, lr)
            if not math.isfinite(step):
                raise FloatingPointError(_DIVERGED.format(epoch + 1, step, batch))
            losses.append(step)
        return float(np.sum(losses) / max(len(targets), 1))


def batch_schedule(done: np.ndarray, batch: int, alpha: float, min_alpha: float):
    """Where each batch starts, and its learning rate.

    ``done[i]`` is the share of training behind example ``i`` (epochs and
    corpus position); the rate decays linearly from ``alpha`` to
    ``min_alpha`` with the share reached at the batch's first example.
    """
    starts = np.arange(0, len(done), batch)
    return starts, alpha - (alpha - min_alpha) * done[starts]


def sgns_step(w_in, w_out, inputs, targets, negatives, lr: float) -> float:
    """One SGD step of skip-gram or CBOW with negative sampling, on a batch.

    ``inputs`` is (b,) for skip-gram, or (b, 2 window) context ids padded
    with -1 for CBOW; ``targets`` (b,) and ``negatives`` (b, K) are ids of
    output vectors. Updates ``w_in`` and ``w_out`` in place; returns the
    summed loss (the negative of eq. ``w2v-sgns``).
    """
    h = _hidden(w_in, inputs)  # (b, d)
    out_ids = torch.cat([targets[:, None], negatives], dim=1)  # (b, 1+K)
    u = w_out[out_ids]  # (b, 1+K, d)
    scores = (u * h[:, None, :]).sum(-1)
    labels = torch.zeros_like(scores)
    labels[:, 0] = 1
    g = (labels - torch.sigmoid(scores)) * lr
    # word2vec.c skips a negative equal to the target
    g[:, 1:] *= negatives != targets[:, None]
    grad_h = torch.bmm(g[:, None, :], u)[:, 0]  # (b, d), from the old output vectors
    w_out.index_add_(
        0, out_ids.reshape(-1), (g[:, :, None] * h[:, None, :]).flatten(0, 1)
    )
    if inputs.dim() == 1:
        w_in.index_add_(0, inputs, grad_h)
    else:  # every context word receives the whole error, as in word2vec.c
        used = inputs >= 0
        w_in.index_add_(0, inputs[used], grad_h.repeat_interleave(used.sum(1), dim=0))
    signs = 1 - 2 * labels  # -1 for the positive, +1 for negatives
    return float(-torch.nn.functional.logsigmoid(-signs * scores).sum())


def _hidden(w_in, inputs):
    """The input vector (skip-gram), or the mean of the context's vectors (CBOW)."""
    if inputs.dim() == 1:
        return w_in[inputs]
    mask = (inputs >= 0).to(w_in.dtype)  # (b, 2 window)
    rows = w_in[inputs.clamp(min=0)]  # (b, 2 window, d)
    return (rows * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
