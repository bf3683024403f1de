"""Neural-network building blocks (part II, and the models of part III).

Activations and feed-forward blocks (chapter 5, ``activations``,
``feedforward``); receptive fields (chapter 6, ``receptive_field``); smooth
surrogates of discrete operations and metrics (chapter 7, ``smooth``);
gradient checkpointing (chapter 8, ``checkpoint``); a vanilla RNN with BPTT
(chapter 10, ``rnn``) and finite-difference checks (``gradcheck``); the
Transformer (chapter 11, ``transformer``); OadTR (chapter 12, ``oadtr``),
with its synthetic video streams (``streams``) and per-frame metrics
(``frame_metrics``).

Every public name of these modules is also a name of ``groundup.nn``, loaded
on first use (PEP 562), so that ``import groundup.nn`` does not import torch:
the finite-difference check (``gradcheck``, chapter 10) works without it. The one
exception is the function ``receptive_field``, whose module has the same
name: import it from ``groundup.nn.receptive_field``.
"""

from __future__ import annotations

import importlib

_MODULES = {
    "activations": [
        "ACTIVATIONS", "DERIVATIVES", "SELU_ALPHA", "SELU_SCALE", "elu", "gelu",
        "get_activation", "leaky_relu", "mish", "prelu", "relu", "selu", "sigmoid",
        "silu", "softplus", "step", "swish", "tanh",
    ],
    "feedforward": [
        "FeedForward", "GLUFeedForward", "GLU_VARIANTS", "glu_hidden_width",
    ],
    "smooth": [
        "logsumexp", "reinforce_loss", "smooth_max", "soft_accuracy",
        "soft_accuracy_loss", "soft_argmax", "soft_f1", "soft_f1_loss",
        "soft_onehot_argmax", "soft_topk",
    ],
    "receptive_field": [
        "Layer", "POINTWISE", "Parallel", "ReceptiveField", "alexnet_v2", "bottom_up",
        "empirical_receptive_field", "from_torch", "gaussian_width", "resnet_v1_50",
        "top_down", "vgg_16",
    ],
    "checkpoint": [
        "CheckpointedSegment", "SavedTensorMeter", "ScheduleCost", "binomial",
        "binomial_cost", "brute_force_cost", "checkpoint_sequential", "plain_backward",
        "recompute_all", "run_schedule", "schedule_cost", "segment_schedule",
        "store_all",
    ],
    "gradcheck": ["numerical_gradient", "relative_error"],
    "rnn": ["RNN", "TorchRNN", "one_hot"],
    "transformer": [
        "Decoder", "DecoderLayer", "Encoder", "EncoderLayer", "FF_ACTIVATIONS",
        "LayerStack", "MultiHeadAttention", "PositionwiseFeedForward", "Transformer",
        "autograd_depth", "causal_mask", "padding_mask", "scaled_dot_product_attention",
        "sinusoidal_positional_encoding",
    ],
    "streams": ["Stream", "streaming_actions"],
    "frame_metrics": ["average_precision", "calibrated_frame_map", "frame_map"],
    "oadtr": [
        "GRUDetector", "OadTR", "evaluate", "future_labels", "oadtr_loss",
        "predict_stream", "stream_dataset", "train_detector", "windows",
    ],
}  # fmt: skip
_HOME = {name: module for module, names in _MODULES.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value  # loaded once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
