"""Encryption for the way back to anonymous writers, with a key that never enters the database.

Fernet (from `cryptography`) gives authenticated encryption with a random IV, so two tokens
for the same writer look unrelated, and a forged or altered token is rejected.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


class Sealer:
    def __init__(self, secret_key: str) -> None:
        self._fernet = Fernet(secret_key.encode())
        self._daily = hashlib.sha256(b"aplauso-daily-count:" + secret_key.encode()).digest()

    def seal(self, payload: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(payload, separators=(",", ":")).encode()).decode()

    def unseal(self, token: str | None) -> dict[str, Any] | None:
        if not token:
            return None
        try:
            data = json.loads(self._fernet.decrypt(token.encode()))
        except (InvalidToken, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def daily_key(self, user_id: str, day: date) -> str:
        """A name for today's counter that cannot be linked to the person, nor to yesterday's."""
        message = f"{user_id}:{day.isoformat()}".encode()
        return hmac.new(self._daily, message, hashlib.sha256).hexdigest()
