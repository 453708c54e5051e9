"""The ``diet_predict`` patch: DIET's inference graph called as the traced concrete function.

Rasa 3.6's ``RasaModel._rasa_predict`` calls a ``tf.function`` made with a fixed
``input_signature``. Each call goes through the polymorphic function's dispatch: the nested
batch is canonicalised against the signature and the trace cache looked up, before the one
concrete function that signature allows runs. In py-spy of the Rasa server (issue 17) that
dispatch was as much CPU as running the graph itself; measured per parsed message on this
project's model: ~10.9 → ~10.0 ms of CPU for the whole NLU parse (bench/README.md).

Here the concrete function is taken once from the traced ``tf.function`` (the signature allows
exactly one) and called with the batch flattened as the signature flattens it. The graph, the
weights and the output handling are Rasa's: predictions are identical (tests/rasa_addons).
The first call (which traces) and eager mode stay Rasa's own path.
"""

from __future__ import annotations

from typing import Any

# How many predictions went through the concrete function (tests check the patched path ran).
calls = 0


def _rasa_predict(original: Any) -> Any:
    def rasa_predict(self: Any, batch_in: Any) -> Any:
        global calls
        step = self._tf_predict_step
        if step is None or self._run_eagerly or not self.prepared_for_prediction:
            return original(self, batch_in)  # traces the graph (or runs eagerly), as Rasa does
        import tensorflow as tf
        from keras.utils import tf_utils
        from rasa.shared.constants import DIAGNOSTIC_DATA

        found = self.__dict__.get("_kefu_concrete_predict")
        if found is None:
            concrete = step.get_concrete_function()  # the input signature allows only this one
            specs = tf.nest.flatten(concrete.structured_input_signature, expand_composites=True)
            found = self.__dict__["_kefu_concrete_predict"] = (concrete, specs)
        concrete, specs = found
        values = tf.nest.flatten(batch_in, expand_composites=True)
        if len(values) != len(specs):
            return original(self, batch_in)  # not what the signature takes: Rasa's error
        self._training = False
        # Converted to the signature's dtypes, as the tf.function's dispatch converts them.
        flat = [tf.convert_to_tensor(v, dtype=s.dtype) for v, s in zip(values, specs, strict=True)]
        outputs = tf_utils.sync_to_numpy_or_python_type(
            concrete._call_flat(flat, concrete.captured_inputs)
        )
        if DIAGNOSTIC_DATA in outputs:
            outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
        calls += 1
        return outputs

    rasa_predict.__wrapped__ = original  # type: ignore[attr-defined]
    return rasa_predict


def patch_diet_predict() -> None:
    from rasa.utils.tensorflow.models import RasaModel

    RasaModel._rasa_predict = _rasa_predict(RasaModel._rasa_predict)
