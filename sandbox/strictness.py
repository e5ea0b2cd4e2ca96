"""Which of Slack's refusals the fake enforces unless a test or bench says otherwise.

Every strictness is ON by default, because the fake exists to refuse what Slack refuses. A
strictness that the app under development is not ready for yet is switched off *here*, in one
place, by setting its entry to False; whoever fixes the app flips it back. A single
``FakeSlack(...)`` can still choose for itself with the keyword of the same name.
"""

from __future__ import annotations

#: Default of each strictness switch of :class:`~sandbox.fake_slack.FakeSlack`.
#:
#: - ``membership``: posting or reading where the bot is not a member answers
#:   ``not_in_channel`` (public) or ``channel_not_found`` (private), unless the manifest grants
#:   ``chat:write.public`` (posting in public channels only, never ephemerals).
#: - ``scopes``: a Web API method whose bot scope is missing from the manifest answers
#:   ``missing_scope`` with ``needed`` and ``provided``.
#: - ``rate_limits``: Slack's per-method tiers and ``chat.postMessage``'s per-channel limit,
#:   answered with HTTP 429 and ``Retry-After``.
STRICT_DEFAULTS: dict[str, bool] = {
    "membership": True,
    "scopes": True,
    "rate_limits": True,
}


def strict(name: str, chosen: bool | None) -> bool:
    """The effective value of a switch: the caller's choice, else the module default."""
    if name not in STRICT_DEFAULTS:
        raise KeyError(f"unknown strictness {name!r}; known: {sorted(STRICT_DEFAULTS)}")
    return STRICT_DEFAULTS[name] if chosen is None else chosen
