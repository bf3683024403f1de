"""book/_ext/chapter_numbers.py: figures and equations are numbered per chapter."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
from chapter_numbers import page_prefix, renumber  # noqa: E402


def test_a_chapter_numbers_from_its_own_number():
    # Sphinx's book-wide numbers: chapter 6 would open at Fig. 18
    numbers = {
        "notebooks/06_receptive_field": {
            "figure": {"fig-b": (19,), "fig-a": (18,)},
            "displaymath": {"eq-1": (40,), "eq-2": (41,)},
        },
        "book/notation": {"displaymath": {"eq-n": (7,)}},
    }
    renumber(numbers)
    chapter = numbers["notebooks/06_receptive_field"]
    assert chapter["figure"] == {"fig-a": (6, 1), "fig-b": (6, 2)}  # order kept
    assert chapter["displaymath"] == {"eq-1": (6, 1), "eq-2": (6, 2)}
    assert numbers["book/notation"]["displaymath"] == {"eq-n": (1,)}


def test_only_chapter_pages_get_a_prefix():
    assert page_prefix("notebooks/11_transformer") == (11,)
    assert page_prefix("book/part_trees") == ()
    assert page_prefix("notebooks/readme") == ()
