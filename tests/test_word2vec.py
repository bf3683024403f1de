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


@pytest.mark.parametrize("sample", [-1e-3, 1.0, "1e-3", True])
def test_keep_probability_rejects_a_bad_sample(sample):
    with pytest.raises(ValueError, match="sample"):
        keep_probability(np.array([5, 10]), sample)


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
        workers=1,  # two test processes share two cores
    )
    questions = [q for qs in planted_analogies().values() for q in qs]
    words = sorted({w for q in questions for w in q})
    assert model.wv.evaluate_word_analogies(questions, restrict=words) >= 0.9
    assert model.wv.evaluate_word_analogies(questions) >= 0.9


def test_training_lowers_the_loss_and_is_reproducible():
    corpus = planted_corpus(sentences_per_word=30, seed=1)
    a = Word2Vec(corpus, vector_size=16, min_count=1, epochs=3, seed=3, workers=1)
    b = Word2Vec(corpus, vector_size=16, min_count=1, epochs=3, seed=3, workers=1)
    assert a.epoch_loss[-1] < a.epoch_loss[0]
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)


def test_hogwild_workers_learn_as_well_as_one():
    """workers=2: two threads update the shared vectors without locks."""
    corpus = planted_corpus(sentences_per_word=60, seed=0)
    settings = dict(vector_size=32, min_count=1, sample=0, epochs=4, batch_size=256)
    questions = [q for qs in planted_analogies().values() for q in qs]
    scores = []
    for workers in (1, 2):
        model = Word2Vec(corpus, seed=0, workers=workers, **settings)
        assert model.epoch_loss[-1] < model.epoch_loss[0]
        scores.append(model.wv.evaluate_word_analogies(questions))
    assert scores[1] >= scores[0] - 0.1 and scores[1] >= 0.8, scores


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


# -- gensim's call pattern --------------------------------------------------


@pytest.fixture(scope="module")
def small_model():
    corpus = planted_corpus(sentences_per_word=20, seed=2)
    model = Word2Vec(vector_size=16, min_count=1, epochs=2, seed=0, workers=1)
    model.build_vocab(corpus)
    assert model.corpus_count == len(corpus)
    assert model.corpus_total_words == sum(map(len, corpus))
    before = model.wv.vectors.copy()
    model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
    assert not np.array_equal(before, model.wv.vectors)
    return model, corpus


def test_build_vocab_then_train_is_gensims_call_pattern(small_model):
    model, corpus = small_model
    again = Word2Vec(corpus, vector_size=16, min_count=1, epochs=2, seed=0, workers=1)
    np.testing.assert_array_equal(model.wv.vectors, again.wv.vectors)
    model3 = Word2Vec(vector_size=16, min_count=1, seed=0, workers=1)
    model3.build_vocab(corpus)
    model3.train(
        corpus_iterable=corpus, total_words=model3.corpus_total_words, epochs=1
    )
    assert model3.epochs == 1 and len(model3.epoch_loss) == 1


def test_train_checks_gensims_arguments(small_model):
    model, corpus = small_model
    for name in ("total_examples", "total_words", "epochs"):
        for bad in (0, -3, 2.5, "10", True):
            with pytest.raises(ValueError, match=name):
                model.train(corpus, **{name: bad})
    with pytest.raises(ValueError, match="corpus_iterable"):
        model.train(corpus, corpus_iterable=corpus)
    with pytest.raises(ValueError, match="corpus_iterable"):
        model.train()
    with pytest.warns(UserWarning, match="total_examples=7"):
        model.train(corpus, total_examples=7, epochs=1)
    with pytest.raises(RuntimeError, match="build_vocab"):
        Word2Vec(min_count=1).train(corpus)


def test_get_vector_and_lookups(small_model):
    wv = small_model[0].wv
    word = wv.index_to_key[3]
    assert wv.key_to_index[word] == 3 == wv.get_index(word)
    np.testing.assert_array_equal(wv.get_vector(word), wv.vectors[3])
    np.testing.assert_array_equal(wv.get_vector(word, norm=False), wv[word])
    unit = wv.get_vector(word, norm=True)
    assert np.linalg.norm(unit) == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(unit * np.linalg.norm(wv[word]), wv[word], rtol=1e-5)
    with pytest.raises(KeyError, match="zebra"):
        wv.get_vector("zebra")
    with pytest.raises(TypeError, match="norm"):
        wv.get_vector(word, norm="yes")


