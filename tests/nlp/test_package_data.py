"""The wheel carries the learned weights: setuptools' package-data patterns must match them."""

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_weights_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["nlp"]
    shipped = [path.relative_to(ROOT / "nlp").as_posix() for path in (ROOT / "nlp").rglob("*.npz")]
    assert shipped == ["models/text.npz"]
    assert all(any(fnmatch.fnmatch(path, pattern) for pattern in patterns) for path in shipped)
