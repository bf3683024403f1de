"""Forgets to detach: one backward through all chunks is full BPTT."""


def tbptt_backward(net, x, target, k):
    net.zero_grad()
    h = torch.zeros(1, x.shape[0], net.rnn.hidden_size, dtype=x.dtype)
    total = 0
    for start in range(0, x.shape[1], k):
        outputs, h = net.rnn(x[:, start : start + k], h)
        logits = net.out(outputs)
        total = total + nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]),
            target[:, start : start + k].reshape(-1),
            reduction="sum",
        )
    total.backward()
    return total.item()
