"""The ``nncourse`` command: keep generated files in sync, build assignment packs, grade submissions.

nncourse generate            write exercise notebooks, Colab copies and exercises/answers.json if out of date
nncourse generate --check    only report them; exit 1 if any is out of date (for CI)
nncourse pack 1 3 --out packs/week1 [--title "Week 1"]
nncourse grade submissions/ --lesson 1 --out grades/week1 [-j 2] [--roster roster.csv]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nncourse.errors import CourseError


def _root(path: str | None) -> Path:
    root = Path(path or ".").resolve()
    if not (root / "_config.yml").is_file():
        raise CourseError(
            f"{root} is not the course's root folder (no _config.yml there); run from the repository root or pass --root."
        )
    return root


def main(argv: list[str] | None = None) -> int:
    from nncourse import notebooks

    parser = argparse.ArgumentParser(
        prog="nncourse", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", help="the repository root (default: the current folder)")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser(
        "generate", help="write exercise notebooks, Colab .ipynb copies and the answers solution() shows"
    )
    generate.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is out of date")
    pack = commands.add_parser("pack", help="write an assignment pack for some lessons")
    pack.add_argument("lessons", nargs="+", help="lesson numbers or file stems, e.g. 1 3")
    pack.add_argument("--out", required=True, help="folder to write the pack into")
    pack.add_argument("--title", default="Assignment", help="the pack's title")
    grade = commands.add_parser("grade", help="grade students' exercise notebooks with the course's checks")
    grade.add_argument("submissions", nargs="+", help="submitted notebooks (.ipynb or .md), or folders of them")
    grade.add_argument("--lesson", type=int, required=True, help="the lesson whose exercises these are")
    grade.add_argument("--out", required=True, help="folder for gradebook.csv, feedback/ and summary.md")
    grade.add_argument("-j", "--jobs", type=int, default=1, help="grade this many notebooks at a time (default 1)")
    grade.add_argument("--timeout", type=float, default=300, help="seconds each notebook may run (default 300)")
    grade.add_argument("--memory", type=float, default=4, help="memory limit per notebook in GB (default 4)")
    grade.add_argument("--roster", help="roster file (one name a line): names are matched in the file names")
    grade.add_argument("--no-sandbox", action="store_true", help="run without the bubblewrap sandbox")
    args = parser.parse_args(argv)
    try:
        root = _root(args.root)
        if args.command == "generate":
            if args.check:
                stale = notebooks.out_of_date(root)
                for path in stale:
                    print(f"out of date: {path.relative_to(root)}")
                if stale:
                    print("Run `nncourse generate` and commit the result.")
                return 1 if stale else 0
            for path in notebooks.write_generated(root):
                print(f"wrote {path.relative_to(root)}")
            return 0
        if args.command == "grade":
            from nncourse.grade import main_grade

            return main_grade(
                root, args.submissions, args.lesson, args.out, jobs=args.jobs, timeout=args.timeout,
                memory_gb=args.memory, roster=args.roster, no_sandbox=args.no_sandbox,
            )  # fmt: skip
        from nncourse.packs import write_pack

        index = write_pack(root, args.lessons, args.out, args.title)
        print(f"wrote {index}")
        return 0
    except CourseError as error:
        print(f"nncourse: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
