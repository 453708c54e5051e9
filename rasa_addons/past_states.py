"""The ``past_states`` patch: the tracker's history replayed once per prediction, not once per
policy call.

``Domain.states_for_tracker_history`` (what ``tracker.past_states`` returns, what every policy's
featurizer asks for) replays the whole conversation with ``generate_all_prior_trackers`` — a
copy of the slots for each prior tracker — and reads each prior tracker's state. In one
prediction MemoizationPolicy asks for it once and RulePolicy twice (rules from the text, then
from the intent), each with the same tracker and domain; the replay was most of RulePolicy's
share of the Rasa server's CPU (issue 17's profile, bench/README.md).

What the replay yields is kept on the tracker (``_kefu_prior_states``), keyed by its events
(their number and the last one's identity) and the domain: a tracker that gets another event is
replayed again. Per prior tracker the patch keeps exactly what Rasa's loop reads (the rule-turn
flag, the follow-up and loop checks, the previous action, the active state) and runs Rasa's own
loop on it, on fresh copies, so the states are the same for every combination of arguments
(``tests/rasa_addons/test_past_states.py`` compares them on every story and rule of the model's
training data, both ways).

Imports only Rasa and the standard library.
"""

from __future__ import annotations

from typing import Any

# Replays made by the patched function (for the tests: the cache must save some).
replays = 0

_ATTRIBUTE = "_kefu_prior_states"


def _fresh(state: dict[str, Any]) -> dict[str, Any]:
    """A copy of a state that Rasa may change: each sub-state a new dict (their values are
    strings and tuples)."""
    return {name: dict(sub) if isinstance(sub, dict) else sub for name, sub in state.items()}


def _prior_states(domain: Any, tracker: Any, omit_unset_slots: bool) -> list[tuple[Any, ...]]:
    global replays
    events = tracker.events
    key = (len(events), id(events[-1]) if events else None, id(domain), omit_unset_slots)
    cached = tracker.__dict__.get(_ATTRIBUTE)
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    replays += 1
    found = []
    for prior, hide_rule_turn in tracker.generate_all_prior_trackers():
        previous_action = domain._get_prev_action_sub_state(prior)
        # Rasa's test: not a follow-up action, and not the active loop's own turn
        may_hide = not prior.followup_action and prior.latest_action_name != prior.active_loop_name
        found.append(
            (
                hide_rule_turn,
                may_hide,
                dict(previous_action) if isinstance(previous_action, dict) else previous_action,
                _fresh(domain.get_active_state(prior, omit_unset_slots=omit_unset_slots)),
            )
        )
    tracker.__dict__[_ATTRIBUTE] = (key, found)
    return found


def states_for_tracker_history(
    self: Any,
    tracker: Any,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Rasa 3.6.21's ``Domain.states_for_tracker_history`` on the kept replay."""
    from rasa.shared.core.constants import PREVIOUS_ACTION

    states: list[dict[str, Any]] = []
    last_ml_action_sub_state = None
    turn_was_hidden = False
    for hide_rule_turn, may_hide, previous_action, active_state in _prior_states(
        self, tracker, omit_unset_slots
    ):
        if ignore_rule_only_turns:
            # Rasa's comments: remember the previous ML action from the last turn not hidden;
            # a follow-up action or a loop's happy path keeps the turn's hidden flag.
            if not turn_was_hidden:
                last_ml_action_sub_state = previous_action
            if may_hide:
                turn_was_hidden = hide_rule_turn
            if turn_was_hidden:
                continue
        state = _fresh(active_state)
        if ignore_rule_only_turns:
            self._remove_rule_only_features(state, rule_only_data)
            if states:
                self._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action_sub_state:
                state[PREVIOUS_ACTION] = dict(last_ml_action_sub_state)
        states.append(self._clean_state(state))
    return states


def patch_past_states() -> None:
    from rasa.shared.core.domain import Domain

    Domain.states_for_tracker_history = states_for_tracker_history
