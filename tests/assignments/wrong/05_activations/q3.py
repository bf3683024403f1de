"""Returns the variance E[f^2] - E[f]^2 instead of the second moment."""


def selu_moments(alpha, scale):
    def Phi(t):
        return 0.5 * (1 + math.erf(t / math.sqrt(2)))

    below = math.exp(0.5) * Phi(-1) - 0.5
    mean = scale * (1 / math.sqrt(2 * math.pi) + alpha * below)
    neg = math.exp(2) * Phi(-2) - 2 * math.exp(0.5) * Phi(-1) + 0.5
    second = scale**2 * (0.5 + alpha**2 * neg)
    return mean, second - mean**2
