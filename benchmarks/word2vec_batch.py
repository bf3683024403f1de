"""Word2Vec quality against batch size, the update rule held fixed (chapter 9).

Issue 21 asked whether our batched SGD loses quality to gensim's pair-by-pair
updates because a batch applies every update of a frequent word at once,
from its vector before the batch. This module trains our skip-gram on
head500 (the settings of ``benchmarks/word2vec.py``, one worker) at several
batch sizes with ``max_repeats`` fixed at its default, over five seeds, and
gensim once per seed beside it. Each row keeps every seed's WordSim353
Spearman, so chapter 9 can compare batch sizes on paired differences.
"""

from __future__ import annotations

import numpy as np
from gensim.models import Word2Vec as GensimWord2Vec

from groundup.text import Word2Vec
from groundup.text.corpus import load_corpus, word_pairs
from groundup.utils import Timer

from .common import Row, timed
from .word2vec import SEEDS, SETTINGS, TASK, spearman

BATCH_SIZES = (128, 512, 2048, 8192, 32768)


def run(seeds: int = SEEDS) -> list[Row]:
    corpus, pairs = load_corpus("head500.noblanks.cor"), word_pairs("wordsim353.tsv")
    times = {b: [] for b in BATCH_SIZES} | {"peer": []}
    rho = {b: [] for b in BATCH_SIZES} | {"peer": []}
    for seed in range(seeds):  # every batch size and gensim, one seed at a time
        runs = [(b, Word2Vec, {"batch_size": b}) for b in BATCH_SIZES]
        for key, make, extra in [*runs, ("peer", GensimWord2Vec, {})]:
            with Timer() as t:
                model = make(corpus, sg=1, seed=seed, workers=1, **SETTINGS, **extra)
            times[key].append(t.seconds)
            rho[key].append(spearman(model.wv, pairs))
    return [
        Row(
            topic="Word2Vec",
            task=f"skip-gram, {TASK}, 1 worker, batch_size={b} (max_repeats 32; "
            f"Spearman sd: ours {np.std(rho[b], ddof=1):.3f}, "
            f"gensim {np.std(rho['peer'], ddof=1):.3f})",
            peer="gensim 4.4",
            **timed({"ours": times[b], "peer": times["peer"]}),
            metric=f"WordSim353 Spearman, mean of {seeds} seeds",
            ours_quality=float(np.mean(rho[b])),
            peer_quality=float(np.mean(rho["peer"])),
            ours_qualities=[float(r) for r in rho[b]],
            peer_qualities=[float(r) for r in rho["peer"]],
            target="(reported: quality against batch size, chapter 9; not a speed row)",
            met=True,
        )
        for b in BATCH_SIZES
    ]
