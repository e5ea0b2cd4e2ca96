"""Web API methods about who is who: ``auth.test``, ``users.*`` and ``usergroups.*``."""

from __future__ import annotations

from sandbox.api_params import JsonDict, Params, SlackApiError
from sandbox.conversations import decode_cursor, encode_cursor
from sandbox.workspace import Handler, Workspace

DEFAULT_USERS_LIST_LIMIT = 200
MAX_USERS_LIST_LIMIT = 1000


def api_test(ws: Workspace, p: Params) -> JsonDict:
    """Echo the arguments; ``error=...`` makes it fail on purpose, as in Slack."""
    args = {key: value for key, value in p.raw.items() if key != "token"}
    error = p.optional("error")
    if error:
        raise SlackApiError(error, args=args)
    return {"args": args} if args else {}


def auth_test(ws: Workspace, p: Params) -> JsonDict:
    """Who the token belongs to; Bolt calls this on the first request."""
    me = ws.identity
    return {
        "url": me.team_url,
        "team": me.team_name,
        "user": me.bot_name,
        "team_id": me.team_id,
        "user_id": me.bot_user_id,
        "bot_id": me.bot_id,
        "is_enterprise_install": False,
    }


def users_info(ws: Workspace, p: Params) -> JsonDict:
    """One person; ``locale`` only with ``include_locale=true``."""
    person = ws.person(p.required("user", error="user_not_found"))
    if person is None:
        raise SlackApiError("user_not_found")
    return {"user": person.to_json(include_locale=p.flag("include_locale"), now=ws.clock())}


def users_list(ws: Workspace, p: Params) -> JsonDict:
    """Every member (bots, deactivated people and Slackbot included), cursor-paginated."""
    limit = p.number("limit", DEFAULT_USERS_LIST_LIMIT)
    if limit <= 0:
        limit = DEFAULT_USERS_LIST_LIMIT
    limit = min(limit, MAX_USERS_LIST_LIMIT)
    ids = list(ws.people)
    start = 0
    cursor = p.optional("cursor")
    if cursor:
        after = decode_cursor(cursor, "user")
        if after not in ws.people:
            raise SlackApiError("invalid_cursor")
        start = ids.index(after)
    page = ids[start : start + limit]
    next_cursor = encode_cursor("user", ids[start + limit]) if start + limit < len(ids) else ""
    include_locale = p.flag("include_locale")
    now = ws.clock()
    return {
        "members": [
            ws.people[user_id].to_json(include_locale=include_locale, now=now) for user_id in page
        ],
        "cache_ts": int(now),
        "response_metadata": {"next_cursor": next_cursor},
    }


def users_lookup_by_email(ws: Workspace, p: Params) -> JsonDict:
    """Find a person by e-mail address."""
    email = p.required("email", error="users_not_found").lower()
    for person in ws.people.values():
        if person.email and person.email.lower() == email and not person.is_bot:
            return {"user": person.to_json(include_locale=False, now=ws.clock())}
    raise SlackApiError("users_not_found")


def usergroups_list(ws: Workspace, p: Params) -> JsonDict:
    """User groups of the workspace; disabled ones only with ``include_disabled``."""
    include_disabled = p.flag("include_disabled")
    include_users = p.flag("include_users")
    include_count = p.flag("include_count")
    return {
        "usergroups": [
            group.to_json(include_users=include_users, include_count=include_count)
            for group in ws.usergroups.values()
            if include_disabled or not group.disabled
        ]
    }


def usergroups_users_list(ws: Workspace, p: Params) -> JsonDict:
    """Member ids of one user group."""
    group = ws.usergroups.get(p.required("usergroup", error="no_such_subteam"))
    if group is None:
        raise SlackApiError("no_such_subteam")
    if group.disabled and not p.flag("include_disabled"):
        raise SlackApiError("no_such_subteam")
    return {"users": list(group.user_ids)}


HANDLERS: dict[str, Handler] = {
    "api.test": api_test,
    "auth.test": auth_test,
    "users.info": users_info,
    "users.list": users_list,
    "users.lookupByEmail": users_lookup_by_email,
    "usergroups.list": usergroups_list,
    "usergroups.users.list": usergroups_users_list,
}
