"""Keep APIs that no longer run on TensorFlow 2.21 / Keras 3 / scikit-learn 1.9 out of the course.

Each rule is tested on an example it must catch and one it must let through, so the lint
itself cannot quietly stop working.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = [
    *sorted(p for folder in ("lessons", "exercises", "solutions") for p in (ROOT / folder).glob("*.md")),
    *sorted((ROOT / "src").rglob("*.py")),
    ROOT / "index.md",
    ROOT / "instructors.md",
]

# name: (pattern, what to write instead, an example it must catch, an example it must pass)
RULES = {
    "predict_classes": (
        r"\.predict_classes\(",
        "np.argmax(model.predict(x), axis=1)",
        "model.predict_classes(x)",
        "model.predict(x)",
    ),
    "lr=": (r"(?<![\w.])lr\s*=\s*[\d.]", "learning_rate=", "Adam(lr=0.01)", "Adam(learning_rate=0.01)"),
    "np_utils": (
        r"\bnp_utils\b",
        "keras.utils.to_categorical",
        "from keras.utils import np_utils",
        "keras.utils.to_categorical(y)",
    ),
    "sparse=False": (
        r"\bsparse\s*=\s*False",
        "OneHotEncoder(sparse_output=False)",
        "OneHotEncoder(sparse=False)",
        "OneHotEncoder(sparse_output=False)",
    ),
    "keras.wrappers": (
        r"keras\.wrappers",
        "the scikeras package, or a plain loop",
        "from keras.wrappers.scikit_learn import KerasClassifier",
        "from keras import layers",
    ),
    # On a layer, input_shape= is the Keras 2 way; a keras.applications-style model takes it legitimately.
    "input_shape= on a layer": (
        r"\b(?:Dense|Conv\w*|Flatten|Dropout|Activation|\w*Pooling\w*|LSTM|GRU|SimpleRNN|Embedding|BatchNormalization|Reshape|Rescaling)\([^)]*\binput_shape\s*=",
        "keras.Input(shape=...) as the first layer",
        "layers.Dense(8, activation='relu', input_shape=(4,))",
        "EfficientNetLite0(include_top=False, input_shape=(96, 96, 3))",
    ),
    "positional seaborn x/y": (
        r"\bsns\.\w+\(\s*(?![\w.]+\s*=)[^,()=]+,\s*(?![\w.]+\s*=)[^,()=]+[,)]",
        "keyword arguments: sns.lineplot(x=..., y=...)",
        "sns.lineplot(epochs, losses)",
        "sns.lineplot(x=epochs, y=losses, data=frame)",
    ),
    "h5 model files": (r"\.save\([^)]*\.h5[\"']", "a .keras file", 'model.save("best.h5")', 'model.save("best.keras")'),
    "DataFrame.append": (
        r"\b\w*(df|frame|table)\w*\.append\(",
        "pd.concat([...])",
        "results_df.append(row)",
        "pd.concat([a, b])",
    ),
    "TF_ENABLE_ONEDNN_OPTS": (
        r"TF_ENABLE_ONEDNN_OPTS",
        "nothing: oneDNN doubles CPU speed",
        'os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"',
        "import os",
    ),
    "fit_generator": (
        r"\.(fit|evaluate|predict)_generator\(",
        "model.fit(dataset)",
        "model.fit_generator(gen)",
        "model.fit(gen)",
    ),
}


@pytest.mark.parametrize("name", RULES)
def test_rule_catches_its_example(name):
    pattern, _, bad, good = RULES[name]
    assert re.search(pattern, bad), f"rule {name} misses {bad!r}"
    assert not re.search(pattern, good), f"rule {name} flags the correct {good!r}"


def _code_lines(path: Path):
    """Lines that are code: all of a .py file, the code cells and code blocks of a .md file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        yield from enumerate(text.splitlines(), 1)
        return
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            inside = not inside
            continue
        if inside:
            yield number, line


def test_no_outdated_apis_in_the_course():
    assert len(SCANNED) > 5
    problems = []
    for path in SCANNED:
        if path == Path(__file__):
            continue
        for number, line in _code_lines(path):
            for name, (pattern, instead, _, _) in RULES.items():
                if re.search(pattern, line):
                    problems.append(
                        f"{path.relative_to(ROOT)}:{number}: {name} no longer works; use {instead}:  {line.strip()}"
                    )
    assert not problems, "\n".join(problems)


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    ruff = Path(sys.executable).parent / "ruff"
    command = [str(ruff)] if ruff.exists() else [sys.executable, "-m", "ruff"]
    return subprocess.run([*command, *args, "src", "tests", "scripts"], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint_is_clean():
    done = _ruff("check", "--output-format", "concise")
    assert done.returncode == 0, (
        f"ruff found problems (fix them, or run `.venv/bin/ruff check --fix`):\n{done.stdout[-4000:]}"
    )


def test_ruff_format_is_applied():
    done = _ruff("format", "--check")
    assert done.returncode == 0, (
        f"not formatted (run `.venv/bin/ruff format src tests scripts`):\n{done.stdout[-4000:]}"
    )
