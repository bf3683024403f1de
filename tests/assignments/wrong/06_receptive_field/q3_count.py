"""Counts the inputs with a non-zero gradient instead of measuring their span."""


def measured_rf_1d(stack, n):
    probe = copy.deepcopy(stack).double()
    for module in probe:
        if isinstance(module, nn.Conv1d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
    x = torch.ones(1, 1, n, dtype=torch.float64, requires_grad=True)
    out = probe(x)[0, 0]
    out[len(out) // 2].backward()
    return int((x.grad != 0).sum())
