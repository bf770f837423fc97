"""Placeholder module: ``conftest.py`` collects this file as the suite of course notebooks.

Run only the notebooks with ``pytest tests/test_notebooks.py``, or one of them with
``pytest tests/test_notebooks.py -k 01-mlp``.
"""
