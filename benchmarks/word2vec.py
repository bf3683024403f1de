"""Word2Vec: groundup against gensim on gensim's head500 corpus (chapter 9).

Task (issues "Chapter 9" and 21): skip-gram (and CBOW), dimension 100,
window 5, 5 negatives, sample 1e-3, min_count 5, 5 epochs, interleaved in
one process: ours, gensim, ours, gensim, ... one seed each. Quality: Spearman
correlation with WordSim353 on the pairs whose (Porter-stemmed) words are
both in the vocabulary, its mean and standard deviation over the seeds.

Rows and targets (issue 21):
- 2 workers each, quiet machine, 5 seeds: time <= 1.5x gensim's; mean
  Spearman within 0.01 of gensim's, standard deviation at most twice its.
- 1 worker each: time <= 1.5x.
- 2 workers each while a busy loop holds one core: our slowdown (loaded
  time over quiet time) at most twice gensim's.
- CBOW, 2 workers: reported.

Unlike the other benchmarks, these run on the workers they name (gensim's
threads, and ours: groundup's Word2Vec runs ``workers`` Hogwild threads).
"""

from __future__ import annotations

import numpy as np
from gensim.models import Word2Vec as GensimWord2Vec

from groundup.text import Word2Vec
from groundup.text.corpus import load_corpus, porter_stem, word_pairs
from groundup.text.word2vec import evaluate_word_pairs
from groundup.utils import Timer

from .common import Row, median, timed
from .robust import busy_cores

SEEDS = 5
SETTINGS = dict(
    vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, epochs=5
)
TASK = "head500 (331k tokens), dim 100, 5 epochs"


def spearman(wv, pairs) -> float:
    """WordSim353 Spearman on stemmed, in-vocabulary pairs; ours or gensim's vectors."""
    return evaluate_word_pairs(wv, pairs, transform=porter_stem)[1]


def measure(corpus, pairs, sg: int, workers: int, seeds: int) -> tuple[dict, dict]:
    """Seconds and Spearman of ours and gensim's, one seed at a time, in turns."""
    makers = {"ours": Word2Vec, "peer": GensimWord2Vec}
    times = {"ours": [], "peer": []}
    quality = {"ours": [], "peer": []}
    for seed in range(seeds):
        for side, make in makers.items():
            with Timer() as t:
                model = make(corpus, sg=sg, seed=seed, workers=workers, **SETTINGS)
            times[side].append(t.seconds)
            quality[side].append(spearman(model.wv, pairs))
    return times, quality


def quality_fields(quality: dict) -> dict:
    """A Row's quality fields: the mean Spearman of each side."""
    return {
        "metric": f"WordSim353 Spearman, mean of {len(quality['ours'])} seeds",
        "ours_quality": float(np.mean(quality["ours"])),
        "peer_quality": float(np.mean(quality["peer"])),
    }


def deviations(quality: dict) -> dict:
    """The standard deviation of each side's Spearman over the seeds."""
    return {k: float(np.std(v, ddof=1)) for k, v in quality.items()}


def spread(quality: dict) -> str:
    sd = deviations(quality)
    return f"Spearman sd: ours {sd['ours']:.3f}, gensim {sd['peer']:.3f}"


def run(seeds: int = SEEDS) -> list[Row]:
    corpus, pairs = load_corpus("head500.noblanks.cor"), word_pairs("wordsim353.tsv")
    row = dict(topic="Word2Vec", peer="gensim 4.4")
    quiet, q = measure(corpus, pairs, sg=1, workers=2, seeds=seeds)
    mean = {k: float(np.mean(v)) for k, v in q.items()}
    sd = deviations(q)
    rows = [
        Row(
            **row,
            task=f"skip-gram, {TASK}, 2 workers each ({spread(q)})",
            **timed(quiet),
            **quality_fields(q),
            target="<= 1.5x time; Spearman mean within 0.01, sd <= 2x gensim's",
            met=median(quiet["ours"]) <= 1.5 * median(quiet["peer"])
            and abs(mean["ours"] - mean["peer"]) <= 0.01
            and sd["ours"] <= 2 * sd["peer"],
        )
    ]
    one, q1 = measure(corpus, pairs, sg=1, workers=1, seeds=3)
    rows.append(
        Row(
            **row,
            task=f"skip-gram, {TASK}, 1 worker each",
            **timed(one),
            **quality_fields(q1),
            target="<= 1.5x time",
            met=median(one["ours"]) <= 1.5 * median(one["peer"]),
        )
    )
    with busy_cores(1):
        busy, qb = measure(corpus, pairs, sg=1, workers=2, seeds=3)
    slow = {k: median(busy[k]) / median(quiet[k]) for k in busy}
    rows.append(
        Row(
            **row,
            task=f"skip-gram, {TASK}, 2 workers each, one core kept busy "
            f"(slowdown over the quiet row: ours {slow['ours']:.2f}x, "
            f"gensim {slow['peer']:.2f}x)",
            **timed(busy),
            **quality_fields(qb),
            target="our slowdown <= 2x gensim's",
            met=slow["ours"] <= 2 * slow["peer"],
        )
    )
    cbow, qc = measure(corpus, pairs, sg=0, workers=2, seeds=seeds)
    rows.append(
        Row(
            **row,
            task=f"CBOW, {TASK}, 2 workers each ({spread(qc)})",
            **timed(cbow),
            **quality_fields(qc),
            target="(reported)",
            met=True,
        )
    )
    return rows
