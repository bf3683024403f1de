"""Scales the second moment by lambda instead of lambda squared."""


def selu_moments(alpha, scale):
    def Phi(t):
        return 0.5 * (1 + math.erf(t / math.sqrt(2)))

    below = math.exp(0.5) * Phi(-1) - 0.5
    mean = scale * (1 / math.sqrt(2 * math.pi) + alpha * below)
    neg = math.exp(2) * Phi(-2) - 2 * math.exp(0.5) * Phi(-1) + 0.5
    return mean, scale * (0.5 + alpha**2 * neg)
