"""Print the NLU figures of a `rasa test nlu --successes` run (the held-out split).

Reads Rasa's own reports in DIR (default results/nlu): intent_report.json,
DIETClassifier_report.json, intent_successes.json and intent_errors.json. Prints per-intent F1,
overall accuracy, order_id F1, and how out-of-scope utterances fare at the FallbackClassifier
threshold of config.yml.

`rasa test nlu` reports each utterance's best intent with the fallback undone, so "handled" for an
out-of-scope utterance means: predicted out_of_scope, or its confidence is below the threshold (the
FallbackClassifier would answer nlu_fallback). The ambiguity threshold only adds fallbacks.

    .venv/bin/python bench/nlu_report.py [DIR] [--sweep]

--sweep prints the trade-off for other thresholds: in-scope utterances answered correctly with
confidence >= t, and out-of-scope utterances handled — how the threshold in config.yml was chosen.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Prediction:
    text: str
    gold: str
    predicted: str
    confidence: float


def fallback_threshold(config: Path = ROOT / "config.yml") -> float:
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"]
    for component in pipeline:
        if component["name"] == "FallbackClassifier":
            return float(component["threshold"])
    raise ValueError(f"no FallbackClassifier in {config}")


def load_predictions(results: Path) -> list[Prediction]:
    out = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = results / name
        if not path.exists():
            raise FileNotFoundError(f"{path} missing: run `rasa test nlu --successes`")
        for row in json.loads(path.read_text(encoding="utf-8")):
            pred = row["intent_prediction"]
            out.append(Prediction(row["text"], row["intent"], pred["name"], pred["confidence"]))
    return out


def oos_handled(predictions: list[Prediction], threshold: float) -> tuple[int, int]:
    oos = [p for p in predictions if p.gold == OUT_OF_SCOPE]
    ok = sum(1 for p in oos if p.predicted == OUT_OF_SCOPE or p.confidence < threshold)
    return ok, len(oos)


def in_scope_confident(predictions: list[Prediction], threshold: float) -> tuple[int, int]:
    ins = [p for p in predictions if p.gold != OUT_OF_SCOPE]
    ok = sum(1 for p in ins if p.predicted == p.gold and p.confidence >= threshold)
    return ok, len(ins)


def summary(results: Path, threshold: float) -> dict[str, object]:
    intents = json.loads((results / "intent_report.json").read_text(encoding="utf-8"))
    entity_report = results / "DIETClassifier_report.json"  # absent when DIET found no entity
    entities = (
        json.loads(entity_report.read_text(encoding="utf-8")) if entity_report.exists() else {}
    )
    predictions = load_predictions(results)
    per_intent = {
        name: row
        for name, row in intents.items()
        if isinstance(row, dict) and "support" in row and not name.endswith(" avg")
    }
    worst = min(per_intent, key=lambda name: per_intent[name]["recall"])
    handled, oos = oos_handled(predictions, threshold)
    confident, ins = in_scope_confident(predictions, threshold)
    return {
        "accuracy": intents["accuracy"],
        "per_intent": per_intent,
        "worst_intent": worst,
        "order_id": entities.get("order_id", {}),
        "oos_handled": handled / oos if oos else 0.0,
        "oos": oos,
        "in_scope_confident": confident / ins if ins else 0.0,
        "threshold": threshold,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", type=Path, default=ROOT / "results" / "nlu")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    threshold = args.threshold if args.threshold is not None else fallback_threshold()
    s = summary(args.results, threshold)
    print(f"{'intent':20s} {'prec':>5s} {'recall':>6s} {'f1':>5s} {'n':>4s}")
    for name, row in sorted(s["per_intent"].items(), key=lambda kv: kv[1]["f1-score"]):
        print(
            f"{name:20s} {row['precision']:5.2f} {row['recall']:6.2f} "
            f"{row['f1-score']:5.2f} {row['support']:4d}"
        )
    worst = s["worst_intent"]
    order_id = s["order_id"]
    print(f"intent accuracy        {s['accuracy']:.3f}")
    print(f"worst intent (recall)  {worst} {s['per_intent'][worst]['recall']:.3f}")
    f1, support = order_id.get("f1-score", 0.0), order_id.get("support", 0)
    print(f"order_id F1 (DIET)     {f1:.3f} (n={support})")
    print(f"fallback threshold     {threshold:.2f}")
    print(f"out-of-scope handled   {s['oos_handled']:.3f} (n={s['oos']})")
    print(f"in-scope confident+ok  {s['in_scope_confident']:.3f}")
    if args.sweep:
        predictions = load_predictions(args.results)
        print("\nthreshold  in-scope-confident-correct  oos-handled  sum")
        for step in range(20, 95, 5):
            t = step / 100
            c, n = in_scope_confident(predictions, t)
            h, m = oos_handled(predictions, t)
            print(f"  {t:.2f}      {c / n:.3f}{'':22s}{h / m:.3f}{'':8s}{c / n + h / m:.3f}")


if __name__ == "__main__":
    main()
