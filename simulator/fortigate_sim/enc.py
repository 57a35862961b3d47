"""Secrets as FortiOS shows them: ``ENC <base64>``, a fresh random blob on every write.

The blob really is an encryption (AES-GCM under a per-lab key kept in the workdir), so the stored
configuration and every view of it hold only ``ENC`` values, while the simulator can still compare
plaintexts (lenient PSK mode, and later the IKE model's PSK match) and honour
``?plain-text-password=1``.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "ENC "


class SecretBox:
    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("lab secret key must be 32 bytes")
        self._aead = AESGCM(key)

    @staticmethod
    def new_key() -> bytes:
        return AESGCM.generate_key(bit_length=256)

    def seal(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        blob = nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), b"fortigate-sim")
        return PREFIX + base64.b64encode(blob).decode("ascii")

    def open(self, enc: str) -> str:
        """Plaintext of an ``ENC`` value; ValueError when it is not one of ours."""
        if not is_enc(enc):
            raise ValueError("not an ENC value")
        try:
            blob = base64.b64decode(enc[len(PREFIX):].strip(), validate=True)
            return self._aead.decrypt(blob[:12], blob[12:], b"fortigate-sim").decode("utf-8")
        except (InvalidTag, ValueError) as exc:
            raise ValueError("ENC value was not produced by this lab") from exc


def is_enc(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)
