"""Inverts the calibration weight: positives over negatives."""


def ap(scores, positive, calibrated=False):
    scores = np.asarray(scores, dtype=float)
    positive = np.asarray(positive, dtype=bool)
    thresholds = np.unique(scores)[::-1]
    n_pos = positive.sum()
    w = n_pos / (len(positive) - n_pos) if calibrated else 1.0
    tp = np.array([np.sum(positive & (scores >= s)) for s in thresholds])
    fp = np.array([np.sum(~positive & (scores >= s)) for s in thresholds])
    precision = w * tp / (w * tp + fp)
    recall = np.r_[0.0, tp / n_pos]
    return float(np.sum(np.diff(recall) * precision))
