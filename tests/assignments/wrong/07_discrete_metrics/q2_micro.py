"""Pools all classes before dividing: a micro-averaged F1, not the macro one."""


def soft_macro_f1(probs, targets):
    y = torch.nn.functional.one_hot(targets.long(), probs.shape[1]).to(probs.dtype)
    return 2 * (y * probs).sum() / (y + probs).sum()
