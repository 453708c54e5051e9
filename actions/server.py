"""``kefu actions``: the rasa-sdk action server, bound to 127.0.0.1 unless configured."""

from __future__ import annotations

import os


def main() -> None:
    from rasa_sdk import endpoint
    from rasa_sdk.executor import ActionExecutor

    from actions.settings import ActionSettings
    from kefu.logging import configure_logging
    from kefu.web import check_port_free

    settings = ActionSettings()
    configure_logging("actions", settings.log_level, settings.log_format)
    check_port_free(settings.actions_host, settings.actions_port, "KEFU_ACTIONS_PORT")
    # rasa-sdk reads its bind address from SANIC_HOST and defaults to 0.0.0.0.
    os.environ["SANIC_HOST"] = settings.actions_host
    os.environ.setdefault("ACTION_SERVER_SANIC_WORKERS", "1")
    # Open the knowledge base in the background so the first FAQ question does not wait for
    # the encoder to load.
    import threading

    from actions._services import warm_up

    threading.Thread(target=warm_up, name="kb-warmup", daemon=True).start()
    executor = ActionExecutor()
    executor.register_package("actions")
    endpoint.run(executor, port=settings.actions_port, cors_origins=None)