def test_most_similar_takes_vectors_as_gensim_does():
    wv = KeyedVectors(
        ["a", "b", "c", "d"], np.array([[1, 0], [0.9, 0.1], [0, 1], [-1, 0]])
    )
    # a vector is not a query word: the word it belongs to is an answer
    assert wv.most_similar(positive=[wv["a"]], topn=1)[0][0] == "a"
    assert wv.most_similar(wv["c"], topn=1)[0][0] == "c"  # one bare vector
    assert wv.most_similar(np.array([wv["c"]]), topn=1)[0][0] == "c"  # a matrix
    mixed = wv.most_similar(positive=["a", np.array([0.0, 5.0])], topn=3)
    # "a" is left out; the raw vector outweighs its unit vector (normalised, "b" wins)
    assert [w for w, _ in mixed] == ["c", "b", "d"]
    assert wv.most_similar(negative=[np.array([1.0, 0.0])], topn=1)[0][0] == "d"
    with pytest.raises(ValueError, match="positive must hold words or finite"):
        wv.most_similar(positive=[np.zeros(3)])
    with pytest.raises(ValueError, match="negative must hold"):
        wv.most_similar(positive=["a"], negative=[np.array([np.nan, 0.0])])


def test_evaluate_word_pairs_reads_gensims_file(small_model, tmp_path):
    from gensim.test.utils import datapath

    wv = KeyedVectors(
        ["a", "B", "c", "d"], np.array([[1, 0], [0.9, 0.1], [0, 1], [-1, 0]])
    )
    path = tmp_path / "pairs.tsv"
    path.write_text("# a comment\nA\tb\t9\na\tc\t5\na\td\t1\na\tzzz\t3\nbad line\n")
    pearson, spearman, oov = wv.evaluate_word_pairs(str(path))  # gensim's shape
    assert spearman[0] == pytest.approx(1.0) and 0 <= spearman.pvalue <= 1
    assert pearson[0] == pytest.approx(wv.evaluate_word_pairs(path)[0][0])
    assert oov == pytest.approx(25.0)  # gensim's ratio is a percentage
    # triples keep our shape (floats, a share) and match the case exactly
    triples = [("a", "B", 9.0), ("a", "c", 5.0), ("a", "d", 1.0), ("a", "zzz", 3.0)]
    r, rho, skipped = wv.evaluate_word_pairs(triples)
    assert (r, rho) == pytest.approx((pearson[0], spearman[0]))
    assert skipped == pytest.approx(0.25)
    # gensim's own wordsim353.tsv: the planted vocabulary holds only 2 of its pairs
    with pytest.raises(ValueError, match="at least 3 pairs"):
        small_model[0].wv.evaluate_word_pairs(datapath("wordsim353.tsv"))
    with pytest.raises(ValueError, match="no word1, word2, score"):
        wv.evaluate_word_pairs(datapath("questions-words.txt"))
    with pytest.raises(ValueError, match="delimiter"):
        wv.evaluate_word_pairs(path, delimiter="")


def test_evaluate_word_analogies_reads_gensims_file(small_model, tmp_path):
    from gensim.test.utils import datapath

    wv = small_model[0].wv
    questions = planted_analogies()
    path = tmp_path / "questions.txt"
    path.write_text(
        "".join(
            f": {name}\n" + "".join(" ".join(q).upper() + "\n" for q in qs)
            for name, qs in questions.items()
        )
    )
    score, sections = wv.evaluate_word_analogies(path)  # upper case: still found
    flat = [q for qs in questions.values() for q in qs]
    assert score == pytest.approx(wv.evaluate_word_analogies(flat))
    assert [s["section"] for s in sections] == [*questions, "Total accuracy"]
    for section in sections[:-1]:
        asked = section["correct"] + section["incorrect"]
        assert sorted(asked) == sorted(questions[section["section"]])
    total = sections[-1]
    assert score == len(total["correct"]) / len(flat)
    assert len(total["correct"]) + len(total["incorrect"]) == len(flat)
    # gensim's questions-words.txt: 313 of its questions are planted words
    score, sections = wv.evaluate_word_analogies(datapath("questions-words.txt"))
    assert len(sections) == 15 and 0 <= score <= 1
    assert sum(map(len, (sections[-1]["correct"], sections[-1]["incorrect"]))) == 313
    (tmp_path / "bad.txt").write_text("a b c d\n")
    with pytest.raises(ValueError, match="section"):
        wv.evaluate_word_analogies(tmp_path / "bad.txt")


