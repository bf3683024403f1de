"""Leaves the ambiguous class out but keeps its frames, as negatives."""


def thumos_map(scores, labels, background=0, ambiguous=None):
    scores, labels = np.asarray(scores), np.asarray(labels)
    classes = [
        c
        for c in range(scores.shape[1])
        if c not in (background, ambiguous) and np.any(labels == c)
    ]
    return float(
        np.mean([average_precision_score(labels == c, scores[:, c]) for c in classes])
    )
