"""What makes a message acceptable, shared by ``chat.*`` and ``response_url`` posts.

Slack itself only *warns* when blocks come without a top-level ``text``; this project treats it
as an error (``missing_text``) because that text is what notifications and screen readers
show, and a missing one is a bug we want tests to catch. ``FakeSlack(require_text_with_blocks=
False)`` restores Slack's lenient behaviour.
"""

from __future__ import annotations

from typing import Any

from sandbox.api_params import SlackApiError
from sandbox.block_kit_limits import validate_message_blocks

MAX_TEXT_LENGTH = 40_000
MAX_ATTACHMENTS = 100


def check_message(
    *,
    text: str | None,
    blocks: Any,
    attachments: Any,
    require_text_with_blocks: bool,
) -> None:
    """Raise the error Slack (or this project's stricter rule) gives for this message."""
    if blocks is not None:
        problem = validate_message_blocks(blocks)
        if problem is not None:
            raise SlackApiError(
                problem.error,
                errors=list(problem.errors),
                response_metadata={"messages": problem.response_messages()},
            )
    has_blocks = isinstance(blocks, list) and len(blocks) > 0
    has_attachments = isinstance(attachments, list) and len(attachments) > 0
    if attachments is not None and not isinstance(attachments, list):
        raise SlackApiError("invalid_attachments")
    if isinstance(attachments, list) and len(attachments) > MAX_ATTACHMENTS:
        raise SlackApiError("too_many_attachments")
    if not text:
        if has_blocks and require_text_with_blocks:
            raise SlackApiError("missing_text")
        if not has_blocks and not has_attachments:
            raise SlackApiError("no_text")
    if text and len(text) > MAX_TEXT_LENGTH:
        raise SlackApiError("msg_too_long")


def check_metadata(metadata: Any) -> None:
    """Message metadata needs an ``event_type`` and an object ``event_payload``."""
    if metadata is None:
        return
    if not isinstance(metadata, dict):
        raise SlackApiError("invalid_metadata_format")
    event_type = metadata.get("event_type")
    payload = metadata.get("event_payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
        raise SlackApiError("invalid_metadata_schema")
