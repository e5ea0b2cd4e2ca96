"""Cross-cutting work done once for every request, before any listener runs.

- The person's language goes into `context["lang"]` (from the cache: no Slack call before
  the acknowledgement); someone not met yet is looked up in Slack after the answer.
- Listeners get the app's own guarded Slack client.
- Events Slack may deliver more than once are passed on only the first time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient

from bot.executor import TrackingExecutor
from engagement.services import Services

EXACTLY_ONCE_EVENTS = frozenset(
    {"app_mention", "message", "reaction_added", "subteam_members_changed"}
)
DIRECTORY_EVENTS = frozenset({"team_join", "user_change"})  # their listener learns the person


FOLLOWED_SUBTYPES = frozenset({"message_changed", "message_deleted"})


def is_channel_chatter(event: dict[str, Any]) -> bool:
    """A channel message that is not an edit or a deletion: kudos follow their messages
    (bot/listeners/kudos_follow.py), so every channel message the bot can see arrives, and
    all but those two are acknowledged at once, costing no database write."""
    return (
        event.get("type") == "message"
        and event.get("channel_type") in ("channel", "group")
        and event.get("subtype") not in FOLLOWED_SUBTYPES
    )


def language_of(context: BoltContext) -> str:
    """The language the middleware chose for this request's person."""
    return str(context.get("lang") or "en")


def register(app: App, services: Services, client: WebClient, executor: TrackingExecutor) -> None:
    @app.middleware
    def prepare_request(
        context: BoltContext, body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """One middleware, not three: Bolt builds the arguments of each one per request."""
        # Bolt builds a plain WebClient per request; ours carries the retry handlers and the
        # guard that refuses Slack calls inside a transaction.
        context["client"] = client
        event = body.get("event") if body.get("type") == "event_callback" else None
        if isinstance(event, dict) and is_channel_chatter(event):
            return BoltResponse(status=200, body="")  # no claim, no look-up, no listener
        if isinstance(event, dict) and event.get("type") in EXACTLY_ONCE_EVENTS:
            event_id = str(body.get("event_id") or "")
            if not services.events.first_delivery(event_id, str(event.get("type"))):
                return BoltResponse(status=200, body="")
        user_id = context.user_id
        if not user_id:
            context["lang"] = services.people.workspace_language()
            return next()
        context["lang"], known = services.people.known_language(user_id)
        response = next()
        if not known and not (isinstance(event, dict) and event.get("type") in DIRECTORY_EVENTS):
            executor.submit(services.people.meet, user_id)  # after the answer is on its way
        return response
