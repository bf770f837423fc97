"""Seeding, so that what a reader runs matches what the text says.

``np.random.seed`` alone does not seed Keras: its weight initialisers, dropout masks and
shuffling draw from their own generators. :func:`set_seed` seeds them all in one call.
What a seed cannot pin down: results on another CPU, another library version, or with
several threads summing floating-point numbers in a different order can still differ in
the last digits, which after many epochs can grow into a visibly different curve.
"""

from __future__ import annotations

import os
import random
import sys

import numpy as np

from nncourse.errors import CourseError

__all__ = ["set_seed"]


def set_seed(seed: int = 42, deterministic_ops: bool = False, keras: bool | None = None) -> None:
    """Seed Python's ``random``, NumPy and Keras/TensorFlow in one call.

    Call it after ``import keras`` and again before each model whose results you compare.

    Args:
        seed: a non-negative whole number.
        deterministic_ops: also ask TensorFlow for deterministic kernels (slower; needed
            only when results must agree to the last digit on one machine).
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
