"""Back-propagates from output unit 0, whose region is clipped by the padding."""


def measured_rf_1d(stack, n):
    probe = copy.deepcopy(stack).double()
    for module in probe:
        if isinstance(module, nn.Conv1d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
    x = torch.ones(1, 1, n, dtype=torch.float64, requires_grad=True)
    probe(x)[0, 0, 0].backward()
    seen = torch.nonzero(x.grad[0, 0]).flatten()
    return int(seen.max() - seen.min() + 1)
