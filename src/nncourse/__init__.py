"""Helpers for the Neural Networks course.

Modules, each imported on its own so that ``import nncourse`` stays fast and does not
pull in TensorFlow:

- :mod:`nncourse.data`: the digits and Fashion-MNIST data sets, offline first.
- :mod:`nncourse.plots`: training curves, image grids, confusion matrices.
- :mod:`nncourse.repro`: one call that seeds Python, NumPy and Keras.
- :mod:`nncourse.classroom`: a cold-call picker for instructors.
- :mod:`nncourse.exercises`: self-checking exercise questions, one module per lesson.
- :mod:`nncourse.conv`, :mod:`nncourse.recipes`, :mod:`nncourse.transfer`: lessons 5 to 7's
  convolution by hand, shared training recipes and transfer-learning helpers.
- :mod:`nncourse.imagenet`: EfficientNet-Lite0 with ImageNet weights that need no download
  (read safely by :mod:`nncourse.torchweights`).
- :mod:`nncourse.notebooks`: generates exercise notebooks, Colab copies and the answers file.
- :mod:`nncourse.packs`, :mod:`nncourse.grade`: assignment packs, and grading submitted notebooks.
- :mod:`nncourse.runner`, :mod:`nncourse.benchmarks`: execute each notebook once for the tests, the
  book and the benchmark record.
"""

from nncourse.errors import CourseError

__all__ = ["CourseError", "__version__"]
__version__ = "0.1.0"
