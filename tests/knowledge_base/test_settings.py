"""The knowledge base reads its configuration from one typed settings object."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from knowledge_base.encoders import UseEncoder, make_encoder
from knowledge_base.settings import KbSettings


def test_kb_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KEFU_KB_METHOD", "fusion")
    monkeypatch.setenv("KEFU_KB_BLAS_THREADS", "2")
    kb = KbSettings()
    assert (kb.method, kb.blas_threads, kb.encoder) == ("fusion", 2, "use-m3")


@pytest.mark.parametrize(("name", "value"), [("METHOD", "fast"), ("BLAS_THREADS", "0")])
def test_a_wrong_kb_setting_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
):
    monkeypatch.setenv(f"KEFU_KB_{name}", value)
    with pytest.raises(ValidationError, match=name.lower()):
        KbSettings()


def test_the_encoder_setting_names_the_encoder(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KEFU_KB_ENCODER", "no-such-encoder")
    with pytest.raises(ValueError, match="unknown encoder 'no-such-encoder'"):
        make_encoder()
    monkeypatch.setenv("KEFU_KB_ENCODER", "use-m3")
    assert isinstance(make_encoder(), UseEncoder)
