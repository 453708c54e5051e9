"""`kefu systemd` renders one unit per process for this checkout, and systemd itself
(``systemd-analyze verify``) accepts every one of them without a warning."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu.config import ROOT
from kefu.systemd import PROCESSES
from kefu_cli.cli import main

ANALYZE = shutil.which("systemd-analyze")


def render(out: Path) -> list[Path]:
    result = CliRunner().invoke(main, ["systemd", "--out", str(out), "--user", "root"])
    assert result.exit_code == 0, result.output
    return sorted(out.glob("kefu-*@.service"))


def test_one_restarting_unit_per_process_for_this_checkout(tmp_path: Path):
    units = render(tmp_path)
    assert [u.name for u in units] == sorted(f"kefu-{p.name}@.service" for p in PROCESSES)
    for process in PROCESSES:
        text = (tmp_path / f"kefu-{process.name}@.service").read_text()
        assert f"ExecStart={ROOT}/.venv/bin/kefu {process.command}\n" in text
        assert f"WorkingDirectory={ROOT}\n" in text
        assert f"EnvironmentFile={ROOT}/.env\n" in text
        assert f"Environment={process.port_variable}=%i\n" in text
        assert "Restart=on-failure\n" in text
        after = next(line for line in text.splitlines() if line.startswith("After="))
        assert "redis-server.service" in after and "postgresql.service" in after


@pytest.mark.skipif(
    ANALYZE is None, reason="systemd-analyze is not installed (apt-get install systemd)"
)
def test_systemd_analyze_verify_accepts_every_unit(tmp_path: Path):
    assert ANALYZE is not None
    instances = []
    for template in render(tmp_path):
        # A template is verified through an instance: the port, as in production.
        port = next(p.default_port for p in PROCESSES if template.name == f"kefu-{p.name}@.service")
        instance = tmp_path / template.name.replace("@.", f"@{port}.")
        instance.symlink_to(template.name)
        instances.append(str(instance))
    result = subprocess.run(
        [ANALYZE, "verify", "--man=no", *instances],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # verify exits 0 on directives it ignores, so its warnings count as failures too.
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "" and result.stdout.strip() == "", result.stderr
