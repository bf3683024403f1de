"""Spreads eps over the K - 1 wrong classes only, not over all K."""


def smoothed_cross_entropy(logits, target, eps):
    K = logits.shape[-1]
    one_hot = F.one_hot(target, K).to(logits.dtype)
    q = (1 - eps) * one_hot + eps / (K - 1) * (1 - one_hot)
    return -(q * torch.log_softmax(logits, dim=-1)).sum(-1).mean()
