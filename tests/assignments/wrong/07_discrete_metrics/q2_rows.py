"""Sums over the wrong axis (per example, not per class): the soft accuracy."""


def soft_macro_f1(probs, targets):
    y = torch.nn.functional.one_hot(targets.long(), probs.shape[1]).to(probs.dtype)
    per_row = 2 * (y * probs).sum(1) / (y + probs).sum(1)
    return per_row.mean()
