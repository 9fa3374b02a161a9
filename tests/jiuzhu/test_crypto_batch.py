"""Batch decryption (the roster export's): the same plaintext as Fernet for every token, and
the same refusals: a changed byte, another key, a malformed token."""

from __future__ import annotations

import pytest
from cryptography.fernet import InvalidToken

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
