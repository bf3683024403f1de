"""Adds with fancy indexing: a row repeated in the batch keeps one term."""


def sgns_matrix_grads(W_in, W_out, centres, contexts, negatives):
    v, u_pos, u_neg = W_in[centres], W_out[contexts], W_out[negatives]
    s_pos = 1 / (1 + np.exp(-(u_pos * v).sum(axis=1)))
    s_neg = 1 / (1 + np.exp(-np.einsum("bkd,bd->bk", u_neg, v)))
    grad_in, grad_out = np.zeros_like(W_in), np.zeros_like(W_out)
    grad_in[centres] += (s_pos - 1)[:, None] * u_pos + np.einsum(
        "bk,bkd->bd", s_neg, u_neg
    )
    grad_out[contexts] += (s_pos - 1)[:, None] * v
    grad_out[negatives] += s_neg[:, :, None] * v[:, None, :]
    return grad_in, grad_out
