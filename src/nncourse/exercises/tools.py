"""Helpers that the checks of several lessons need, written once.

- :func:`call_learner`: call a learner's function; its error becomes one sentence, a result
  still holding the ``...`` placeholder means "not attempted yet".
- :func:`takes_args`: a learner's function that takes the wrong number of arguments is told the
  form the question defines (``call_learner(..., call="max_pool(feature_map)")`` uses it).
- :func:`model_outputs`: a Keras model's outputs on an array, with a sentence (not a Keras
  traceback) when the model expects inputs of another shape; flat and image-shaped inputs of
  the same size are reshaped to what the model takes.
- :func:`cross_entropy`: the mean cross-entropy of predicted probabilities, binary or multi-class.
- :func:`dense_layers`: the Dense layers of a model, in order.
- :func:`private_copy`: copies of cached arrays, so a check never shares data with the learner.

A History as a dict is :func:`nncourse.exercises.core.expect_history`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nncourse.exercises.core import NotAttempted, Wrong, is_placeholder, non_finite_message, one_line

__all__ = [
    "contains_placeholder",
    "call_learner",
    "takes_args",
    "model_outputs",
    "cross_entropy",
    "dense_layers",
    "dense_activations",
    "history_values",
    "private_copy",
    "is_keras_model",
]


def contains_placeholder(value: Any) -> bool:
    """True when ``value`` is ``...`` or a tuple, list, dict or object array holding one."""
    if is_placeholder(value):
        return True
    if isinstance(value, dict):
        return any(contains_placeholder(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_placeholder(item) for item in value)
    if isinstance(value, np.ndarray) and value.dtype == object:
        return any(contains_placeholder(item) for item in value.ravel())
    return False


def _shown(argument: Any) -> str:
    if isinstance(argument, np.ndarray):
        return f"an array of shape {argument.shape}"
    text = repr(argument)
    return text if len(text) <= 40 else type(argument).__name__


def call_learner(
    function: Callable[..., Any],
    *args: Any,
    name: str = "your function",
    shown: str | None = None,
    call: str | None = None,
) -> Any:
    """Call the learner's ``function(*args)`` and return its result.

    Raises :class:`Wrong` with one line when it fails (``shown`` describes the arguments, e.g.
    ``"x of shape (64,)"``), and :class:`NotAttempted` when its result still holds ``...``.
    ``call`` is how the question defines the function, e.g. ``"max_pool(feature_map)"``: when
    given, a function that cannot take these arguments is told that form instead of a TypeError.
    """
    if not callable(function):
        from nncourse.errors import describe

        raise Wrong(
            f"{name} should be a function, but it is {describe(function)}. Pass the function itself, without brackets."
        )
    if call is not None:
        takes_args(function, len(args), name=name, call=call)
    try:
        with np.errstate(all="ignore"):
            result = function(*args)
    except (Wrong, NotAttempted):
        raise
    except Exception as error:  # noqa: BLE001 - one sentence, never a traceback
        what = shown if shown is not None else ", ".join(_shown(a) for a in args)
        raise Wrong(f"Calling {name}({what}) failed with {one_line(error)}") from None
    if contains_placeholder(result):
        raise NotAttempted(f"{name} still returns the ... placeholder: fill in the lines marked '# Your code here'.")
    return result


def takes_args(function: Callable[..., Any], count: int, name: str = "your function", call: str = "") -> None:
    """Raise :class:`Wrong` naming the expected form ``call`` unless ``function`` accepts ``count`` positional arguments."""
    import inspect

    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # builtins and the like: let the call itself tell
        return
    try:
        signature.bind(*(None,) * count)
    except TypeError:
        raise Wrong(
            f"The check calls {name} with {count} argument{'s' if count != 1 else ''}, but yours is defined as "
            f"{name}{signature}: define it as def {call}: as the question asks."
        ) from None


def is_keras_model(value: Any) -> bool:
    try:
        import keras
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, keras.Model)


def model_outputs(
    model: Any, X: np.ndarray, what: str = "your model", hint: str = "", reshape: bool = True, training: bool = False
) -> np.ndarray:
    """``model``'s outputs on ``X`` as a float array, at inference (or as in training, dropout on, with ``training``).

    When the model's input shape holds as many numbers per example as ``X`` does (a flat row for
    an image model, or the reverse), ``X`` is reshaped (unless ``reshape=False``: the learner's
    own data has this shape, so the model must take it); otherwise the learner gets one sentence
    naming both shapes. Any other failure is summarised in one line.
    """
    X = np.asarray(X)
    try:
        wanted = model.input_shape if getattr(model, "built", True) else None
    except Exception:  # noqa: BLE001 - a model built without keras.Input may not know its input shape
        wanted = None
    if isinstance(wanted, list):
        raise Wrong(f"{what} takes several inputs; this exercise needs one input.")
    per_example = X.shape[1:]
    if wanted is not None:
        shape = tuple(wanted[1:])
        if None not in shape and shape != per_example:
            if reshape and int(np.prod(shape)) == int(np.prod(per_example)):
                X = X.reshape((len(X),) + shape)
            else:
                example = (
                    f"keras.Input(shape={per_example})"
                    if len(per_example) != 1
                    else f"keras.Input(shape=({per_example[0]},))"
                )
                raise Wrong(
                    f"{what} expects inputs of shape {shape} per example, but each example here has shape "
                    f"{per_example}. Start it with {example}.{(' ' + hint) if hint else ''}"
                )
    import keras

    try:
        # Calling the model (not predict) runs eagerly: no tf.function is traced per model checked.
        outputs = model(keras.ops.convert_to_tensor(X.astype("float32")), training=training)
        result = np.asarray(keras.ops.convert_to_numpy(outputs), dtype=float)
    except Exception as error:  # noqa: BLE001
        raise Wrong(f"Running {what} on inputs of shape {X.shape} failed with {one_line(error)}") from None
    if not np.all(np.isfinite(result)):
        raise Wrong(
            non_finite_message(result, f"The output of {what}") + " In a trained network, NaN usually means "
            "training diverged: try a smaller learning rate, or scale the inputs."
        )
    return result


def cross_entropy(probabilities: Any, labels: Any) -> float | None:
    """Mean cross-entropy of predicted probabilities against integer labels.

    ``probabilities`` of shape ``(n,)`` or ``(n, 1)`` are binary (the probability of class 1);
    of shape ``(n, k)`` one probability per class. Returns None when they are not probabilities
    (negative, above 1, or rows that do not sum to 1), e.g. logits. Clipped as Keras clips.
    """
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(labels).astype(int).ravel()
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]
    if p.min() < 0 or p.max() > 1 + 1e-6:
        return None
    eps = 1e-7
    if p.ndim == 1:
        p = np.clip(p, eps, 1 - eps)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    if not np.allclose(p.sum(axis=1), 1, atol=1e-3):
        return None
    picked = np.clip(p[np.arange(len(y)), y], eps, 1.0)
    return float(-np.log(picked).mean())


def dense_layers(model: Any) -> list[Any]:
    """The Dense layers of a Keras model, in order (nested models included)."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found.extend(dense_layers(layer))
    return found


