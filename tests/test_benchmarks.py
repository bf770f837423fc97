"""The benchmark record and the page "Running the course" built from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nncourse import benchmarks

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "benchmarks" / "latest.json"


def _notebooks() -> list[str]:
    return [
        p.relative_to(ROOT).as_posix() for folder in benchmarks.FOLDERS for p in sorted((ROOT / folder).glob("*.md"))
    ]


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.2, "1 s"), (12.4, "12 s"), (89, "89 s"), (95, "about 2 min"), (300, "about 5 min")]
)
def test_format_seconds(seconds, shown):
    assert benchmarks.format_seconds(seconds) == shown


def test_metric_label():
    assert benchmarks.metric_label("test_accuracy", 0.91234) == "test accuracy 0.912"
    assert benchmarks.metric_label("metric_seconds_per_epoch", 12.34) == "seconds per epoch 12.3"
    assert benchmarks.metric_label("metric_images_per_second", 185.2) == "images per second 185"
    assert benchmarks.metric_label("test_loss", 12.6) == "test loss 13"


def test_build_record_names_a_missing_run():
    runs = {"lessons/01-a.md": {"seconds": 3.0, "metrics": {"test_accuracy": 0.9}}}
    record = benchmarks.build_record(runs, ["lessons/01-a.md"])
    assert record["notebooks"]["lessons/01-a.md"] == {"seconds": 3.0, "metrics": {"test_accuracy": 0.9}}
    assert record["total_seconds"] == 3.0
    assert record["machine"]["cores"] >= 1 and "keras" in record["versions"]
    with pytest.raises(ValueError, match="lessons/02-b.md"):
        benchmarks.build_record(runs, ["lessons/01-a.md", "lessons/02-b.md"])


def test_running_page_lists_every_lesson_with_times_and_results(tmp_path):
    (tmp_path / "lessons").mkdir()
    shutil.copy(ROOT / "lessons" / "01-mlp-digits.md", tmp_path / "lessons")
    record = {
        "date": "2026-11-22",
        "machine": {"cpu": "Test CPU", "cores": 2, "memory_gib": 24, "python": "3.11.7"},
        "versions": {"keras": "3.15.1"},
        "total_seconds": 130.0,
        "notebooks": {
            "lessons/01-mlp-digits.md": {"seconds": 95.0, "metrics": {"test_accuracy": 0.956}},
            "exercises/01-mlp-digits.md": {"seconds": 4.2, "metrics": {}},
            "solutions/01-mlp-digits.md": {"seconds": 30.8, "metrics": {}},
        },
    }
    page = benchmarks.running_page(record, tmp_path)
    assert page.startswith("# Running the course")
    row = next(line for line in page.splitlines() if line.startswith("| [1. A first"))
    assert "(lessons/01-mlp-digits.md)" in row
    assert "| about 2 min | 4 s | 31 s | test accuracy 0.956 |" in row
    assert "2 CPU cores (Test CPU), 24 GiB" in page and "keras 3.15.1" in page
    assert "`lessons/01-mlp-digits.md` (about 2 min)" in page


def test_the_committed_record_covers_every_notebook():
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    missing = sorted(set(_notebooks()) - set(record["notebooks"]))
    assert not missing, f"benchmarks/latest.json has no run of {missing}: run ./course test, then scripts/benchmark.py"
    for name, entry in record["notebooks"].items():
        assert entry["seconds"] > 0, name
    assert record["machine"]["cores"] and record["versions"]


def test_the_running_page_is_built_from_the_committed_record():
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    page = (ROOT / "running.md").read_text(encoding="utf-8")
    assert page == benchmarks.running_page(record, ROOT), "running.md is stale: run scripts/benchmark.py"
