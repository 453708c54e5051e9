"""Run a script in Rasa's environment (.venv-rasa) and read the JSON it prints last: how the
tests of ``rasa_addons`` compare a patch with Rasa as released, in Rasa's own process."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from kefu.config import ROOT
from kefu.rasa_proc import rasa_python


def run_in_rasa(script: str, *args: str, stdin: str | None = None, timeout: float = 600) -> Any:
    """``script``'s last line of output, parsed as JSON (the script's failure fails the test)."""
    proc = subprocess.run(
        [str(rasa_python()), "-W", "ignore", "-c", script, *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])
