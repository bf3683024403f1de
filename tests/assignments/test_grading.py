"""Proof that grading works, for every assignment (issue 22).

Needs ``make assignments`` first (``make grading`` runs both).
"""

from __future__ import annotations

import json
import zipfile

import pytest

from .grading import (
    NAMES,
    answers_in_turn,
    autograder,
    graded,
    otter_run,
    passes,
    question_tests,
    student,
    wrong_answers,
)


def autograded(name: str) -> list[str]:
    with zipfile.ZipFile(autograder(name)) as z:
        return sorted(m[len("tests/") : -3] for m in z.namelist()
                      if m.startswith("tests/") and m.endswith(".py"))  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_solution_scores_full_marks(name):
    """`make assignments` grades each solution with `otter run` (and times it
    for the teachers' page); its results must give every question full marks."""
    results = json.loads((graded(name) / "results.json").read_text())
    scores = {t["name"]: t["score"] for t in results["tests"] if "score" in t}
    with zipfile.ZipFile(autograder(name)) as z:
        files = {q: z.read(f"tests/{q}.py").decode() for q in autograded(name)}
    assert set(scores) == set(files)
    for q, text in files.items():
        points = float(text.split("'points': ")[1].split(",")[0])
        assert scores[q] == pytest.approx(points), f"{name} {q}"


@pytest.mark.parametrize("name", NAMES)
def test_unanswered_student_notebook_scores_zero(name, tmp_path):
    scores = otter_run(name, student(name), tmp_path)
    assert scores and set(scores.values()) == {0.0}, scores


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_are_absent_from_the_student_notebook(name, tmp_path):
    text = student(name).read_text()
    given = json.loads(text)["metadata"]["otter"]["tests"]
    hidden = 0
    for q, tests in question_tests(name, tmp_path).items():
        for case in tests.test_cases:
            if case.hidden:
                hidden += 1
                # its lines, without the doctest prompts, as JSON would store them
                lines = [json.dumps(ln[4:])[1:-1] for ln in case.body.splitlines()]
                shown = [ln for ln in lines if len(ln) > 12 and ln in text]
                assert not shown, f"{name} {q}: hidden test lines show: {shown}"
        public = [c for s in given.get(q, {}).get("suites", []) for c in s["cases"]]
        assert not any(c["hidden"] for c in public)
    assert hidden >= len(autograded(name)), "every question has hidden tests"


@pytest.mark.parametrize("name", NAMES)
def test_every_wrong_answer_fails_its_question(name, tmp_path):
    tests = question_tests(name, tmp_path)
    checked = []
    for question, namespace in answers_in_turn(name):
        assert passes(tests[question], namespace), f"{name}: {question}'s solution"
        answers = wrong_answers(name, question)
        assert answers, f"{name} {question}: no wrong answer in tests/assignments/wrong"
        for path in answers:
            swapped = dict(namespace)
            exec(compile(path.read_text(), str(path), "exec"), swapped)
            assert not passes(tests[question], swapped), f"{path.name} passes"
        checked.append(question)
    assert sorted(checked) == autograded(name)
