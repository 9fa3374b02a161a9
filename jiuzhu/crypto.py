"""Personal identifiers at rest: encrypted, and found by a keyed HMAC (a blind index).

A plain hash of an 18-digit ID number can be brute-forced (the space is small), so
the lookup digest is an HMAC under a key held outside the database. Lists show the
stored masked form; decrypting happens only for a full view, which is audited.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode() if token else ""


def blind_index(value: str) -> str:
    return hmac.new(settings.ID_HMAC_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedIdNumberMixin:
    """For a model with ``id_number_cipher``, ``id_number_digest`` and ``id_number_masked``
    fields: store an ID number encrypted, searchable by HMAC, and masked for lists."""

    def set_id_number(self, normal: str) -> None:
        """Store a normalised, validated 18-character ID number: encrypted, indexed, masked."""
        self.id_number_cipher = encrypt(normal)
        self.id_number_digest = blind_index(normal)
        self.id_number_masked = f"{normal[:6]}********{normal[-4:]}"

    @property
    def id_number(self) -> str:
        """The full ID number. Callers showing it must audit the view."""
        return decrypt(self.id_number_cipher)