def test_vectorised_analogies_match_most_similar(small_model):
    wv = small_model[0].wv
    rng = np.random.default_rng(0)
    words = np.array(wv.index_to_key)
    questions = [tuple(words[rng.choice(len(words), 4, replace=False)])
                 for _ in range(60)]  # fmt: skip
    answers = wv._answers(questions, np.ones(len(wv), dtype=bool))
    expected = [
        wv.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]
        for a, b, c, _ in questions
    ]
    assert [wv.index_to_key[i] for i in answers] == expected


def test_save_and_load(small_model, tmp_path):
    model, corpus = small_model
    model.save(tmp_path / "model.pkl")
    loaded = Word2Vec.load(str(tmp_path / "model.pkl"))
    np.testing.assert_array_equal(loaded.wv.vectors, model.wv.vectors)
    np.testing.assert_array_equal(loaded.syn1neg, model.syn1neg)
    assert loaded.wv.index_to_key == model.wv.index_to_key
    assert loaded.wv.most_similar("paris") == model.wv.most_similar("paris")
    loaded.train(corpus, epochs=1)  # a loaded model trains on
    model.wv.save(tmp_path / "wv.pkl")
    wv = KeyedVectors.load(tmp_path / "wv.pkl")
    np.testing.assert_array_equal(wv.vectors, model.wv.vectors)
    assert wv.similarity("paris", "france") == model.wv.similarity("paris", "france")
    with pytest.raises(
        TypeError, match="holds a KeyedVectors, not a groundup Word2Vec"
    ):
        Word2Vec.load(tmp_path / "wv.pkl")
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        model.save(3)
    with pytest.raises(FileNotFoundError):
        KeyedVectors.load(tmp_path / "missing.pkl")


def test_docstring_states_the_default_differs_from_gensim():
    doc = " ".join(Word2Vec.__doc__.split())
    assert "default is skip-gram (``sg=1``" in doc and "gensim's is CBOW" in doc


def test_repeat_scale_caps_a_rows_total_weight():
    from groundup.text import repeat_scale

    ids = torch.tensor([0, 0, 0, 0, 0, 0, 1, 2, 2])
    weight = repeat_scale(ids, 4, max_repeats=2)
    per_row = torch.zeros(4).index_add_(0, ids, weight)
    torch.testing.assert_close(per_row, torch.tensor([2.0, 1.0, 2.0, 0.0]))
    assert (repeat_scale(ids, 4, None) == 1).all()
    with pytest.raises(ValueError, match="max_repeats"):
        Word2Vec(max_repeats=0)


# -- gensim's other parameters: hs, cbow_mean, shrink_windows, trim_rule, ... --

TINY = [["human", "interface", "computer"], ["graph", "trees"], ["graph", "minors"]]


def test_gensim_switches_are_checked_and_named():
    for name, bad in (("hs", 1), ("cbow_mean", 2), ("cbow_mean", True)):
        with pytest.raises(ValueError, match=name):
            Word2Vec(**{name: bad})
    with pytest.raises(TypeError, match="shrink_windows"):
        Word2Vec(shrink_windows=1)
    with pytest.raises(TypeError, match="trim_rule"):
        Word2Vec(trim_rule="human")
    with pytest.raises(ValueError, match="min_count"):
        Word2Vec(min_count=-1)
    assert Word2Vec(TINY, min_count=0, epochs=1).wv.index_to_key[0] == "graph"


