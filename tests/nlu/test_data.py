"""The NLU training data and the held-out split, checked without a model: coverage of the
taxonomy per language, no held-out utterance in the training data, and the order_id regex."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from kefu.config import ROOT

NLU = ROOT / "data" / "nlu"
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
UNSEEN = ROOT / "tests" / "nlu" / "unseen.yml"
ANNOTATION = re.compile(r"\[([^\]]+)\]\(([a-z_]+)\)")
MIN_EXAMPLES = {"zh": 40, "zh_hant": 8, "en": 15}
# Intents only a button's payload sends (Rasa reads "/faq_pick{...}" without the NLU): no
# training examples, so the NLU never predicts them from what a customer types.
BUTTON_ONLY = frozenset({"faq_pick"})


def taxonomy() -> list[str]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]


def examples(path: Path) -> list[tuple[str, str]]:
    """(intent, raw example with annotations) for every example in one Rasa NLU file."""
    out = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        if "intent" in block:
            for line in block["examples"].splitlines():
                if line.strip():
                    out.append((block["intent"], line.strip().removeprefix("- ").strip()))
    return out


def training_files() -> list[Path]:
    return sorted(NLU.rglob("*.yml"))


def plain(text: str) -> str:
    """The text Rasa sees: annotations removed, case and spacing normalised."""
    return " ".join(ANNOTATION.sub(r"\1", text).lower().split())


def order_id_pattern() -> re.Pattern[str]:
    for block in yaml.safe_load((NLU / "regex.yml").read_text(encoding="utf-8"))["nlu"]:
        if block.get("regex") == "order_id":
            line = block["examples"].strip().removeprefix("- ")
            return re.compile(line, re.IGNORECASE)
    raise AssertionError("no order_id regex in data/nlu/regex.yml")


@pytest.mark.parametrize("lang", sorted(MIN_EXAMPLES))
def test_every_intent_has_enough_examples_per_language(lang: str):
    counts = Counter(
        intent for path in sorted((NLU / lang).glob("*.yml")) for intent, _ in examples(path)
    )
    short = {
        i: counts[i] for i in taxonomy() if i not in BUTTON_ONLY and counts[i] < MIN_EXAMPLES[lang]
    }
    assert not short, f"{lang}: intents below {MIN_EXAMPLES[lang]} examples: {short}"


def test_training_data_uses_only_taxonomy_intents():
    known = set(taxonomy())
    used = {intent for path in training_files() for intent, _ in examples(path)}
    assert used <= known, used - known
    assert not used & BUTTON_ONLY, used & BUTTON_ONLY


def test_no_holdout_utterance_is_in_the_training_data():
    train = {plain(text) for path in training_files() for _, text in examples(path)}
    held = examples(HOLDOUT)
    leaked = [text for _, text in held if plain(text) in train]
    assert not leaked, f"held-out utterances found in data/nlu: {leaked}"


def test_no_unseen_utterance_is_in_the_training_data():
    """tests/nlu/unseen.yml measures the model on phrasings nobody trained or tuned on."""
    train = {plain(text) for path in training_files() for _, text in examples(path)}
    leaked = [text for _, text in examples(UNSEEN) if plain(text) in train]
    assert not leaked, f"unseen utterances found in data/nlu: {leaked}"


def test_holdout_covers_every_intent_and_out_of_scope():
    counts = Counter(intent for intent, _ in examples(HOLDOUT))
    assert {i for i in taxonomy() if i not in BUTTON_ONLY and counts[i] < 10} == set()
    assert counts["out_of_scope"] >= 60


@pytest.mark.parametrize(
    "text, expected",
    [
        ("订单号是20231120001", "20231120001"),
        ("订单A123456到哪了", "A123456"),
        ("KF2023112000123这单", "KF2023112000123"),
        ("my order is jd20231120881 thanks", "jd20231120881"),
        ("单号2023112012345678", "2023112012345678"),
    ],
)
def test_order_id_regex_finds_our_ids(text: str, expected: str):
    assert [m.group(0) for m in order_id_pattern().finditer(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "手机号13812345678",  # a mainland mobile number is not an order id
        "扣了199块",
        "身高170穿什么码",
        "A1234",  # too short
        "20231120",  # 8 digits
        "12345678901234567",  # 17 digits
    ],
)
def test_order_id_regex_ignores_other_numbers(text: str):
    assert order_id_pattern().search(text) is None


def test_every_annotated_order_id_matches_the_regex():
    pattern = order_id_pattern()
    ids = [
        value
        for path in [*training_files(), HOLDOUT]
        for _, text in examples(path)
        for value, entity in ANNOTATION.findall(text)
        if entity == "order_id"
    ]
    assert len(ids) > 50
    assert [v for v in ids if not pattern.fullmatch(v)] == []
