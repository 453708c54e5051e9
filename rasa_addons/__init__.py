"""Code that runs inside the Rasa server (``.venv-rasa``), not in our own environment.

- ``rasa_addons.lang``: an NLU component that tells the customer's language as the ``lang``
  entity, so the ``lang`` slot is set in-process on every message (no action-server round trip).
- ``rasa_addons.patches``: a runtime fix for Rasa 3.6's per-call JSON-schema check of action
  server responses (the largest cost of a Rasa turn on these machines).
- ``python -m rasa_addons <rasa args>``: the ``rasa`` command with the patches applied; this is
  how ``kefu rasa``, ``kefu demo``, the tests and the benchmarks start Rasa.

Nothing here imports our other packages: Rasa's environment does not have their dependencies.
"""
