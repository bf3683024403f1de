"""OadTR and the GRU baseline: shapes, causality, ablations, the official parameter
count; the frame metrics against scikit-learn; the synthetic streams; bad input."""

import numpy as np
import pytest
import torch
from sklearn.metrics import average_precision_score

from groundup.nn.frame_metrics import average_precision, calibrated_frame_map, frame_map
from groundup.nn.oadtr import (
    GRUDetector,
    OadTR,
    evaluate,
    future_labels,
    oadtr_loss,
    predict_stream,
    stream_dataset,
    train_detector,
    windows,
)
from groundup.nn.streams import streaming_actions

F_IN, K, T = 12, 5, 8


def models():
    torch.manual_seed(0)
    return {
        "oadtr": OadTR(F_IN, K, history=T, d_model=16, n_future=3),
        "no token": OadTR(F_IN, K, history=T, d_model=16, n_future=3, task_token=False),
        "no decoder": OadTR(F_IN, K, history=T, d_model=16, decoder=False),
        "gru": GRUDetector(F_IN, K, history=T, hidden=16, n_future=3),
    }


@pytest.mark.parametrize("name", ["oadtr", "no token", "no decoder", "gru"])
def test_shapes(name):
    model = models()[name]
    now, future = model(torch.randn(7, T, F_IN))
    assert now.shape == (7, K)
    if name == "no decoder":
        assert future is None
    else:
        assert future.shape == (7, 3, K)


@pytest.mark.parametrize("name", ["oadtr", "no token", "no decoder", "gru"])
def test_prediction_for_frame_t_never_depends_on_later_frames(name):
    model = models()[name]
    stream = torch.randn(40, F_IN)
    before = predict_stream(model, stream)
    t = 23
    changed = stream.clone()
    changed[t + 1 :] = torch.randn(40 - t - 1, F_IN) * 10
    after = predict_stream(model, changed)
    assert torch.equal(before[: t + 1], after[: t + 1])
    assert not torch.allclose(before[t + 1 :], after[t + 1 :])


def test_windows_and_future_labels():
    stream = torch.arange(10.0)[:, None]
    w = windows(stream, 3)
    assert w.shape == (10, 3, 1)
    assert w[0, :, 0].tolist() == [0, 0, 0] and w[4, :, 0].tolist() == [2, 3, 4]
    labels = torch.tensor([0, 1, 1, 2, 0])
    assert future_labels(labels, 2).tolist() == [[1, 1], [1, 2], [2, 0], [0, 0], [0, 0]]


def test_loss_is_current_plus_weighted_mean_future():
    torch.manual_seed(0)
    now, future = torch.randn(4, K), torch.randn(4, 3, K)
    y, y_future = torch.randint(K, (4,)), torch.randint(K, (4, 3))
    expected = torch.nn.functional.cross_entropy(now, y).item() + 0.5 * np.mean(
        [
            torch.nn.functional.cross_entropy(future[:, i], y_future[:, i]).item()
            for i in range(3)
        ]
    )
    assert oadtr_loss(now, future, y, y_future).item() == pytest.approx(
        expected, rel=1e-6
    )
    assert oadtr_loss(now, None, y, y_future).item() == pytest.approx(
        torch.nn.functional.cross_entropy(now, y).item()
    )


def test_official_configuration_parameter_count():
    # The official code reports 74,709,036. Ours differs in two places only:
    # its encoder's fused qkv projection has no bias (+3 x 1024 per layer here)
    # and it builds an 8 x 1024 decoder positional encoding it never uses.
    model = OadTR(
        3072,
        22,
        history=64,
        d_model=1024,
        encoder_layers=3,
        encoder_heads=8,
        decoder_layers=5,
        decoder_heads=4,
        n_future=8,
        d_ff=1024,
    )
    ours = sum(p.numel() for p in model.parameters())
    assert ours == 74_709_036 + 3 * 3 * 1024 - 8 * 1024


def test_metrics_match_scikit_learn_on_random_data():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, 500)
    scores = rng.random((500, 4))
    expected = np.mean(
        [average_precision_score(labels == c, scores[:, c]) for c in (1, 2, 3)]
    )
    assert frame_map(scores, labels) == pytest.approx(expected, abs=1e-12)
    everything = np.mean(
        [average_precision_score(labels == c, scores[:, c]) for c in range(4)]
    )
    assert frame_map(scores, labels, background=None) == pytest.approx(
        everything, abs=1e-12
    )


def test_average_precision_with_ties_matches_scikit_learn():
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 5, 200).astype(float)  # many ties
    positive = rng.random(200) < 0.3
    assert average_precision(scores, positive) == pytest.approx(
        average_precision_score(positive, scores), abs=1e-12
    )


