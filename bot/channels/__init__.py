"""Customer channels: each turns its protocol into ``bot.routing.IncomingMessage`` and back."""
