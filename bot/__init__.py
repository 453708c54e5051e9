"""The gateway: customer channels and routing of each message by the conversation's owner."""

from bot.app import create_app
from bot.routing import IncomingMessage, Outcome, Router
from bot.settings import GatewaySettings

__all__ = ["GatewaySettings", "IncomingMessage", "Outcome", "Router", "create_app"]
