"""Word2Vec: the SGNS gradient against autograd, subsampling and noise against
word2vec.c's formulas, planted analogies, the gensim-style queries, bad input."""

import numpy as np
import pytest
import torch

from groundup.text import KeyedVectors, Word2Vec
from groundup.text.corpus import (
    analogy_questions,
    load_corpus,
    planted_analogies,
    planted_corpus,
    porter_stem,
    word_pairs,
)
from groundup.text.word2vec import (
    keep_probability,
    noise_distribution,
    sgns_gradients,
    sgns_loss,
)


def test_sgns_gradient_matches_autograd():
    torch.manual_seed(0)
    v = torch.randn(6, 8, dtype=torch.float64, requires_grad=True)
    u_pos = torch.randn(6, 8, dtype=torch.float64, requires_grad=True)
    u_neg = torch.randn(6, 5, 8, dtype=torch.float64, requires_grad=True)
    sgns_loss(v, u_pos, u_neg).backward()
    by_hand = sgns_gradients(v.detach(), u_pos.detach(), u_neg.detach())
    for auto, hand in zip((v.grad, u_pos.grad, u_neg.grad), by_hand, strict=True):
        torch.testing.assert_close(auto, hand, rtol=1e-12, atol=1e-12)


def test_keep_probability_is_word2vec_c_formula():
    counts = np.array([100_000, 5_000, 300, 7])
    z = counts / counts.sum()
    s = 1e-3
    expected = np.minimum(1, (np.sqrt(z / s) + 1) * s / z)
    np.testing.assert_allclose(keep_probability(counts, s), expected)
    # landmarks of the source article: P = 1 up to z = 0.0026, 0.5 at z = 0.00746
    share = lambda z0: keep_probability(np.array([z0, 1 - z0]) * 1e9, s)[0]  # noqa: E731
    assert share(0.0026) == pytest.approx(1.0, abs=0.002)
    assert share(0.00746) == pytest.approx(0.5, abs=0.002)
    assert np.all(keep_probability(counts, 0) == 1)


def test_noise_distribution_is_unigram_to_three_quarters():
    counts = np.array([16, 1])
    p = noise_distribution(counts)
    assert p[0] / p[1] == pytest.approx(8.0)  # 16 ** 0.75
    assert p.sum() == pytest.approx(1.0)


def test_negative_samples_follow_the_noise_distribution():
    counts = np.array([1000, 300, 50, 5])
    cdf = torch.from_numpy(np.cumsum(noise_distribution(counts))).float()
    draws = torch.searchsorted(
        cdf, torch.rand(200_000, generator=torch.Generator().manual_seed(0))
    )
    share = np.bincount(draws.numpy(), minlength=4) / 200_000
    np.testing.assert_allclose(share, noise_distribution(counts), atol=0.005)


@pytest.mark.parametrize("sg", [1, 0])
def test_planted_analogies_are_recovered(sg):
    corpus = planted_corpus(sentences_per_word=120, seed=0)
    model = Word2Vec(
        corpus,
        vector_size=50,
        window=5,
        min_count=1,
        sg=sg,
        sample=0,
        epochs=5,
        seed=0,
        batch_size=512,
    )
    questions = [q for qs in planted_analogies().values() for q in qs]
    words = sorted({w for q in questions for w in q})
    assert model.wv.evaluate_word_analogies(questions, restrict=words) >= 0.9
    assert model.wv.evaluate_word_analogies(questions) >= 0.9


def test_training_lowers_the_loss_and_is_reproducible():
    corpus = planted_corpus(sentences_per_word=30, seed=1)
    a = Word2Vec(corpus, vector_size=16, min_count=1, epochs=3, seed=3)
    b = Word2Vec(corpus, vector_size=16, min_count=1, epochs=3, seed=3)
    assert a.epoch_loss[-1] < a.epoch_loss[0]
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)


def test_keyed_vector_queries():
    wv = KeyedVectors(
        ["a", "b", "c", "d"], np.array([[1, 0], [0.9, 0.1], [0, 1], [-1, 0]])
    )
    assert wv.most_similar("a", topn=1)[0][0] == "b"
    assert wv.similarity("a", "d") == pytest.approx(-1.0)
    assert wv.doesnt_match(["a", "b", "d"]) == "d"
    assert wv["c"].tolist() == [0, 1]
    assert wv.key_to_index["c"] == 2 and wv.index_to_key[3] == "d"
    pearson, spearman, skipped = wv.evaluate_word_pairs(
        [("a", "b", 9.0), ("a", "c", 5.0), ("a", "d", 1.0), ("a", "zzz", 3.0)]
    )
    assert spearman == pytest.approx(1.0) and skipped == pytest.approx(0.25)


def test_bundled_data_loads_and_stems():
    corpus = load_corpus("head500.noblanks.cor")
    assert sum(len(s) for s in corpus) == 331_339
    assert len(word_pairs("wordsim353.tsv")) == 353
    assert len(word_pairs("simlex999.txt")) == 999
    sections = analogy_questions()
    assert "capital-common-countries" in sections and len(sections) == 14
    assert porter_stem("dictionary") == "dictionari" and porter_stem("Running") == "run"


def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="at least one word"):
        Word2Vec([[], []])
    with pytest.raises(ValueError, match="vocabulary is empty"):
        Word2Vec([["a", "b"]], min_count=5)
    with pytest.raises(ValueError, match="sg must be"):
        Word2Vec(sg=2)
    with pytest.raises(ValueError, match="window"):
        Word2Vec(window=0)
    model = Word2Vec([["a", "b", "a", "b"]] * 3, min_count=1, vector_size=4, epochs=1)
    with pytest.raises(KeyError, match="'zebra' is not in the vocabulary"):
        model.wv.most_similar("zebra")
    with pytest.raises(KeyError, match="zebra"):
        model.wv.similarity("a", "zebra")
    with pytest.raises(ValueError, match="name must be one of"):
        load_corpus("text8")


HASH_SCRIPT = """
import hashlib
from gensim.models import Word2Vec as GensimWord2Vec
from groundup.text import Word2Vec
from groundup.text.corpus import planted_corpus
corpus = planted_corpus(sentences_per_word=10, seed=4)
settings = dict(vector_size=8, min_count=1, epochs=2, seed=5, workers=1)
ours = Word2Vec(corpus, batch_size=256, **settings).wv
peer = GensimWord2Vec(corpus, **settings).wv
print(hash("groundup"))
for wv in (ours, peer):
    digest = hashlib.sha256(wv.vectors.tobytes()).hexdigest()
    print(",".join(wv.index_to_key[:20]), digest)
"""


def test_ours_and_gensims_vectors_do_not_depend_on_string_hashing():
    """Chapter 9: one worker and one seed give the same vectors in every process,
    whatever PYTHONHASHSEED (which no running process can change for itself)."""
    import os
    import subprocess
    import sys

    runs = []
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, GROUNDUP_PROGRESS="0")
        done = subprocess.run(
            [sys.executable, "-c", HASH_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(done.stdout.splitlines())
    # string hashing did differ between the two processes
    assert runs[0][0] != runs[1][0]
    assert runs[0][1:] == runs[1][1:]  # ours, then gensim's: same words, same vectors
