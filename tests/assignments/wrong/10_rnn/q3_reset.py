"""Starts every chunk from a zero state instead of carrying the state forward."""


def tbptt_backward(net, x, target, k):
    net.zero_grad()
    total = 0.0
    for start in range(0, x.shape[1], k):
        outputs, _ = net.rnn(x[:, start : start + k])
        logits = net.out(outputs)
        loss = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]),
            target[:, start : start + k].reshape(-1),
            reduction="sum",
        )
        loss.backward()
        total += loss.item()
    return total
