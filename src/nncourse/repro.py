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

import numpy as np

from nncourse.errors import CourseError

__all__ = ["set_seed"]


def set_seed(seed: int = 42, deterministic_ops: bool = False) -> int:
    """Seed Python's ``random``, NumPy and, when it is installed, Keras/TensorFlow.

    Args:
        seed: a non-negative whole number.
        deterministic_ops: also ask TensorFlow for deterministic kernels (slower; needed
            only when results must agree to the last digit on one machine).

    Returns:
        The seed, so a notebook can print what it used.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CourseError(f"The seed must be a whole number 0 or above, e.g. set_seed(42); got {seed!r}.")
    seed = int(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    try:
        import keras
    except ImportError:
        return seed
    keras.utils.set_random_seed(seed)
    if deterministic_ops:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    return seed
