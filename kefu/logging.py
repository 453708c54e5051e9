"""Structured logs for every kefu process (structlog over the standard library).

``console`` renders key=value lines for people (and for `kefu demo`'s prefixed stream);
``json`` renders one JSON object a line for log shippers. Records from libraries that use the
standard ``logging`` module (Sanic, httpx, redis) go through the same renderer. Every record
is masked on the way out (``mask_personal_data``): no phone, ID number or address in a log.
"""

from __future__ import annotations

import logging
import sys

import structlog

from kefu.masking import mask_text

MAX_VALUE_CHARS = 2000  # a log line is no place for a whole transcript


def mask_personal_data(
    _logger: object, _method: str, event: structlog.types.EventDict
) -> structlog.types.EventDict:
    """Logs are stored too: phones, ID numbers and addresses are masked in every text value of
    every record (exception text and tracebacks included), and long values are cut."""
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = mask_text(value[:MAX_VALUE_CHARS])
    return event


def configure_logging(service: str, level: str = "INFO", fmt: str = "console") -> None:
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        mask_personal_data,
    ]
    renderer: structlog.types.Processor
    if fmt == "json":
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    structlog.contextvars.bind_contextvars(service=service)
    for noisy in ("httpx", "httpcore", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)
