"""Build the website, executing every notebook, and fail on anything a reader should not see.

Called by ``./course book``. Steps:

1. ``jupyter-book build`` with warnings as errors (``-W -n --keep-going``); a cell that raises
   fails the build (``nb_execution_raise_on_error`` in ``_config.yml``).
2. Afterwards the HTML is searched for execution-error reports and for TensorFlow's start-up
   log lines, which must never reach a page.
3. It says how many notebooks the build executed and how many it took from the execution cache
   that ``./course test`` fills (see ``nncourse.runner``). With ``NNCOURSE_EXPECT_CACHED=1`` (set by
   ``.ci/run`` after the tests) a build that executes any notebook fails: each notebook is
   executed once.

``--no-solutions`` builds the site without the solution pages, for instructors who do not want
a public answer key: the Solutions part is left out of the table of contents, and links to
solution pages from other pages become plain text.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from nncourse import runner

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
TF_LOG_LINES = re.compile(
    r"cpu_feature_guard|absl::InitializeLog|oneDNN custom operations|TF_ENABLE_ONEDNN_OPTS|"
    r"Unable to register cu(DNN|FFT|BLAS) factory|Could not find cuda drivers"
)


def without_solutions() -> tuple[Path, Path]:
    """Write a table of contents and a configuration for a build with no solution pages."""
    out = ROOT / "_build" / "no-solutions"
    out.mkdir(parents=True, exist_ok=True)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    toc["parts"] = [part for part in toc.get("parts", []) if not part.get("caption", "").lower().startswith("solution")]
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["suppress_warnings"] = [*sphinx_config.get("suppress_warnings", []), "myst.xref_missing"]
    config["execute"]["exclude_patterns"] = ["solutions/*"]
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return out / "_toc.yml", out / "_config.yml"


def problems_in_html() -> list[str]:
    found = []
    for page in sorted(HTML.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        if TF_LOG_LINES.search(text):
            found.append(
                f"TensorFlow start-up log lines on {page.relative_to(ROOT)} (tag the import cell remove-stderr)"
            )
    reports = HTML / "reports"
    if reports.is_dir():
        for log in sorted(reports.rglob("*.err.log")):
            found.append(f"a notebook failed to execute: {log.relative_to(ROOT)}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-solutions", action="store_true", help="leave the solution pages out of the site")
    args, extra = parser.parse_known_args()
    jupyter_book = str(Path(sys.executable).parent / "jupyter-book")
    command = [jupyter_book, "build", str(ROOT), "-W", "-n", "--keep-going", *extra]
    if args.no_solutions:
        # A full site may be in _build/html already: start clean so no solution page is left over.
        subprocess.run([jupyter_book, "clean", str(ROOT)], check=True, capture_output=True)
        toc, config = without_solutions()
        command += ["--toc", str(toc), "--config", str(config)]
    cache = runner.cache_dir(ROOT)
    before = runner.cache_keys(cache)
    started = time.perf_counter()
    build = subprocess.run(command, cwd=ROOT)
    seconds = time.perf_counter() - started
    executed = len(runner.cache_keys(cache) - before)
    problems = problems_in_html() if HTML.is_dir() else ["no HTML was written"]
    print(f"\nnotebooks executed by this build: {executed} (the others came from the execution cache)")
    if executed and os.environ.get("NNCOURSE_EXPECT_CACHED") == "1":
        problems.append(
            f"the build executed {executed} notebook(s) that the test run should have executed and cached "
            "(NNCOURSE_EXPECT_CACHED=1): the hand-off from ./course test to ./course book is broken"
        )
    if args.no_solutions and (HTML / "solutions").exists():
        problems.append("solution pages were built although --no-solutions was given")
    if build.returncode != 0:
        problems.insert(0, f"jupyter-book exited with status {build.returncode} (see the messages above)")
    print(f"\nbook build took {seconds:.0f} s")
    if problems:
        print("The build FAILED:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"The website is ready: open {HTML / 'index.html'} in a browser.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
