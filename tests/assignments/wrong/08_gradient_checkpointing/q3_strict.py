"""Asks for strictly fewer advances than the budget instead of at most as many."""


def fewest_slots(n, max_advances):
    for s in range(1, n + 1):
        if binomial_cost(n, s) < max_advances:
            return s
    return None
