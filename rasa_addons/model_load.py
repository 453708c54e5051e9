"""The ``model_load`` patch: load DIET's weights without one training step first.

Rasa 3.6's ``RasaModel.load`` builds a model's weights by *training it on one example*
(``model.fit``), then overwrites them with the saved ones and runs one prediction to trace the
inference graph. ``fit`` traces the whole training graph (forward pass, gradients, Adam) only to
create variables; measured at 22.5 of the Rasa server's 30 s of CPU to start, on this project's
model (bench/README.md, issue 17).

Here the saved weights are read first (TensorFlow's object-based checkpoints restore a variable
when the layer creates it) and the one prediction that Rasa runs anyway creates exactly the
variables prediction needs, already restored, before it traces the inference graph. Parts that
only training uses (the optimizer's slots, training-only losses) stay unread in the checkpoint,
which ``expect_partial`` says is intended. Predictions are the same to the last bit
(tests/rasa_addons). A model loaded for fine-tuning, or without an example to predict on, is
loaded as Rasa does.
"""

from __future__ import annotations

from typing import Any


def _load(original: Any) -> Any:
    def load(
        cls: Any,
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if finetune_mode or predict_data_example is None:
            return original(
                cls,
                model_file_name,
                model_data_example,
                predict_data_example,
                finetune_mode,
                *args,
                **kwargs,
            )
        import tensorflow as tf
        from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY

        model = cls(*args, **kwargs)
        config = kwargs.get("config", {})
        # As Rasa does (an optimizer keeps the model's compiled state the same); no step runs.
        model.compile(
            optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
            run_eagerly=config.get(RUN_EAGERLY),
        )
        status = model.load_weights(model_file_name)
        if status is not None:  # a TensorFlow checkpoint (what Rasa saves); HDF5 returns None
            status.expect_partial()
        # Creates the prediction's variables (restored as they are made), computes the label
        # embeddings from the loaded weights and traces the inference graph once.
        model.run_inference(predict_data_example)
        return model

    load.__wrapped__ = original  # type: ignore[attr-defined]
    return load


def patch_model_load() -> None:
    from rasa.utils.tensorflow.models import RasaModel

    RasaModel.load = classmethod(_load(RasaModel.load.__func__))
