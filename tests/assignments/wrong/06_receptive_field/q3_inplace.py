"""Sets the weights of the caller's stack to 1 instead of those of a copy."""


def measured_rf_1d(stack, n):
    for module in stack:
        if isinstance(module, nn.Conv1d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
    x = torch.ones(1, 1, n, requires_grad=True)
    out = stack(x)[0, 0]
    out[len(out) // 2].backward()
    seen = torch.nonzero(x.grad[0, 0]).flatten()
    return int(seen.max() - seen.min() + 1)
