"""What Slack says about this installation: the token, its scopes, channels, DMs, user groups.

Shared by `serve` (which refuses to start when Slack refuses the token or a scope is missing),
`aplauso doctor` and the team commands (an id is checked against Slack before it is stored).
Every failure becomes a `SlackProblem`: a catalog key that says what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.i18n import t
from bot.slack_client import make_web_client

#: Slack's answers that mean "this token is not accepted", whatever the reason.
TOKEN_REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
        "no_permission",
        "team_access_not_granted",
    }
)
NAME_LOOKUP_UNAVAILABLE = frozenset({"unknown_method", "not_allowed_token_type"})
DM_REFUSALS = {
    "user_not_found": "cli.refs.dm_unknown",
    "user_disabled": "cli.refs.dm_deactivated",
    "cannot_dm_bot": "cli.refs.dm_bot",
}


class SlackProblem(Exception):
    """Slack cannot do what is needed; `key` names the one line that explains it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str) -> str:
        return t(lang, self.key, **self.params)


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot token belongs to; `scopes` is None when Slack did not list them."""

    bot_user_id: str
    bot_name: str
    workspace: str
    is_bot: bool
    scopes: frozenset[str] | None


@cache
def manifest_scopes() -> tuple[str, ...]:
    """The bot scopes `app_manifest.yml` asks for (the copy shipped inside the package)."""
    text = resources.files("bot").joinpath("app_manifest.yml").read_text(encoding="utf-8")
    manifest: dict[str, Any] = yaml.safe_load(text)
    return tuple(manifest["oauth_config"]["scopes"]["bot"])


def error_code(error: SlackApiError) -> str:
    response = error.response
    return str(response.get("error") if response is not None else "") or "slack_error"


def unreachable_reason(error: BaseException) -> str:
    """`Connection refused`, `Name or service not known`...: the short cause, no URL or token."""
    reason: Any = getattr(error, "reason", None) or error
    text = getattr(reason, "strerror", None) or str(reason) or type(error).__name__
    return str(text).strip()[:120]


def problem_from(error: BaseException, method: str, api_url: str) -> SlackProblem:
    """The one line for a failed Web API call."""
    if isinstance(error, SlackApiError):
        code = error_code(error)
        if code in TOKEN_REFUSED:
            return SlackProblem("cli.slack.token_refused", code=code)
        if code == "ratelimited":
            return SlackProblem("cli.slack.rate_limited")
        if code == "missing_scope":
            needed = error.response.get("needed") if error.response is not None else None
            return SlackProblem("cli.slack.missing_scopes", scopes=str(needed or "?"))
        return SlackProblem("cli.slack.error", method=method, code=code)
    return SlackProblem("cli.slack.unreachable", url=api_url, reason=unreachable_reason(error))


def call(client: WebClient, method: str, **params: Any) -> dict[str, Any]:
    """One Web API call whose every failure is a `SlackProblem`."""
    try:
        response = client.api_call(method, params=params)
    except (SlackClientError, OSError) as error:
        raise problem_from(error, method, str(client.base_url)) from error
    body: dict[str, Any] = dict(response.data) if isinstance(response.data, dict) else {}
    body["_scopes"] = response.headers.get("x-oauth-scopes") if response.headers else None
    return body


def identify(client: WebClient) -> BotIdentity:
    """auth.test: whether Slack accepts the token, and the scopes it carries."""
    answer = call(client, "auth.test")
    listed = answer.get("_scopes")
    scopes = None if listed is None else frozenset(s.strip() for s in listed.split(",") if s)
    return BotIdentity(
        bot_user_id=str(answer.get("user_id") or ""),
        bot_name=str(answer.get("user") or ""),
        workspace=str(answer.get("team") or ""),
        is_bot=bool(answer.get("bot_id")),
        scopes=scopes,
    )


def missing_scopes(identity: BotIdentity) -> list[str]:
    if identity.scopes is None:
        return []
    return [scope for scope in manifest_scopes() if scope not in identity.scopes]


def require_ready(client: WebClient) -> BotIdentity:
    """The start-up check of `serve` and of every command that asks Slack."""
    identity = identify(client)
    if not identity.is_bot:
        raise SlackProblem("cli.slack.not_bot_token")
    missing = missing_scopes(identity)
    if missing:
        raise SlackProblem("cli.slack.missing_scopes", scopes=", ".join(missing))
    return identity


def require_app_token(settings: Settings) -> None:
    """apps.connections.open with the app-level token: what Socket Mode will ask first."""
    app_token, api_url = settings.slack_app_token or "", settings.slack_api_url
    client = make_web_client(settings, token=app_token)
    try:
        client.apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        code = error_code(error)
        if code in TOKEN_REFUSED or code == "missing_scope":
            raise SlackProblem("cli.slack.app_token_refused", code=code) from error
        raise problem_from(error, "apps.connections.open", api_url) from error
    except (SlackClientError, OSError) as error:
        raise problem_from(error, "apps.connections.open", api_url) from error


def require_channel(client: WebClient, channel_id: str) -> None:
    """The channel exists and the bot is in it: reading one message proves both with the
    history scopes the app already has (conversations.info would need channels:read)."""
    try:
        call(client, "conversations.history", channel=channel_id, limit=1)
    except SlackProblem as problem:
        code = problem.params.get("code")
        if code in ("channel_not_found", "invalid_channel"):
            raise SlackProblem("cli.refs.unknown_channel", channel=channel_id) from None
        if code == "not_in_channel":
            raise SlackProblem("cli.refs.not_in_channel", channel=channel_id) from None
        raise


def dm_problem(client: WebClient, user_id: str) -> str | None:
    """None when the bot can open a DM with the person, else the catalog key saying why not."""
    try:
        call(client, "conversations.open", users=user_id)
    except SlackProblem as problem:
        key = DM_REFUSALS.get(str(problem.params.get("code")))
        if key is None:
            raise
        return key
    return None


def usergroup_size(client: WebClient, usergroup_id: str) -> int | None:
    """How many people the group has, or None when Slack has no such group."""
    try:
        answer = call(client, "usergroups.users.list", usergroup=usergroup_id)
    except SlackProblem as problem:
        if problem.params.get("code") in ("no_such_subteam", "subteam_not_found"):
            return None
        raise
    return len(answer.get("users") or [])


def usergroup_by_handle(client: WebClient, handle: str) -> str:
    """`@it-team` -> `S0ITTEAM`; matches the handle or the group's name, case-insensitively."""
    wanted = handle.lstrip("@").lower()
    for group in call(client, "usergroups.list").get("usergroups") or []:
        if wanted in (str(group.get("handle", "")).lower(), str(group.get("name", "")).lower()):
            return str(group["id"])
    raise SlackProblem("cli.refs.unknown_usergroup", usergroup=handle)


def _channel_pages(client: WebClient) -> Iterator[dict[str, Any]]:
    cursor = ""
    while True:
        answer = call(
            client,
            "conversations.list",
            types="public_channel,private_channel",
            exclude_archived=True,
            limit=200,
            cursor=cursor,
        )
        yield from answer.get("channels") or []
        cursor = (answer.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            return


def channel_by_name(client: WebClient, name: str) -> str:
    """`#kudos` -> its id. Needs channels:read and groups:read (in the manifest); an
    installation from an older manifest lacks them, and its admin is told to give the id."""
    wanted = name.lstrip("#").lower()
    try:
        for channel in _channel_pages(client):
            if str(channel.get("name", "")).lower() == wanted:
                return str(channel["id"])
    except SlackProblem as problem:
        if problem.params.get("code") in NAME_LOOKUP_UNAVAILABLE:
            raise SlackProblem("cli.refs.channel_by_name", channel=name) from None
        raise  # a missing scope says which ones, and to reinstall
    raise SlackProblem("cli.refs.unknown_channel", channel=name)
