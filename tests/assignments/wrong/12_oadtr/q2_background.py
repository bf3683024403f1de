"""Averages the AP of the background class too."""


def thumos_map(scores, labels, background=0, ambiguous=None):
    scores, labels = np.asarray(scores), np.asarray(labels)
    if ambiguous is not None:
        keep = labels != ambiguous
        scores, labels = scores[keep], labels[keep]
    classes = [
        c for c in range(scores.shape[1]) if c != ambiguous and np.any(labels == c)
    ]
    return float(
        np.mean([average_precision_score(labels == c, scores[:, c]) for c in classes])
    )
