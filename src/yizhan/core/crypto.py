"""Field encryption (AEAD) and blind indexes for personal data, keyed by settings.YIZHAN_KEYRING.

A token names its algorithm and key id — "a1:<key id>:<data>" (AES-256-GCM) or "s1:<key id>:<data>"
(SM4-GCM) — so rotating keys or switching to 国密 never strands old values: decrypt follows the
token, encrypt follows the ring, and needs_rotation finds the values to re-encrypt.

The field's context string ("person.id_number") is bound in as associated data, so a ciphertext
copied into another field or row type fails to decrypt instead of showing the wrong value.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac as std_hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from yizhan.config import KeyRing

VERSION = "1"
LETTERS = {"aes": "a", "sm": "s"}
ALGORITHMS = {letter: name for name, letter in LETTERS.items()}
NONCE_BYTES = 12  # the GCM standard size: any other length is hashed into one, which costs security
TAG_BYTES = 16
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


class DecryptionError(Exception):
    """A token cannot be decrypted; the Chinese message never contains the plaintext."""


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypts with the active key and configured algorithm, with a fresh random nonce."""
    ring = _ring()
    _check_context(context)
    nonce = os.urandom(NONCE_BYTES)
    key = ring.keys[ring.active]
    sealed = _SEAL[ring.algorithm](key, nonce, plaintext.encode(), context.encode())
    data = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
    return f"{LETTERS[ring.algorithm]}{VERSION}:{ring.active}:{data}"


def decrypt(token: str, *, context: str) -> str:
    """Decrypts with the algorithm and key the token names, whatever the ring now prefers."""
    ring = _ring()
    _check_context(context)
    algorithm, key_id, data = _split(token)
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionError(f"无法解密：密钥“{key_id}”不在当前密钥环中，可能已被移除。")
    # The decoder would silently skip foreign characters; a token is either exact or refused.
    if not _URLSAFE.fullmatch(data):
        raise DecryptionError("无法解密：密文格式不正确。")
    try:
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except binascii.Error:
        raise DecryptionError("无法解密：密文格式不正确。") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("无法解密：密文不完整。")
    try:
        plaintext = _OPEN[algorithm](key, raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except InvalidTag:
        # GCM cannot tell tampering from a wrong context or a wrong key; neither can we.
        raise DecryptionError("无法解密：密文已被改动，或不属于这个字段。") from None
    return plaintext.decode()


def active_key() -> tuple[str, str, bytes]:
    """(algorithm, key id, key) that new values are sealed with; core.files seals whole files."""
    ring = _ring()
    return ring.algorithm, ring.active, ring.keys[ring.active]


def key_named(key_id: str) -> bytes:
    key = _ring().keys.get(key_id)
    if key is None:
        raise DecryptionError(f"无法解密：密钥“{key_id}”不在当前密钥环中，可能已被移除。")
    return key


def seal(algorithm: str, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    return _SEAL[algorithm](key, nonce, data, aad)


def unseal(algorithm: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        return _OPEN[algorithm](key, nonce, sealed, aad)
    except InvalidTag:
        raise DecryptionError("无法解密：密文已被改动，或不属于这个文件。") from None


def needs_rotation(token: str) -> bool:
    """True when the token was not made with the active key id and the configured algorithm."""
    ring = _ring()
    algorithm, key_id, _ = _split(token)
    return key_id != ring.active or algorithm != ring.algorithm


def blind_index(value: str, *, context: str) -> str:
    """A keyed, deterministic digest for exact lookup (64 lowercase hex characters).

    Callers normalise the value first (e.g. idnumber.normalize): only identical strings match.
    The context keeps equal values in different fields from sharing an index, so one column's
    index reveals nothing about another's; the NUL separator keeps (context, value) unambiguous.
    """
    ring = _ring()
    _check_context(context)
    message = f"{context}\x00{value}".encode()
    if ring.algorithm != "sm":
        # The standard library's one-call HMAC: the same HMAC-SHA256, without building a MAC object
        # (a ledger import computes two a row).
        return std_hmac.digest(ring.index_key, message, "sha256").hex()
    mac = hmac.HMAC(ring.index_key, hashes.SM3())
    mac.update(message)
    return mac.finalize().hex()


def _ring() -> KeyRing:
    # Read on every call, not at import: tests override settings and a restart is the only
    # moment a real ring changes, so there is nothing to gain from caching it here.
    ring: KeyRing = settings.YIZHAN_KEYRING
    if ring.algorithm not in LETTERS:
        raise ValueError(f"未知的加密算法“{ring.algorithm}”，可选 aes 或 sm。")
    return ring


def _check_context(context: str) -> None:
    if not context or "\x00" in context:
        raise ValueError("context 必须是非空且不含 NUL 的字段名，如 person.id_number。")


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(":")
    if len(parts) != 3 or len(parts[0]) != 2 or parts[0][1] != VERSION or parts[0][0] not in ALGORITHMS:
        raise DecryptionError("无法解密：这不是本系统生成的密文。")
    return ALGORITHMS[parts[0][0]], parts[1], parts[2]


@functools.lru_cache(maxsize=16)
def _aes(key: bytes) -> AESGCM:
    # Keyed once per key, not per value: the key schedule is the same every time.
    return AESGCM(key)


def _aes_seal(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    return _aes(key).encrypt(nonce, data, aad)


def _aes_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    return _aes(key).decrypt(nonce, sealed, aad)


def _sm4_key(key: bytes) -> bytes:
    # SM4 has a fixed 128-bit key. The ring holds 32-byte keys so that one ring serves both
    # algorithms and switching YIZHAN_CRYPTO needs no new key material; the first 16 bytes of a
    # uniformly random key are themselves a uniformly random 128-bit key.
    return key[:16]


def _sm4_seal(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    encryptor = Cipher(algorithms.SM4(_sm4_key(key)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    ciphertext = encryptor.update(data) + encryptor.finalize()
    return ciphertext + encryptor.tag  # the same layout as AESGCM: ciphertext then 16-byte tag


def _sm4_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    ciphertext, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(_sm4_key(key)), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(ciphertext) + decryptor.finalize()


_SEAL = {"aes": _aes_seal, "sm": _sm4_seal}
_OPEN = {"aes": _aes_open, "sm": _sm4_open}
