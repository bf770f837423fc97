"""The book's configuration makes execution errors fail the build.

jupyter-book exits 0 after a failed cell unless told otherwise; this builds two one-page books
with the course's own ``_config.yml`` and the flags ``./course book`` uses.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_book  # noqa: E402

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# A page

```{{code-cell}} ipython3
{code}
```
"""


def build(tmp_path: Path, code: str) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    shutil.copytree(ROOT / "_static", tmp_path / "_static")  # the favicon and CSS _config.yml names
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (tmp_path / "index.md").write_text(PAGE.format(code=code), encoding="utf-8")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    return subprocess.run(
        [str(jupyter_book), "build", str(tmp_path), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("code, fails", [('print("fine")', False), ('raise ValueError("a cell that fails")', True)])
def test_a_failing_cell_fails_the_build(tmp_path, code, fails):
    result = build(tmp_path, code)
    assert (result.returncode != 0) == fails, result.stdout[-2000:] + result.stderr[-2000:]


def test_tensorflow_log_lines_are_recognised():
    line = "I0000 00:00:1795264202.926780   17035 cpu_feature_guard.cc:227] This TensorFlow binary is optimized"
    assert build_book.TF_LOG_LINES.search(line)
    assert build_book.TF_LOG_LINES.search("WARNING: All log messages before absl::InitializeLog() is called")
    assert not build_book.TF_LOG_LINES.search("Epoch 1/5 - loss: 0.52")


def test_no_solutions_build_drops_the_solutions_part_only():
    import yaml

    toc_path, config_path = build_book.without_solutions()
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    original = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    captions = [part["caption"] for part in toc["parts"]]
    assert "Solutions" not in captions
    assert captions == [part["caption"] for part in original["parts"] if part["caption"] != "Solutions"]
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    assert "myst.xref_missing" in config["sphinx"]["config"]["suppress_warnings"]
    assert config["execute"]["exclude_patterns"] == ["solutions/*"]
