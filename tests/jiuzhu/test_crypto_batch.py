"""Batch decryption (the roster export's): the same plaintext as Fernet for every token, and
the same refusals: a changed byte, another key, a malformed token."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu import crypto

VALUES = ["330402198005170011", "", "a" * 16, "b" * 15, "中文", "x" * 33, "33040219800517001X"]


def test_decrypt_many_gives_what_decrypt_gives_for_every_length():
    tokens = [crypto.encrypt(v) if v else "" for v in VALUES]
    assert crypto.decrypt_many(tokens) == [crypto.decrypt(t) for t in tokens] == VALUES
    assert crypto.decrypt_many([]) == [] and crypto.decrypt_many(["", ""]) == ["", ""]


@pytest.mark.parametrize("position", [0, 5, 30, 60, -3])
def test_a_changed_character_anywhere_is_refused(position):
    token = crypto.encrypt("330402198005170011")
    index = position % len(token)
    changed = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
    with pytest.raises(InvalidToken):
        crypto.decrypt_many([crypto.encrypt("330402198005170012"), changed])


def test_a_token_of_another_key_or_malformed_is_refused(settings):
    token = crypto.encrypt("330402198005170011")
    for bad in ("not a token", token[:-8], token + "AAAA"):
        with pytest.raises(InvalidToken):
            crypto.decrypt_many([bad])
    settings.FIELD_ENCRYPTION_KEY = "another key"
    with pytest.raises(InvalidToken):
        crypto.decrypt_many([token])


# Property tests: the batch decryption is a re-implementation of Fernet's checks and CBC, so
# it is judged against cryptography's own Fernet on random keys, texts and tampered tokens.

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _outcome(call):
    try:
        return ("ok", call())
    except (InvalidToken, UnicodeDecodeError) as error:
        return ("refused", type(error).__name__)


def _fernet_of(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


@given(key=st.text(min_size=1, max_size=40), values=st.lists(st.text(max_size=60), min_size=1, max_size=8))
def test_decrypt_many_reads_what_cryptographys_fernet_wrote_under_any_key(key, values):
    tokens = [_fernet_of(key).encrypt(v.encode()).decode() for v in values]
    with override_settings(FIELD_ENCRYPTION_KEY=key, FIELD_ENCRYPTION_OLD_KEYS=()):
        assert crypto.decrypt_many(tokens) == values


@given(
    key=st.text(min_size=1, max_size=20),
    value=st.text(max_size=40),
    position=st.integers(min_value=0),
    replacement=st.sampled_from(_ALPHABET),
)
def test_a_tampered_token_is_refused_exactly_when_fernet_refuses_it(key, value, position, replacement):
    token = _fernet_of(key).encrypt(value.encode()).decode()
    index = position % len(token.rstrip("="))
    tampered = token[:index] + replacement + token[index + 1 :]
    expected = _outcome(lambda: _fernet_of(key).decrypt(tampered.encode()).decode())
    with override_settings(FIELD_ENCRYPTION_KEY=key, FIELD_ENCRYPTION_OLD_KEYS=()):
        assert _outcome(lambda: crypto.decrypt_many([tampered])[0]) == expected


@given(
    key=st.text(min_size=1, max_size=20), body=st.binary(min_size=16, max_size=64).filter(lambda b: len(b) % 16 == 0)
)
def test_a_signed_token_with_any_ciphertext_pads_and_decodes_as_fernet_does(key, body):
    """Tokens a key signs but whose ciphertext is random: the padding check and the UTF-8
    decoding must refuse what Fernet's would, and read what it reads."""
    raw = hashlib.sha256(key.encode()).digest()
    data = bytes([0x80]) + (0).to_bytes(8, "big") + bytes(16) + body
    token = base64.urlsafe_b64encode(data + hmac.new(raw[:16], data, hashlib.sha256).digest()).decode()
    expected = _outcome(lambda: _fernet_of(key).decrypt(token.encode()).decode())
    with override_settings(FIELD_ENCRYPTION_KEY=key, FIELD_ENCRYPTION_OLD_KEYS=()):
        assert _outcome(lambda: crypto.decrypt_many([token])[0]) == expected


def test_decrypt_many_is_stricter_than_fernet_on_characters_outside_the_token_alphabet():
    # Fernet's base64 decoding drops such characters; stored tokens never have them, so a
    # token that does is refused rather than guessed at.
    token = crypto.encrypt("330402198005170011")
    with pytest.raises(InvalidToken):
        crypto.decrypt_many([token[:10] + " " + token[10:]])
