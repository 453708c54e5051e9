"""NLU quality on the held-out split, measured with Rasa's own `rasa test nlu` against the
committed model (models/kefu.tar.gz, which `make test` trains first)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bench.nlu_report import fallback_threshold, summary
from kefu.config import ROOT
from kefu.rasa_proc import rasa_binary

# NLU_HOLDOUT_MODEL points the test at another model (e.g. one trained with `rasa train nlu`).
MODEL = Path(os.environ.get("NLU_HOLDOUT_MODEL", ROOT / "models" / "kefu.tar.gz"))
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    if not MODEL.exists():
        pytest.skip(f"{MODEL} missing: `make test` (or `make model`) trains it")
    sources = [ROOT / "config.yml", *(ROOT / "data").rglob("*")]
    newest = max(path.stat().st_mtime for path in sources if path.is_file())
    if MODEL.stat().st_mtime < newest:
        pytest.skip(f"{MODEL} is older than data/ or config.yml: `make model` retrains it")
    if not rasa_binary().exists():
        pytest.skip(".venv-rasa missing: `make install` builds it")
    out = tmp_path_factory.mktemp("nlu-report")
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    cmd = [
        str(rasa_binary()), "test", "nlu", "--nlu", str(HOLDOUT), "--model", str(MODEL),
        "--out", str(out), "--successes",
    ]  # fmt: skip
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return summary(Path(out), fallback_threshold())


@pytest.mark.timeout(1500)
def test_intent_accuracy_overall_and_per_intent(report: dict[str, object]):
    assert report["accuracy"] >= 0.95
    per_intent = report["per_intent"]
    assert isinstance(per_intent, dict)
    weak = {name: row["recall"] for name, row in per_intent.items() if row["recall"] < 0.90}
    assert not weak, f"intents below 90% on the held-out split: {weak}"


@pytest.mark.timeout(1500)
def test_order_id_f1(report: dict[str, object]):
    order_id = report["order_id"]
    assert isinstance(order_id, dict)
    assert order_id.get("support", 0) >= 20, "DIET found no order_id in the held-out split"
    assert order_id["f1-score"] >= 0.95


@pytest.mark.timeout(1500)
def test_out_of_scope_goes_to_fallback_or_out_of_scope(report: dict[str, object]):
    assert report["oos"] >= 60
    assert report["oos_handled"] >= 0.90
