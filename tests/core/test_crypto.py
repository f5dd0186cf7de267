import base64
import hashlib
import hmac
import os
import re

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from yizhan.config import KeyRing
from yizhan.core.crypto import DecryptionError, blind_index, decrypt, encrypt, needs_rotation

OLD_KEY = bytes(range(32))
NEW_KEY = bytes(range(32, 64))
INDEX_KEY = bytes(range(64, 96))
CONTEXT = "person.id_number"
SECRET = "11010519491231002X"


def ring(algorithm: str = "aes", *, active: str = "k1", keys: dict[str, bytes] | None = None) -> KeyRing:
    return KeyRing(keys=keys or {"k1": OLD_KEY}, active=active, index_key=INDEX_KEY, algorithm=algorithm)


@pytest.fixture(params=["aes", "sm"])
def algorithm(request, settings):
    settings.YIZHAN_KEYRING = ring(request.param)
    return request.param


def payload(token: str) -> bytes:
    data = token.split(":")[2]
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def test_a_value_decrypts_to_what_was_encrypted(algorithm):
    assert decrypt(encrypt(SECRET, context=CONTEXT), context=CONTEXT) == SECRET


@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plaintext=st.text())
def test_any_text_survives_the_round_trip(algorithm, plaintext):
    assert decrypt(encrypt(plaintext, context=CONTEXT), context=CONTEXT) == plaintext


def test_the_token_is_ascii_and_names_algorithm_and_key(algorithm):
    token = encrypt(SECRET, context=CONTEXT)
    letter = {"aes": "a", "sm": "s"}[algorithm]
    assert re.fullmatch(rf"{letter}1:k1:[A-Za-z0-9_-]+", token)
    # nonce + ciphertext (same length as the plaintext) + tag
    assert len(payload(token)) == 12 + len(SECRET) + 16


def test_an_aes_token_is_standard_aes_256_gcm_with_the_context_as_associated_data(settings):
    settings.YIZHAN_KEYRING = ring("aes")
    raw = payload(encrypt(SECRET, context=CONTEXT))
    assert AESGCM(OLD_KEY).decrypt(raw[:12], raw[12:], CONTEXT.encode()) == SECRET.encode()


def test_an_sm_token_is_sm4_gcm_under_the_first_16_key_bytes(settings):
    settings.YIZHAN_KEYRING = ring("sm")
    raw = payload(encrypt(SECRET, context=CONTEXT))
    nonce, ciphertext, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(OLD_KEY[:16]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(CONTEXT.encode())
    assert decryptor.update(ciphertext) + decryptor.finalize() == SECRET.encode()


def test_the_same_value_encrypts_differently_each_time(algorithm):
    tokens = {encrypt(SECRET, context=CONTEXT) for _ in range(20)}
    assert len(tokens) == 20
    assert len({payload(token)[:12] for token in tokens}) == 20


def test_the_plaintext_never_appears_in_the_token(algorithm):
    token = encrypt(SECRET, context=CONTEXT)
    assert SECRET not in token
    assert SECRET.encode() not in payload(token)
    assert base64.urlsafe_b64encode(SECRET.encode()).decode().rstrip("=")[:12] not in token


def test_a_token_moved_to_another_field_does_not_decrypt(algorithm):
    token = encrypt(SECRET, context=CONTEXT)
    with pytest.raises(DecryptionError) as caught:
        decrypt(token, context="person.phone")
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("position", [0, 5, 12, 20, -1])
def test_a_tampered_token_does_not_decrypt(algorithm, position):
    token = encrypt(SECRET, context=CONTEXT)
    raw = bytearray(payload(token))
    raw[position] ^= 0x01
    tampered = token.rsplit(":", 1)[0] + ":" + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    with pytest.raises(DecryptionError):
        decrypt(tampered, context=CONTEXT)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-4],
        lambda token: token + "!",
        lambda token: "x1" + token[2:],
        lambda token: token[:1] + "2" + token[2:],
        lambda token: token.replace(":", "", 1),
        lambda token: "",
    ],
)
def test_a_malformed_token_is_refused_with_a_decryption_error(algorithm, mangle):
    with pytest.raises(DecryptionError):
        decrypt(mangle(encrypt(SECRET, context=CONTEXT)), context=CONTEXT)


def test_a_token_under_an_unknown_key_id_is_refused_by_name(settings, algorithm):
    token = encrypt(SECRET, context=CONTEXT)
    settings.YIZHAN_KEYRING = ring(algorithm, active="k2", keys={"k2": NEW_KEY})
    with pytest.raises(DecryptionError, match="k1"):
        decrypt(token, context=CONTEXT)


def test_an_old_token_still_decrypts_after_a_new_active_key_and_needs_rotation(settings, algorithm):
    old = encrypt(SECRET, context=CONTEXT)
    assert not needs_rotation(old)
    settings.YIZHAN_KEYRING = ring(algorithm, active="k2", keys={"k1": OLD_KEY, "k2": NEW_KEY})
    assert decrypt(old, context=CONTEXT) == SECRET
    assert needs_rotation(old)
    new = encrypt(SECRET, context=CONTEXT)
    assert new.split(":")[1] == "k2"
    assert not needs_rotation(new)


def test_a_token_keeps_its_algorithm_after_the_ring_switches_and_needs_rotation(settings):
    settings.YIZHAN_KEYRING = ring("aes")
    aes_token = encrypt(SECRET, context=CONTEXT)
    settings.YIZHAN_KEYRING = ring("sm")
    assert decrypt(aes_token, context=CONTEXT) == SECRET
    assert needs_rotation(aes_token)
    assert not needs_rotation(encrypt(SECRET, context=CONTEXT))


def test_the_blind_index_is_the_same_for_the_same_value(algorithm):
    first = blind_index(SECRET, context=CONTEXT)
    assert first == blind_index(SECRET, context=CONTEXT)
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert first != blind_index("11010519491231003X", context=CONTEXT)


def test_the_blind_index_differs_across_fields(algorithm):
    assert blind_index(SECRET, context=CONTEXT) != blind_index(SECRET, context="person.phone")


def test_the_blind_index_differs_across_algorithms(settings):
    settings.YIZHAN_KEYRING = ring("aes")
    aes_index = blind_index(SECRET, context=CONTEXT)
    settings.YIZHAN_KEYRING = ring("sm")
    assert blind_index(SECRET, context=CONTEXT) != aes_index


def test_the_aes_blind_index_is_hmac_sha256_of_context_nul_value(settings):
    settings.YIZHAN_KEYRING = ring("aes")
    expected = hmac.new(INDEX_KEY, f"{CONTEXT}\x00{SECRET}".encode(), hashlib.sha256).hexdigest()
    assert blind_index(SECRET, context=CONTEXT) == expected


def test_the_blind_index_depends_on_the_index_key_not_the_encryption_keys(settings, algorithm):
    before = blind_index(SECRET, context=CONTEXT)
    settings.YIZHAN_KEYRING = ring(algorithm, active="k2", keys={"k2": NEW_KEY})
    assert blind_index(SECRET, context=CONTEXT) == before
    settings.YIZHAN_KEYRING = KeyRing(
        keys={"k1": OLD_KEY}, active="k1", index_key=os.urandom(32), algorithm=algorithm
    )
    assert blind_index(SECRET, context=CONTEXT) != before


def test_an_empty_context_is_refused(algorithm):
    with pytest.raises(ValueError):
        encrypt(SECRET, context="")
    with pytest.raises(ValueError):
        blind_index(SECRET, context="")