def test_calibrated_ap_is_ap_on_balanced_data_and_ignores_imbalance():
    rng = np.random.default_rng(2)
    positive = np.r_[np.ones(100, bool), np.zeros(100, bool)]
    scores = rng.random(200) + positive * 0.3
    assert average_precision(scores, positive, calibrated=True) == pytest.approx(
        average_precision_score(positive, scores), abs=1e-12
    )
    # Repeating every negative 4 times lowers AP but leaves calibrated AP unchanged.
    more = np.r_[scores[:100], np.tile(scores[100:], 4)]
    more_positive = np.r_[positive[:100], np.zeros(400, bool)]
    assert (
        average_precision(more, more_positive)
        < average_precision(scores, positive) - 0.05
    )
    assert average_precision(more, more_positive, calibrated=True) == pytest.approx(
        average_precision(scores, positive, calibrated=True), abs=1e-12
    )
    labels = np.where(positive, 1, 0)
    two = np.c_[1 - scores, scores]
    assert calibrated_frame_map(two, labels) == pytest.approx(
        frame_map(two, labels), abs=1e-12
    )


def test_streams_are_reproducible_and_labelled():
    a = streaming_actions(n_videos=3, length=120, seed=5)
    b = streaming_actions(n_videos=3, length=120, seed=5)
    c = streaming_actions(n_videos=3, length=120, seed=6)
    assert all(
        np.array_equal(x.features, y.features) for x, y in zip(a, b, strict=True)
    )
    assert all(np.array_equal(x.labels, y.labels) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0].features, c[0].features)
    labels = np.concatenate([s.labels for s in streaming_actions(n_videos=20, seed=0)])
    assert set(np.unique(labels)) == set(range(7))  # background and 6 actions
    assert a[0].features.dtype == np.float32 and a[0].features.shape == (120, 32)


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="history"):
        OadTR(F_IN, K, history=0)
    with pytest.raises(ValueError, match="history"):
        GRUDetector(F_IN, K, history=0)
    model = OadTR(F_IN, K, history=T, d_model=16)
    with pytest.raises(ValueError, match="n_features=12"):
        model(torch.randn(2, T, F_IN + 1))
    with pytest.raises(ValueError, match="history=8"):
        model(torch.randn(2, T - 1, F_IN))
    with pytest.raises(ValueError, match="x must have shape"):
        model(torch.randn(T, F_IN))
    with pytest.raises(ValueError, match="history"):
        windows(torch.randn(5, 2), 0)
    with pytest.raises(ValueError, match="labels must have shape"):
        frame_map(np.random.rand(5, 3), np.zeros(4, int))
    with pytest.raises(ValueError, match="positive"):
        average_precision([0.1, 0.2], [False, False])
    with pytest.raises(ValueError, match="duration"):
        streaming_actions(duration=(5, 2))
    with pytest.raises(ValueError, match="n_videos"):
        streaming_actions(n_videos=0)


def test_successor_grammar_holds_in_the_streams():
    streams = streaming_actions(n_videos=30, seed=3, grammar=0.8)
    pairs = []
    for s in streams:
        starts = np.flatnonzero(np.diff(np.r_[0, s.labels]) > 0)
        actions = s.labels[starts]
        pairs += list(zip(actions[:-1], actions[1:], strict=True))
    first, second = np.array(pairs).T
    # the most frequent successor of each action accounts for ~80% + 20%/6
    share = np.mean(
        [
            np.bincount(second[first == a]).max() / np.sum(first == a)
            for a in range(1, 7)
        ]
    )
    assert 0.75 < share < 0.93


def test_training_learns_the_synthetic_task():
    kw = dict(duration=(10, 30), gap=(5, 20))
    train = streaming_actions(n_videos=20, length=200, seed=0, **kw)
    test = streaming_actions(n_videos=8, length=200, seed=1, **kw)
    torch.manual_seed(0)
    for model in (
        OadTR(32, 7, history=12, d_model=16, decoder_layers=1, n_future=2),
        GRUDetector(32, 7, history=12, hidden=16, n_future=2),
    ):
        losses = train_detector(model, train, steps=120, batch_size=64, lr=4e-3)
        assert np.mean(losses[-20:]) < 0.7 * np.mean(losses[:5])
        scores = evaluate(model, test)
        assert scores["mAP"] > 0.5 and scores["mcAP"] > scores["mAP"]


