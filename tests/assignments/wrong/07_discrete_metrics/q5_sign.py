"""Returns the gradient of the loss, minus the ascent direction asked for."""


def reinforce_gradient(logits, actions, rewards):
    S = len(rewards)
    baseline = (rewards.sum() - rewards) / (S - 1)
    score = actions - torch.sigmoid(logits)
    return -((rewards - baseline)[:, None] * score).mean(0)