def test_cbow_sum_shares_the_error_out_as_gensim_does():
    """cbow_mean=0: h is the sum of the window's vectors and each context word
    moves by the error divided by the window's size (gensim's word2vec_inner)."""
    from groundup.text import sgns_step

    torch.manual_seed(0)
    w_in, w_out = torch.randn(6, 4), torch.randn(6, 4)
    inputs, targets = torch.tensor([[1, 2, 3, -1]]), torch.tensor([0])
    negatives = torch.tensor([[4, 5]])
    h = w_in[[1, 2, 3]].sum(0)
    u = w_out[[0, 4, 5]]
    g = (torch.tensor([1.0, 0, 0]) - torch.sigmoid(u @ h)) * 0.1
    expected = w_in.clone()
    expected[[1, 2, 3]] += (g @ u) / 3
    sgns_step(w_in, w_out, inputs, targets, negatives, 0.1, cbow_mean=0)
    torch.testing.assert_close(w_in, expected)


def test_fixed_windows_see_every_neighbour():
    words, w = list("abcdefghijklmnopqrstuvwxyz"), 3
    model = Word2Vec(vector_size=4, window=w, min_count=1, sample=0)
    model.build_vocab([words])
    ids, sent = model._encode([words])
    rng = np.random.default_rng(0)
    shrunk = (model._examples(ids, sent, rng)[1] >= 0).sum()
    model.shrink_windows = False
    _, ctx = model._examples(ids, sent, rng)
    n = len(words)
    every = sum(min(w, i) + min(w, n - 1 - i) for i in range(n))
    assert (ctx >= 0).sum() == every and shrunk < every


def test_trim_rule_overrides_min_count_word_by_word():
    from groundup.text.vocabulary import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP

    def rule(word, count, min_count):
        return {"graph": RULE_DISCARD, "minors": RULE_KEEP}.get(word, RULE_DEFAULT)

    model = Word2Vec(TINY * 2, min_count=3, trim_rule=rule, epochs=1)
    assert model.wv.index_to_key == ["minors"]
    with pytest.raises(ValueError, match="trim_rule must return"):
        Word2Vec(TINY, min_count=1, trim_rule=lambda *a: 7)


def test_corpus_file_gives_the_same_model_as_the_sentences(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in TINY * 5), encoding="utf-8")
    settings = dict(vector_size=4, min_count=1, epochs=2, workers=1)
    from_file = Word2Vec(corpus_file=path, **settings)
    np.testing.assert_array_equal(
        from_file.wv.vectors, Word2Vec(TINY * 5, **settings).wv.vectors
    )
    from_file.train(corpus_file=str(path), total_words=from_file.corpus_total_words)
    with pytest.raises(ValueError, match="corpus_file"):
        from_file.build_vocab(TINY, corpus_file=path)
    with pytest.raises(TypeError, match="uncompressed"):
        Word2Vec(corpus_file=tmp_path / "corpus.txt.bz2")


def test_build_vocab_update_adds_words_and_keeps_the_trained_ones():
    model = Word2Vec(TINY * 4, vector_size=4, min_count=2, epochs=1, workers=1)
    old = {w: model.wv[w].copy() for w in model.wv.index_to_key}
    model.build_vocab([["graph", "survey", "survey"]], update=True)
    assert model.wv.index_to_key[: len(old)] == list(old)
    assert model.wv.index_to_key[len(old) :] == ["survey"]
    for word, vector in old.items():
        np.testing.assert_array_equal(model.wv[word], vector)
    assert model.wv.get_vecattr("graph", "count") == 9
    assert model.wv.get_vecattr("survey", "count") == 2
    assert model.syn1neg.shape == model.wv.vectors.shape
    assert model.noise.shape == (len(model.wv),)
    model.train([["graph", "survey", "survey"]] * 3)
    assert np.isfinite(model.wv.vectors).all()
    with pytest.raises(RuntimeError, match="update=True"):
        Word2Vec().build_vocab(TINY, update=True)


def test_n_similarity_is_the_cosine_of_the_mean_vectors():
    model = Word2Vec(TINY * 4, vector_size=4, min_count=1, epochs=1, workers=1)
    wv = model.wv
    assert wv.n_similarity(["graph"], ["trees"]) == wv.similarity("graph", "trees")
    a = wv.vectors[[wv.get_index("graph"), wv.get_index("trees")]].mean(0)
    b = wv["human"]
    expected = a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    assert wv.n_similarity(["graph", "trees"], ["human"]) == pytest.approx(expected)
    with pytest.raises(ZeroDivisionError, match="ws1 and ws2"):
        wv.n_similarity([], ["graph"])
    with pytest.raises(KeyError, match="attr"):
        wv.get_vecattr("graph", "colour")
