"""Returns the gradient of the objective, not of the loss: signs flipped."""


def sgns_matrix_grads(W_in, W_out, centres, contexts, negatives):
    v, u_pos, u_neg = W_in[centres], W_out[contexts], W_out[negatives]
    g_pos = 1 - 1 / (1 + np.exp(-(u_pos * v).sum(axis=1)))
    g_neg = -1 / (1 + np.exp(-np.einsum("bkd,bd->bk", u_neg, v)))
    grad_in, grad_out = np.zeros_like(W_in), np.zeros_like(W_out)
    np.add.at(
        grad_in, centres, g_pos[:, None] * u_pos + np.einsum("bk,bkd->bd", g_neg, u_neg)
    )
    np.add.at(grad_out, contexts, g_pos[:, None] * v)
    np.add.at(grad_out, negatives, g_neg[:, :, None] * v[:, None, :])
    return grad_in, grad_out
