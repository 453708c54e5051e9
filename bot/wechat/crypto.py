"""WeChat's signatures and "safe mode" message encryption (消息加解密).

- Server check and plaintext mode: ``signature = sha1(sorted(token, timestamp, nonce))``.
- Safe mode: ``msg_signature = sha1(sorted(token, timestamp, nonce, encrypt))``; the message is
  AES-256-CBC with key = base64(EncodingAESKey + "="), iv = key[:16], PKCS#7 padding to a
  32-byte block, over ``random(16) + len(msg) (4 bytes, big-endian) + msg + appid``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class WeChatCryptoError(ValueError):
    """A signature did not match, or an encrypted message could not be opened."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 - WeChat's protocol


def check_signature(expected: str, *parts: str) -> bool:
    return bool(expected) and hmac.compare_digest(signature(*parts), expected.lower())


class MessageCrypto:
    def __init__(self, token: str, encoding_aes_key: str, appid: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("WECHAT_AES_KEY (EncodingAESKey) must be 43 characters")
        try:
            self._key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except ValueError as exc:
            raise ValueError("WECHAT_AES_KEY is not valid base64") from exc
        if len(self._key) != 32:
            raise ValueError("WECHAT_AES_KEY must decode to 32 bytes")
        self._token = token
        self._appid = appid

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: str, random16: bytes | None = None) -> str:
        body = message.encode()
        raw = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body
        raw += self._appid.encode()
        pad = BLOCK - len(raw) % BLOCK
        raw += bytes([pad]) * pad
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(raw) + enc.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except ValueError as exc:
            raise WeChatCryptoError("encrypted message is not base64") from exc
        if not data or len(data) % 16:
            raise WeChatCryptoError("encrypted message has a bad length")
        dec = self._cipher().decryptor()
        raw = dec.update(data) + dec.finalize()
        pad = raw[-1]
        if not 1 <= pad <= BLOCK or raw[-pad:] != bytes([pad]) * pad:
            raise WeChatCryptoError("bad padding")
        raw = raw[:-pad]
        if len(raw) < 20:
            raise WeChatCryptoError("encrypted message is too short")
        (length,) = struct.unpack(">I", raw[16:20])
        message, appid = raw[20 : 20 + length], raw[20 + length :]
        if len(message) != length or not hmac.compare_digest(appid, self._appid.encode()):
            raise WeChatCryptoError("appid does not match")
        try:
            return message.decode()
        except UnicodeDecodeError as exc:
            raise WeChatCryptoError("message is not UTF-8") from exc

    def msg_signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        return signature(self._token, timestamp, nonce, encrypted)

    def check(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> bool:
        return check_signature(msg_signature, self._token, timestamp, nonce, encrypted)
