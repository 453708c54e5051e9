"""Draw the English public-data examples of the NLU training set (data/nlu/en/public.yml).

Sources (see data/nlu/README.md for the licences), from ../shared/datasets:
- Bitext customer support (CDLA-Sharing-1.0): a seeded sample of the intents that map onto our
  taxonomy; Bitext's order numbers are replaced by ids in our format and annotated as order_id.
- CLINC150 (CC-BY-3.0): all of ``oos_train`` plus two ``train`` utterances of every intent of the
  domains a shop does not handle, as out_of_scope negatives. ``oos_test`` and ``test`` are left
  for the held-out split (tests/nlu/holdout.yml), which this script never writes.

Run from the repo root:  .venv/bin/python bench/nlu_public_data.py [--datasets DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "nlu" / "en" / "public.yml"
SEED = 20231120
PER_INTENT = 12
PER_CLINC_INTENT = 2

# Bitext intent -> our intent. track_order and get_refund are left out on purpose: Bitext mixes
# "status" and "where is it" (our check_order_status / track_shipment) and "I want a refund"
# (return or refund state); those are written by hand in data/nlu/en/*.yml.
BITEXT_MAP = {
    "cancel_order": "cancel_order",
    "change_order": "change_order",
    "change_shipping_address": "change_order",
    "track_refund": "check_refund",
    "get_invoice": "request_invoice",
    "check_invoice": "request_invoice",
    "payment_issue": "payment_problem",
    "complaint": "file_complaint",
    "contact_human_agent": "request_human",
    "check_refund_policy": "ask_faq",
    "check_payment_methods": "ask_faq",
    "delivery_options": "ask_faq",
    "delivery_period": "ask_faq",
    "check_cancellation_fee": "ask_faq",
}
PER_SOURCE = {"ask_faq": 6, "change_order": 8, "request_invoice": 8}

# CLINC150 intents that belong to a shop's business (or to our chit-chat intents): never negatives.
CLINC_EXCLUDE = {
    "order_status",
    "order",
    "shopping_list",
    "shopping_list_update",
    "greeting",
    "goodbye",
    "thank_you",
    "are_you_a_bot",
    "what_is_your_name",
    "who_made_you",
    "who_do_you_work_for",
    "what_can_i_ask_you",
    "yes",
    "no",
    "maybe",
    "cancel",
    "repeat",
    "change_language",
    "card_declined",
    "pay_bill",
    "transactions",
    "report_fraud",
    "spending_history",
    "bill_balance",
    "bill_due",
    "min_payment",
    "damaged_card",
    "replacement_card_duration",
    "new_card",
    "report_lost_card",
    "redeem_rewards",
    "rewards_balance",
    "transfer",
    "balance",
}
CLINC_DOMAINS = [
    "kitchen_and_dining",
    "home",
    "auto_and_commute",
    "travel",
    "utility",
    "work",
    "small_talk",
    "meta",
    "banking",
    "credit_cards",
]


# oos utterances that read like a shop's business (an address change, customer service, deals):
# left out rather than taught as negatives.
SHOP_WORDS = re.compile(
    r"customer service|address|deal|order|refund|return|ship|package|parcel|deliver|invoice"
    r"|receipt|purchase|buy|coupon|discount|warranty|repair|fix|complain|charge|paid|payment",
    re.IGNORECASE,
)


def order_id(rng: random.Random) -> str:
    """An id in our format: 11-16 digits (not a mobile number) or 1-3 letters + 5-16 digits."""
    kind = rng.randrange(3)
    if kind == 0:
        return "2023" + "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 12)))
    prefix = rng.choice(["A", "B", "KF", "JD", "TB", "X", "ORD"])
    return prefix + "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 12)))


def clean(text: str) -> str:
    text = " ".join(text.split())
    return text.replace("[", "(").replace("]", ")")


def bitext_examples(path: Path, rng: random.Random) -> dict[str, list[str]]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, list[str]] = {}
    for source, intent in BITEXT_MAP.items():
        candidates = [r for r in rows if r["intent"] == source and "{{" not in r["instruction"]]
        for row in rng.sample(candidates, PER_SOURCE.get(intent, PER_INTENT)):
            text = clean(row["instruction"])
            if row["entity_type"] == "order_id":
                # Bitext's spans sometimes cut a number short; replace whole digit runs.
                text = re.sub(r"\b\d{5,}\b", lambda _: f"[{order_id(rng)}](order_id)", text)
            elif re.search(r"\d{5,}", text):
                continue  # an unannotated number that looks like an id: skip
            out.setdefault(intent, []).append(text)
    return out


def clinc_negatives(data_dir: Path, rng: random.Random) -> list[str]:
    data = json.loads((data_dir / "data_full.json").read_text(encoding="utf-8"))
    domains = json.loads((data_dir / "domains.json").read_text(encoding="utf-8"))
    out = [clean(text) for text, _ in data["oos_train"] if not SHOP_WORDS.search(text)]
    by_intent: dict[str, list[str]] = {}
    for text, intent in data["train"]:
        by_intent.setdefault(intent, []).append(text)
    for domain in CLINC_DOMAINS:
        for intent in domains[domain]:
            if intent not in CLINC_EXCLUDE:
                choices = [t for t in by_intent[intent] if not SHOP_WORDS.search(t)]
                out += [clean(t) for t in rng.sample(choices, PER_CLINC_INTENT)]
    return out


def render(groups: dict[str, list[str]]) -> str:
    lines = [
        'version: "3.1"',
        "# Generated by bench/nlu_public_data.py from Bitext (CDLA-Sharing-1.0) and CLINC150",
        "# (CC-BY-3.0); see data/nlu/README.md. Edit the script, not this file.",
        "nlu:",
    ]
    for intent, examples in groups.items():
        lines += [f"  - intent: {intent}", "    examples: |"]
        seen: set[str] = set()
        for text in examples:
            if text.lower() not in seen:
                seen.add(text.lower())
                lines.append(f"      - {text}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    args = parser.parse_args()
    rng = random.Random(SEED)
    bitext = args.datasets / "bitext-customer-support"
    groups = bitext_examples(bitext / "Bitext_Sample_Customer_Support_Training_Dataset.csv", rng)
    groups["out_of_scope"] = clinc_negatives(args.datasets / "clinc150", rng)
    OUT.write_text(render(groups), encoding="utf-8")
    counts = ", ".join(f"{k}={len(v)}" for k, v in groups.items())
    print(f"wrote {OUT.relative_to(ROOT)}: {counts}")


if __name__ == "__main__":
    main()
