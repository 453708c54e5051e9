"""The ``graph_runner`` patch: Rasa's model graph run in a fixed order, without dask.

Rasa 3.6 runs its model as a graph of components (``DaskGraphRunner``): every message's NLU
parse is one run (tokenizer → featurizers → DIET → …), and so is every action prediction (the
policies and their ensemble; a turn makes two to four). Each run recomputed the minimal schema
for its targets (a recursive walk of every node's needs), built a dask graph from it and handed
it to ``dask.get``, whose synchronous scheduler orders the graph and keeps its ready/waiting
book-keeping task by task. In py-spy of the Rasa server (issue 17, bench/README.md) the
scheduler around the nodes was ~5 % of the server's samples.

Here the order of the nodes a run needs is computed once per set of targets and input names (a
depth-first walk of the same minimal schema: every node after the nodes it needs) and the run
calls the same ``GraphNode`` objects in that order, passing each what dask passed it: the
``(name, output)`` of each node it needs, the ``(name, value)`` of an input, or the bare name of
a need that is neither (``GraphNode`` logs and skips it, as before). The nodes are Rasa's
components and their outputs are Rasa's; the result is the same ``{target: output}`` dict
(``tests/rasa_addons/test_graph_runner.py`` compares parses and predictions both ways).

Imports only Rasa and the standard library.
"""

from __future__ import annotations

import logging
from typing import Any

# Runs that went through the patched path (tests check it ran).
runs = 0

_PLANS = "_kefu_plans"


def _plan(
    runner: Any, targets: list[str], input_names: tuple[str, ...]
) -> tuple[frozenset[str], list[Any]]:
    """The names of the run's graph (its minimal schema), and the nodes the run calls, each
    after the nodes it needs: ``[(name, graph_node, needed names), ...]``."""
    schema = runner._graph_schema.minimal_graph_schema(targets)
    nodes = runner._instantiated_nodes
    order: list[str] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        # An input replaces a node of the same name, as it does in the dask graph.
        if name in placed or name in input_names or name not in schema.nodes:
            return
        placed.add(name)
        for need in schema.nodes[name].needs.values():
            place(need)
        order.append(name)

    for name in schema.nodes:
        place(name)
    calls = [(name, nodes[name], tuple(schema.nodes[name].needs.values())) for name in order]
    return frozenset(schema.nodes), calls


def run(
    self: Any,
    inputs: dict[str, Any] | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """Rasa 3.6.21's ``DaskGraphRunner.run`` on a kept order of its nodes."""
    global runs
    from rasa.engine.exceptions import GraphRunError

    run_targets = targets if targets else self._graph_schema.target_names
    input_names = tuple(inputs) if inputs else ()
    key = (tuple(run_targets), input_names)
    plans = self.__dict__.setdefault(_PLANS, {})
    found = plans.get(key)
    if found is None:
        found = plans[key] = _plan(self, run_targets, input_names)
    graph_names, plan = found
    values: dict[str, Any] = {}
    for input_name, input_value in (inputs or {}).items():
        # Rasa's check: an input whose value names a node of the run's graph (or an input
        # added before it)
        if isinstance(input_value, str) and (input_value in graph_names or input_value in values):
            raise GraphRunError(
                f"Input value '{input_value}' clashes with a node name. Make sure "
                f"that none of the input names passed to the `run` method are the "
                f"same as node names in the graph schema."
            )
        values[input_name] = (input_name, input_value)
    log = logging.getLogger("rasa.engine.runner.dask")
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            f"Running graph with inputs: {inputs}, targets: {targets} "
            f"and {self._execution_context}."
        )
    try:
        for name, node, needs in plan:
            values[name] = node(*[values.get(need, need) for need in needs])
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
    runs += 1
    return dict(values[target] for target in run_targets)


def patch_graph_runner() -> None:
    from rasa.engine.runner.dask import DaskGraphRunner

    DaskGraphRunner.run = run
