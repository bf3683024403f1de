"""Takes k = sqrt(n) whenever it fits, whatever the budget allows."""


def best_segments(n, budget):
    k = max(1, round(math.sqrt(n)))
    if schedule_cost(segment_schedule(n, k), n).slots <= budget:
        return k
    return None
