"""Logs hold no personal data: whatever a record carries (fields, exception text, traceback)
is masked on the way out, at every level."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from kefu.logging import configure_logging, get_logger

PHONE, ID_NUMBER = "13812345678", "110101199003071234"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_error_records_carry_no_phone_or_id_number(
    capsys: pytest.CaptureFixture[str], restore_logging: None, fmt: str
) -> None:
    configure_logging("test", "INFO", fmt)
    log = get_logger("kefu.test")
    said = f"我的手机{PHONE}，身份证{ID_NUMBER}"
    try:
        raise ValueError(f"cannot parse {said!r}")
    except ValueError as exc:
        log.exception("turn failed", error=repr(exc))
    log.error("rasa unavailable", text=said)
    logging.getLogger("sanic.error").error("library record: %s", said)  # stdlib loggers too
    err = capsys.readouterr().err
    assert "turn failed" in err and "library record" in err
    assert PHONE not in err and ID_NUMBER not in err
    assert "138****5678" in err and "1101**********1234" in err
