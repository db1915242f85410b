"""The README's own-data example works as written."""

import re
from pathlib import Path

import numpy as np

from rnn_tui.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_block(containing: str) -> str:
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    return next(b for b in blocks if containing in b)


def test_own_reviews_example(tmp_path, capsys):
    rng = np.random.default_rng(0)
    lines = []
    for _ in range(200):
        positive = bool(rng.integers(2))
        word = rng.choice(["great", "lovely", "fun"] if positive else ["dull", "awful", "slow"])
        lines.append(f"the film was {word}\t{'pos' if positive else 'neg'}")
    (tmp_path / "reviews.tsv").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "reviews.toml").write_text(readme_block('name = "my-reviews"'), encoding="utf-8")
    assert main(["train", str(tmp_path / "reviews.toml"), "--steps", "150", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "my-reviews" in out and "reached" in out


def test_scenario_reference_block_is_valid(tmp_path):
    (tmp_path / "data").mkdir()
    prices = "date,close\n" + "".join(f"{i},{100 + (i % 11)}\n" for i in range(300))
    (tmp_path / "data" / "prices.csv").write_text(prices, encoding="utf-8")
    (tmp_path / "mine.toml").write_text(readme_block('name = "my-prices"'), encoding="utf-8")
    assert main(["train", str(tmp_path / "mine.toml"), "--steps", "2", "--quiet"]) == 0
