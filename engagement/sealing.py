"""Encryption with APLAUSO_SECRET_KEY, which never enters the database: the way back to an
anonymous writer, the writer's own handle on a conversation, and pulse ballots.

AES-GCM (from `cryptography`) with a random 96-bit nonce: authenticated, two seals of the same
thing look unrelated, and unlike Fernet nothing in a token says when it was made. Each purpose
pads its plaintext to one fixed size, so a token's length tells nothing either (how long a
comment was, say), and has its own key (derived from the secret with HKDF) and associated
data, so what was sealed for one purpose never opens as another.

Older keys may follow the current one: they still open what they sealed (and tokens of the
Fernet era), so the secret can be rotated; `stale_payload` tells the jobs what to seal again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
SEAL_MARK = "a1."
ROUTE, HANDLE, BALLOT = b"route", b"handle", b"ballot"
PADDED_SIZE = {ROUTE: 128, HANDLE: 64, BALLOT: 3072}
"""Plaintext size per purpose: a ballot holds a score and a comment of up to 500 characters,
which JSON may grow to six bytes each (control characters); a route holds a user id."""


def _derive(secret: str, purpose: bytes) -> AESGCM:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"aplauso", info=purpose)
    return AESGCM(kdf.derive(secret.encode()))


def _pad(data: bytes, size: int) -> bytes:
    if len(data) > size - 2:
        raise ValueError("too large to seal")
    return len(data).to_bytes(2, "big") + data + bytes(size - 2 - len(data))


def _unpad(padded: bytes) -> bytes:
    return padded[2 : 2 + int.from_bytes(padded[:2], "big")]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None


def _legacy(secret: str) -> Fernet | None:
    try:
        return Fernet(secret.encode())
    except ValueError:
        return None


class Sealer:
    def __init__(self, secret_key: str, *older_keys: str) -> None:
        keys = [secret_key, *older_keys]
        self._ciphers = {p: [_derive(k, p) for k in keys] for p in PADDED_SIZE}
        self._fernets = [f for f in (_legacy(k) for k in keys) if f is not None]
        self._daily = hashlib.sha256(b"aplauso-daily-count:" + secret_key.encode()).digest()

    # ---- bytes in, bytes out ------------------------------------------------------------

    def _seal(self, purpose: bytes, payload: dict[str, Any]) -> bytes:
        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        nonce = os.urandom(NONCE_BYTES)
        cipher = self._ciphers[purpose][0]
        return nonce + cipher.encrypt(nonce, _pad(data, PADDED_SIZE[purpose]), purpose)

    def _open(self, purpose: bytes, sealed: bytes) -> tuple[dict[str, Any], int] | None:
        """The payload and the index of the key that opened it."""
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        for index, cipher in enumerate(self._ciphers[purpose]):
            try:
                data = json.loads(_unpad(cipher.decrypt(nonce, body, purpose)))
            except (InvalidTag, ValueError):
                continue
            return (data, index) if isinstance(data, dict) else None
        return None

    # ---- the way back to a writer -------------------------------------------------------

    def seal(self, payload: dict[str, Any]) -> str:
        return SEAL_MARK + _b64(self._seal(ROUTE, payload))

    def unseal(self, token: str | None) -> dict[str, Any] | None:
        opened = self._unseal(token)
        return opened[0] if opened else None

    @property
    def has_older_keys(self) -> bool:
        """Whether a key other than the current one may have sealed a token: if not, only
        tokens of the Fernet era (they lack `SEAL_MARK`) can need sealing again."""
        return len(self._ciphers[ROUTE]) > 1

    def stale_payload(self, token: str) -> dict[str, Any] | None:
        """What the token holds if an older key (or Fernet) sealed it, to be sealed anew;
        None if the current key sealed it or no key opens it. One decryption per key tried."""
        opened = self._unseal(token)
        return opened[0] if opened is not None and opened[1] != 0 else None

    def _unseal(self, token: str | None) -> tuple[dict[str, Any], int] | None:
        if not token:
            return None
        if not token.startswith(SEAL_MARK):
            return self._unseal_fernet(token)
        sealed = _unb64(token[len(SEAL_MARK) :])
        return self._open(ROUTE, sealed) if sealed else None

    def _unseal_fernet(self, token: str) -> tuple[dict[str, Any], int] | None:
        for fernet in self._fernets:
            try:
                data = json.loads(fernet.decrypt(token.encode()))
            except (InvalidToken, ValueError):
                continue
            return (data, -1) if isinstance(data, dict) else None
        return None

    # ---- the writer's handle on a conversation ------------------------------------------

    def handle(self, thread_id: str) -> str:
        """An opaque name for a conversation, new each time: what the writer's buttons carry,
        so nothing in the writer's DM equals anything in the recipient's."""
        return SEAL_MARK + _b64(self._seal(HANDLE, {"t": thread_id}))

    def thread_of(self, handle: str) -> str | None:
        sealed = _unb64(handle[len(SEAL_MARK) :]) if handle.startswith(SEAL_MARK) else None
        opened = self._open(HANDLE, sealed) if sealed else None
        return str(opened[0].get("t") or "") or None if opened else None

    # ---- pulse ballots ------------------------------------------------------------------

    def seal_ballot(self, payload: dict[str, Any]) -> bytes:
        return self._seal(BALLOT, payload)

    def open_ballot(self, sealed: bytes) -> dict[str, Any] | None:
        opened = self._open(BALLOT, bytes(sealed))
        return opened[0] if opened else None

    # ---- the daily limit ----------------------------------------------------------------

    def daily_key(self, user_id: str, day: date) -> str:
        """A name for today's counter that cannot be linked to the person, nor to yesterday's."""
        message = f"{user_id}:{day.isoformat()}".encode()
        return hmac.new(self._daily, message, hashlib.sha256).hexdigest()