def dense_activations(model: Any) -> list[str]:
    """The activation of each Dense layer of a model, in order, as Keras names it ("relu", "sigmoid", ...).

    A Dense layer without an activation of its own that is followed by an activation layer
    (``layers.Activation("relu")``, ``layers.ReLU()``, ``layers.Softmax()``) counts with that
    layer's activation, so ``Dense(12, activation="relu")`` and ``Dense(12), Activation("relu")`` agree.
    """
    import keras

    def flat(model: Any) -> list[Any]:
        found = []
        for layer in model.layers:
            found.extend(flat(layer) if isinstance(layer, keras.Model) else [layer])
        return found

    def own(layer: Any) -> str:
        activation = layer.get_config().get("activation", "linear")
        return str(activation.get("config", activation) if isinstance(activation, dict) else activation)

    standalone = {keras.layers.ReLU: "relu", keras.layers.Softmax: "softmax"}
    layers, names = flat(model), []
    for index, layer in enumerate(layers):
        if not isinstance(layer, keras.layers.Dense):
            continue
        name = own(layer)
        following = layers[index + 1] if index + 1 < len(layers) else None
        if name == "linear" and following is not None:
            if isinstance(following, keras.layers.Activation):
                name = own(following)
            else:
                name = next((n for kind, n in standalone.items() if isinstance(following, kind)), name)
        names.append(name)
    return names


def history_values(value: Any, what: str = "your history") -> dict[str, list[float]]:
    """Like :func:`nncourse.exercises.core.expect_history`, and a dict of single numbers (what
    ``evaluate(..., return_dict=True)`` returns) gets a sentence instead of a TypeError."""
    from nncourse.exercises.core import expect_history

    data = getattr(value, "history", value)
    if isinstance(data, dict) and any(np.ndim(item) == 0 for item in data.values()):
        raise Wrong(
            f"{what} holds single numbers, not one value per epoch: pass what fit returns "
            "(history = model.fit(...)), not what evaluate returns."
        )
    return expect_history(value, what)


def private_copy(arrays: Any) -> Any:
    """Copies of an array or a tuple of arrays: what a check hands out must not be its own cache."""
    if isinstance(arrays, tuple):
        return (
            type(arrays)(*(private_copy(a) for a in arrays))
            if hasattr(arrays, "_fields")
            else tuple(private_copy(a) for a in arrays)
        )
    if isinstance(arrays, np.ndarray):
        return arrays.copy()
    return arrays
