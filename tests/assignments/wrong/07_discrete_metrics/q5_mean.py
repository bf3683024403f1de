"""Uses the mean of all S rewards as baseline: the estimate shrinks by (S-1)/S."""


def reinforce_gradient(logits, actions, rewards):
    score = actions - torch.sigmoid(logits)
    return ((rewards - rewards.mean())[:, None] * score).mean(0)