def test_train_detector_follows_the_official_recipe():
    # One step of train_detector is one step of Adam with an L2 penalty of 1e-4
    # (not AdamW's decoupled decay), taken after clipping the gradient norm at 1.
    kw = dict(duration=(10, 30), gap=(5, 20))
    streams = streaming_actions(n_videos=2, length=60, seed=4, **kw)
    torch.manual_seed(3)
    model = OadTR(
        32, 7, history=6, d_model=16, decoder_layers=1, n_future=2, dropout=0.0
    )
    copy = OadTR(
        32, 7, history=6, d_model=16, decoder_layers=1, n_future=2, dropout=0.0
    )
    copy.load_state_dict(model.state_dict())
    train_detector(model, streams, steps=1, batch_size=16, lr=0.05, seed=11)

    X, y, y_future = stream_dataset(streams, 6, 2)
    idx = torch.randint(len(X), (16,), generator=torch.Generator().manual_seed(11))

    def one_step(net, optimiser_class):
        now, future = net(X[idx])
        oadtr_loss(now, future, y[idx], y_future[idx]).backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimiser_class(net.parameters(), lr=0.05, weight_decay=1e-4, fused=True).step()
        return list(net.parameters())

    adamw = OadTR(
        32, 7, history=6, d_model=16, decoder_layers=1, n_future=2, dropout=0.0
    )
    adamw.load_state_dict(copy.state_dict())
    expected, decoupled = (
        one_step(copy, torch.optim.Adam),
        one_step(adamw, torch.optim.AdamW),
    )
    trained = list(model.parameters())
    assert all(torch.equal(a, b) for a, b in zip(trained, expected, strict=True))
    assert not all(torch.equal(a, b) for a, b in zip(trained, decoupled, strict=True))


def test_oadtr_uses_gelu_and_a_post_norm_decoder():
    model = OadTR(F_IN, K, history=T, d_model=16, n_future=3)
    assert all(layer.norm_first for layer in model.encoder.layers)
    assert not any(layer.norm_first for layer in model.decoder.layers)
    ffns = [layer.ff for layer in [*model.encoder.layers, *model.decoder.layers]]
    assert all(ff.activation is torch.nn.functional.gelu for ff in ffns)
    with pytest.raises(ValueError, match="activation"):
        OadTR(F_IN, K, history=T, d_model=16, activation="swish")


def test_task_token_first_or_last_is_the_same_model():
    # Self-attention without a mask treats positions alike except for their
    # encodings: moving the token (with its learned position) to the front
    # permutes the encoder's outputs and changes nothing else.
    torch.manual_seed(12)
    model = OadTR(F_IN, K, history=T, d_model=16, n_future=3, dropout=0.0).eval()
    x = torch.randn(5, T, F_IN)
    h = model.embed(x)
    token = model.task_token.expand(5, -1, -1)
    last = model.encoder(torch.cat([h, token], 1) + model.positions)[:, -1]
    first = model.encoder(
        torch.cat([token, h], 1) + torch.roll(model.positions, 1, dims=1)
    )[:, 0]
    torch.testing.assert_close(first, last, atol=1e-5, rtol=1e-5)
    # without moving its position along, the token would see another model
    assert not torch.allclose(
        model.encoder(torch.cat([token, h], 1) + model.positions)[:, 0], last, atol=1e-3
    )


def test_exercise_onset_is_where_the_detector_fails():
    # Chapter 12, exercise "Where is the ambiguity?": accuracy is lowest at the
    # first chunks of an instance, and the wrong answers there are mostly
    # background or the other action of the pair.
    kw = dict(duration=(10, 30), gap=(5, 20))
    train = streaming_actions(n_videos=20, length=300, seed=0, **kw)
    test = streaming_actions(n_videos=10, length=300, seed=10, **kw)
    torch.manual_seed(0)
    # the chapter's configuration
    model = OadTR(
        32,
        7,
        history=16,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        n_future=4,
        dropout=0.0,
    )
    train_detector(model, train, steps=120, batch_size=32, lr=4e-3)
    hits, wrong = [[] for _ in range(10)], []
    for s in test:
        pred = predict_stream(model, torch.as_tensor(s.features)).argmax(-1).numpy()
        for start in np.flatnonzero(np.diff(np.r_[0, s.labels]) > 0):
            action = s.labels[start]
            partner = action + 1 if action % 2 else action - 1  # 1-2, 3-4, 5-6
            for k in range(10):
                if start + k < len(s.labels) and s.labels[start + k] == action:
                    hits[k].append(pred[start + k] == action)
                    if k < 3 and pred[start + k] != action:
                        wrong.append(pred[start + k] in (0, partner))
    accuracy = [np.mean(h) for h in hits]
    assert accuracy[0] < 0.5 * np.mean(accuracy[7:])
    assert np.mean(wrong) > 2 / 3  # background or the partner action
