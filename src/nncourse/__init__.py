"""Helpers for the Neural Networks course.

Modules, each imported on its own so that ``import nncourse`` stays fast and does not
pull in TensorFlow:

- :mod:`nncourse.data`: the digits and Fashion-MNIST data sets, offline first.
- :mod:`nncourse.plots`: training curves, image grids, confusion matrices.
- :mod:`nncourse.repro`: one call that seeds Python, NumPy and Keras.
- :mod:`nncourse.classroom`: a cold-call picker for instructors.
- :mod:`nncourse.exercises`: self-checking exercise questions, one module per lesson.
- :mod:`nncourse.notebooks`: generates exercise notebooks, Colab copies and assignment packs.
"""

from nncourse.errors import CourseError

__all__ = ["CourseError", "__version__"]
__version__ = "0.1.0"
