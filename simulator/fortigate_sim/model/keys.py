"""Random SPIs and key material that look like what FortiOS prints.

The values are random per SA (``secrets``), never derived from the PSK, so nothing secret can leak
through them; they only need the right shape: hexadecimal in 8-byte groups joined by ``-`` with a
length that follows the negotiated algorithm (``key: fc443e8594fa5be2-eae13f4db24b4d78`` for
aes128, ``SK_ei: …-…-2069776a`` for aes128gcm with its 4-byte salt).
"""

from __future__ import annotations

import secrets

# Encryption key bytes (and salt bytes for AEAD ciphers) by FortiOS proposal prefix.
_CIPHER = {
    "des": (8, 0), "3des": (24, 0), "aes128": (16, 0), "aes192": (24, 0), "aes256": (32, 0),
    "aria128": (16, 0), "aria192": (24, 0), "aria256": (32, 0), "seed": (16, 0),
    "aes128gcm": (16, 4), "aes256gcm": (32, 4), "chacha20poly1305": (32, 4), "null": (0, 0),
}
_INTEGRITY = {"md5": 16, "sha1": 20, "sha256": 32, "sha384": 48, "sha512": 64, "null": 0}
# ESP names as `diagnose vpn tunnel list` prints them.
_ESP_NAME = {"aes128": "aes", "aes192": "aes", "aes256": "aes", "3des": "3des", "des": "des",
             "aes128gcm": "aes-gcm", "aes256gcm": "aes-gcm", "chacha20poly1305": "chacha20poly1305",
             "aria128": "aria", "aria192": "aria", "aria256": "aria", "seed": "seed", "null": "null"}


def split(proposal: str) -> tuple[str, str]:
    """``aes128-sha256`` -> (``aes128``, ``sha256``); ``aes256gcm`` -> (``aes256gcm``, ``""``)."""
    cipher, _, integrity = proposal.partition("-")
    return cipher, integrity


def is_aead(proposal: str) -> bool:
    return _CIPHER.get(split(proposal)[0], (0, 0))[1] > 0


def display_proposal(proposal: str) -> str:
    """FortiOS shows AEAD IKE proposals without their PRF (``aes128gcm-prfsha256`` -> ``aes128gcm``)."""
    return split(proposal)[0] if is_aead(proposal) else proposal


def hex_groups(nbytes: int) -> str:
    raw = secrets.token_hex(nbytes) if nbytes else ""
    return "-".join(raw[i:i + 16] for i in range(0, len(raw), 16))


def spi64() -> str:
    return secrets.token_hex(8)


def spi32() -> str:
    return secrets.token_hex(4)


def cipher_bytes(proposal: str) -> int:
    key, salt = _CIPHER.get(split(proposal)[0], (16, 0))
    return key + salt


def integrity_bytes(proposal: str) -> int:
    if is_aead(proposal):
        return 0
    return _INTEGRITY.get(split(proposal)[1].replace("prf", ""), 20)


def esp_names(proposal: str) -> tuple[str, str, int, int]:
    """(esp name, ah name, enc key bytes, auth key bytes) for ``diagnose vpn tunnel list``."""
    cipher, integrity = split(proposal)
    return (_ESP_NAME.get(cipher, cipher), integrity or "null", cipher_bytes(proposal),
            integrity_bytes(proposal))


class IkeKeys:
    """Key material of one IKE SA (shared by both ends, as on real units)."""

    def __init__(self, version: int, proposal: str):
        self.spi_i, self.spi_r = spi64(), spi64()
        if version == 1:
            self.lines = [("key", hex_groups(cipher_bytes(proposal)))]
        else:
            enc, integ = cipher_bytes(proposal), integrity_bytes(proposal)
            self.lines = [("SK_ei", hex_groups(enc)), ("SK_er", hex_groups(enc)),
                          ("SK_ai", hex_groups(integ)), ("SK_ar", hex_groups(integ))]


class EspKeys:
    """SPIs and keys of one phase2 SA pair (inbound ``dec`` / outbound ``enc`` per side)."""

    def __init__(self, proposal: str):
        _esp, _ah, enc, auth = esp_names(proposal)
        self.spi_in, self.spi_out = spi32(), spi32()
        self.enc_in, self.enc_out = hex_groups(enc), hex_groups(enc)
        self.auth_in, self.auth_out = hex_groups(auth), hex_groups(auth)
