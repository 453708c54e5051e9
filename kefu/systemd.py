"""systemd units for production: one template unit per process, rendered for this checkout.

Each unit is a template whose instance is the port (``kefu-gateway@8000.service``), so several
copies of a process run side by side (``kefu-gateway@8000`` and ``kefu-gateway@8001`` behind a
load balancer). systemd restarts a copy that fails (a crash, ``kill -9``, an out-of-memory kill)
after ``RestartSec`` and never gives up; units start after Redis and PostgreSQL when those run
on the same machine. Secrets come from the checkout's ``.env``.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path

from kefu.config import ROOT


@dataclass(frozen=True)
class Process:
    name: str
    description: str
    command: str  # the ``kefu`` sub-command
    port_variable: str
    default_port: int


PROCESSES = (
    Process("gateway", "customer-facing gateway", "gateway", "KEFU_GATEWAY_PORT", 8000),
    Process("staff", "staff console", "staff", "KEFU_STAFF_PORT", 8100),
    Process("rasa", "Rasa server", "rasa", "KEFU_RASA_PORT", 5005),
    Process("actions", "Rasa action server", "actions", "KEFU_ACTIONS_PORT", 5055),
)

UNIT = """\
# Rendered by `kefu systemd` for {root}; render again after moving the checkout.
[Unit]
Description=kefu {description} on port %i
Documentation=file://{root}/README.md
Wants=network-online.target
# Ordered after Redis and PostgreSQL when they run on this machine (no effect otherwise).
After=network-online.target redis-server.service redis.service postgresql.service
StartLimitIntervalSec=0

[Service]
Type=simple
User={user}
WorkingDirectory={root}
EnvironmentFile={root}/.env
Environment={port_variable}=%i
Environment=PYTHONUNBUFFERED=1
UMask=0077
ExecStart={root}/.venv/bin/kefu {command}
Restart=on-failure
RestartSec=2
TimeoutStopSec=30
KillMode=control-group
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=full

[Install]
WantedBy=multi-user.target
"""


def unit_name(process: Process) -> str:
    return f"kefu-{process.name}@.service"


def render_units(root: Path = ROOT, user: str | None = None) -> dict[str, str]:
    """File name → text of every unit, for the checkout at ``root``."""
    owner = user or getpass.getuser()
    return {
        unit_name(p): UNIT.format(
            root=root,
            user=owner,
            description=p.description,
            port_variable=p.port_variable,
            command=p.command,
        )
        for p in PROCESSES
    }


def write_units(out_dir: Path, root: Path = ROOT, user: str | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_units(root, user).items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
