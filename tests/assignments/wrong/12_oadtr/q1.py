"""Ranks frame by frame: tied frames enter one at a time, not together."""


def ap(scores, positive, calibrated=False):
    scores = np.asarray(scores, dtype=float)
    positive = np.asarray(positive, dtype=bool)
    order = np.argsort(-scores)
    hits = positive[order]
    n_pos = hits.sum()
    w = (len(hits) - n_pos) / n_pos if calibrated else 1.0
    tp = np.cumsum(hits)
    fp = np.cumsum(~hits)
    precision = w * tp / (w * tp + fp)
    return float(np.sum(precision[hits]) / n_pos)
