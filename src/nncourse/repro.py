"""Seeding, so that what a reader runs matches what the text says.

``np.random.seed`` alone does not seed Keras: its weight initialisers, dropout masks and
shuffling draw from their own generators. :func:`set_seed` seeds them all in one call.
What a seed cannot pin down: results on another CPU, another library version, or with
several threads summing floating-point numbers in a different order can still differ in
the last digits, which after many epochs can grow into a visibly different curve.
"""

from __future__ import annotations

import math
import os
import random
import re
import sys

import numpy as np

from nncourse.errors import CourseError

__all__ = ["prose_number", "set_seed"]


def set_seed(seed: int = 42, deterministic_ops: bool = False, keras: bool | None = None) -> None:
    """Seed Python's ``random``, NumPy and Keras/TensorFlow in one call.

    Call it after ``import keras`` and again before each model whose results you compare.

    Args:
        seed: a non-negative whole number.
        deterministic_ops: also ask TensorFlow for deterministic kernels. On a CPU the course's
            notebooks give identical numbers run after run without it (checked by running every
            lesson twice); with it, lesson 4 took about 5% longer (110 s against 105 s on the
            course's 2-core machine), gave the same numbers, and TensorFlow logged warnings about
            its data pipeline. It matters on GPUs, where several common kernels are not
            deterministic by default.
        keras: seed Keras too. By default Keras is seeded when it has been imported already,
            so a notebook that uses only scikit-learn does not pay for importing TensorFlow.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CourseError(f"The seed must be a whole number 0 or above, e.g. set_seed(42); got {seed!r}.")
    seed = int(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    if keras is None:
        keras = "keras" in sys.modules or "tensorflow" in sys.modules
    if not keras:
        return
    try:
        import keras as keras_module
    except ImportError:
        raise CourseError("Keras is not installed, so it cannot be seeded: pip install -r requirements.txt.") from None
    keras_module.utils.set_random_seed(seed)
    if deterministic_ops:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


_NUMBER = re.compile(
    r"(?P<power>10\^\{?(?P<pexp>[-\u2212]?\d+)\}?)"
    r"|(?:(?<![\w.{^])(?P<sign>[-\u2212]))?(?<![A-Za-z_\d.,])(?P<digits>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?:(?P<percent>%)|\\times\s*10\^\{?(?P<exp>[-\u2212]?\d+)\}?)?"
)


def _parse_prose(text: str) -> tuple[float, float, float]:
    """The value a prose phrase states and the interval its rounding allows: (value, low, high).

    The first number in ``text`` counts (digits glued to a letter, as in "L2", are not a number). "about 88%" means 0.875 to 0.885; "about 0.097" means
    0.0965 to 0.0975; "1,437" means 1436.5 to 1437.5; "about $3 \\times 10^{-5}$" means
    2.5e-5 to 3.5e-5; a bare power of ten, "about $10^{-16}$", means its order of magnitude
    (0.5e-16 to 5e-16).
    """
    found = _NUMBER.search(text)
    if found is None:
        raise ValueError(f"no number in the prose phrase {text!r}")
    if found["power"]:
        exponent = int(found["pexp"].replace("\u2212", "-"))
        return 10.0**exponent, 0.5 * 10.0**exponent, 5 * 10.0**exponent
    digits = found["digits"].replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value, half = float(digits), 0.5 * 10.0**-decimals
    if found["sign"]:
        value = -value
    scale = 1.0
    if found["percent"]:
        scale = 0.01
    elif found["exp"] is not None:
        scale = 10.0 ** int(found["exp"].replace("\u2212", "-"))
    return value * scale, (value - half) * scale, (value + half) * scale


def prose_number(value: float, prose: str, low: float | None = None, high: float | None = None) -> float:
    """Fail unless ``value`` is what the phrase ``prose`` of the lesson says it is.

    Lessons call it in hidden cells (tagged ``remove-cell`` and ``prose-check``) right after the
    result a sentence quotes, so a prose number that the output contradicts fails the tests.
    ``prose`` is copied word for word from the lesson (``tests/test_prose_checks.py`` checks it
    is there), and its first number is the one checked. By default the interval comes from the phrase's rounding: "about 88%" accepts
    0.875 <= value < 0.885. Give ``low`` and ``high`` for phrases that are not a rounded number,
    such as "below 10^-4" or "more than ten times".

    Returns the value, so a cell can show it when run by hand.
    """
    value = float(value)
    if low is None or high is None:
        _, parsed_low, parsed_high = _parse_prose(prose)
        low = parsed_low if low is None else low
        high = parsed_high if high is None else high
    # a hair of slack so that a value printed as exactly the boundary is judged as printed
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    if not (math.isfinite(value) and low - slack <= value < high + slack):
        raise AssertionError(f"the lesson says {prose!r} ({low:g} to {high:g}), but the output is {value:.6g}")
    return value
