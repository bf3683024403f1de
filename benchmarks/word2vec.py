"""Word2Vec: groundup against gensim on gensim's head500 corpus (chapter 9).

Task (issue "Chapter 9"): skip-gram (and CBOW), dimension 100, window 5, 5
negatives, sample 1e-3, min_count 5, 5 epochs, two threads each, interleaved
in one process. Quality: Spearman correlation with WordSim353 on the pairs
whose (Porter-stemmed) words are both in the vocabulary.
Targets: wall time no more than 2x gensim's; Spearman within 0.03 of gensim's.

Unlike the other benchmarks, both sides run on two threads (the task says so;
gensim's workers and our torch threads).
"""

from __future__ import annotations

from gensim.models import Word2Vec as GensimWord2Vec

from groundup.text import Word2Vec
from groundup.text.corpus import load_corpus, porter_stem, word_pairs
from groundup.text.word2vec import evaluate_word_pairs
from groundup.utils import Timer

from .common import Row, median

REPEATS = 3
SETTINGS = dict(
    vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, epochs=5
)


def spearman(wv, pairs) -> float:
    """WordSim353 Spearman on stemmed, in-vocabulary pairs; ours or gensim's vectors."""
    return evaluate_word_pairs(wv, pairs, transform=porter_stem)[1]


def run(repeats: int = REPEATS) -> list[Row]:
    corpus = load_corpus("head500.noblanks.cor")
    pairs = word_pairs("wordsim353.tsv")
    rows = []
    for sg, name in ((1, "skip-gram"), (0, "CBOW")):
        times = {"ours": [], "peer": []}
        quality = {"ours": [], "peer": []}
        for seed in range(repeats):  # interleaved: ours, gensim, ours, gensim, ...
            with Timer() as t:
                ours = Word2Vec(corpus, sg=sg, seed=seed, workers=2, **SETTINGS)
            times["ours"].append(t.seconds)
            quality["ours"].append(spearman(ours.wv, pairs))
            with Timer() as t:
                peer = GensimWord2Vec(corpus, sg=sg, seed=seed, workers=2, **SETTINGS)
            times["peer"].append(t.seconds)
            quality["peer"].append(spearman(peer.wv, pairs))
        ours_q, peer_q = float(median(quality["ours"])), float(median(quality["peer"]))
        ratio = median(times["ours"]) / median(times["peer"])
        rows.append(
            Row(
                "Word2Vec",
                f"{name}, head500 (331k tokens), dim 100, 5 epochs, 2 threads each",
                "gensim 4.4",
                median(times["ours"]),
                median(times["peer"]),
                "WordSim353 Spearman",
                ours_q,
                peer_q,
                "<= 2x time, Spearman within 0.03",
                bool(ratio <= 2 and abs(ours_q - peer_q) <= 0.03),
            )
        )
    return rows
