"""Never passes the new weights on: every round fits the same stump."""


def boost_stumps(X, y, n_rounds, learning_rate=1.0):
    w = np.full(len(y), 1 / len(y))
    stumps, alphas = [], []
    for _ in range(n_rounds):
        stump = DecisionTreeClassifier(max_depth=1).fit(X, y, sample_weight=w)
        _, alpha, new_w = adaboost_round(stump.predict(X), y, w, learning_rate)
        stumps.append(stump)
        alphas.append(alpha)
    return stumps, np.array(alphas)
