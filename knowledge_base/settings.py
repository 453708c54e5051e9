"""Knowledge-base settings (``KEFU_KB_*`` environment variables, then ``.env``): one typed object
that the action server, the editor and the ``kefu kb`` commands read, instead of each module
reading the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kefu.config import ENV_FILE

Method = Literal["dense", "fusion", "full"]


class KbSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KEFU_KB_", env_file=str(ENV_FILE), env_file_encoding="utf-8", extra="ignore"
    )

    # use-m3 (the multilingual USE that ships its weights), st:<name or path>, or a model directory
    encoder: str = "use-m3"
    # dense = encoder alone; fusion = dense + lexical; full = fusion + the learned layer
    method: Method = "full"
    # BLAS threads for encoding and search: 1 keeps one search from taking every core
    blas_threads: int = Field(default=1, ge=1, le=64)
    # query vectors kept per process (the last N distinct query texts, ~2 KB each); 0 = off
    query_cache: int = Field(default=1024, ge=0, le=1_000_000)
    # use-m3: tokens whose first layer is kept for one-text encodes (13 KB each; 0 = off)
    token_cache: int = Field(default=2048, ge=0, le=1_000_000)
