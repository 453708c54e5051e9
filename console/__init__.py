"""The staff console application: login and accounts, the agent page and its WebSocket, the
queue and conversation API for staff, the internal handoff API, with the knowledge-base editor
mounted (``create_app(settings)``; run by ``kefu staff``)."""

from console.app import create_app
from console.settings import StaffSettings

__all__ = ["StaffSettings", "create_app"]
