"""Predicts before appending the new chunk: window t ends at chunk t - 1."""


def predict_online(model, features):
    model.eval()
    buffer = torch.zeros(model.history, features.shape[1])
    rows = []
    with torch.no_grad():
        for chunk in features:
            rows.append(torch.softmax(model(buffer[None])[0][0], dim=-1))
            buffer = torch.cat([buffer[1:], chunk[None]])
    return torch.stack(rows)
