"""Web API methods for modals and the Home tab: ``views.*``.

Modals are kept per person as a stack (at most 3 deep, like Slack); a trigger id is needed to
open or push one. Submissions and closes reported by the request kit pop them again (see
:func:`apply_view_submission_response`), so ``views.update`` on a closed modal fails as in Slack.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from sandbox.api_params import JsonDict, Params, SlackApiError
from sandbox.block_kit_limits import Surface, validate_view
from sandbox.workspace import Handler, Workspace

MAX_MODAL_STACK = 3


def _checked_view(p: Params, expected: Surface | None) -> JsonDict:
    view = p.structured("view", error="invalid_arguments")
    if view is None:
        raise SlackApiError("invalid_arguments")
    problem = validate_view(view, expected_type=expected)
    if problem is not None:
        raise SlackApiError(
            problem.error,
            errors=list(problem.errors),
            response_metadata={"messages": problem.response_messages()},
        )
    assert isinstance(view, dict)
    return view


def _new_hash(ws: Workspace) -> str:
    return f"{int(ws.clock())}.{secrets.token_hex(4)}"


def render_view(
    ws: Workspace,
    view: JsonDict,
    *,
    view_id: str,
    root_view_id: str | None,
    previous_view_id: str | None,
    state: JsonDict | None = None,
) -> JsonDict:
    """The stored/returned view object, with the fields Slack adds."""
    me = ws.identity
    body: JsonDict = {
        "id": view_id,
        "team_id": me.team_id,
        "type": view.get("type"),
        "blocks": copy.deepcopy(view.get("blocks", [])),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": state if state is not None else {"values": {}},
        "hash": _new_hash(ws),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": root_view_id or view_id,
        "previous_view_id": previous_view_id,
        "app_id": me.app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": me.team_id,
        "bot_id": me.bot_id,
    }
    for name in ("title", "submit", "close"):
        body[name] = copy.deepcopy(view.get(name))
    if view.get("type") == "modal":
        body["submit_disabled"] = bool(view.get("submit_disabled", False))
    return body


def _check_external_id(ws: Workspace, view: JsonDict, own_id: str | None = None) -> None:
    external_id = view.get("external_id")
    if not external_id:
        return
    for view_id, existing in ws.views.items():
        if existing.get("external_id") == external_id and view_id != own_id:
            raise SlackApiError("duplicate_external_id")


def views_open(ws: Workspace, p: Params) -> JsonDict:
    """Open a modal for the person whose interaction issued ``trigger_id``."""
    view = _checked_view(p, "modal")
    trigger = ws.exchange_trigger(p.optional("trigger_id") or p.optional("interactivity_pointer"))
    _check_external_id(ws, view)
    view_id = ws.new_id("V")
    stored = render_view(ws, view, view_id=view_id, root_view_id=None, previous_view_id=None)
    user_id = trigger.user_id or ""
    for old_id in ws.modal_stacks.get(user_id, []):
        ws.views.pop(old_id, None)
    ws.modal_stacks[user_id] = [view_id]
    ws.views[view_id] = stored
    ws.view_owner[view_id] = user_id
    return {"view": copy.deepcopy(stored)}


def views_push(ws: Workspace, p: Params) -> JsonDict:
    """Push a modal on top of the open one (at most 3 in a stack)."""
    view = _checked_view(p, "modal")
    trigger = ws.exchange_trigger(p.optional("trigger_id") or p.optional("interactivity_pointer"))
    user_id = trigger.user_id or ""
    stack = ws.modal_stacks.get(user_id, [])
    if not stack:
        raise SlackApiError("not_found")
    if len(stack) >= MAX_MODAL_STACK:
        raise SlackApiError("push_limit_reached")
    _check_external_id(ws, view)
    view_id = ws.new_id("V")
    stored = render_view(
        ws, view, view_id=view_id, root_view_id=stack[0], previous_view_id=stack[-1]
    )
    stack.append(view_id)
    ws.views[view_id] = stored
    ws.view_owner[view_id] = user_id
    return {"view": copy.deepcopy(stored)}


def _find_view(ws: Workspace, p: Params) -> tuple[str, JsonDict]:
    view_id = p.optional("view_id")
    external_id = p.optional("external_id")
    if view_id:
        if view_id in ws.views:
            return view_id, ws.views[view_id]
        for user_id, home in ws.home_views.items():
            if home["id"] == view_id:
                return user_id, home
        raise SlackApiError("not_found")
    if external_id:
        for found_id, stored in ws.views.items():
            if stored.get("external_id") == external_id:
                return found_id, stored
        raise SlackApiError("not_found")
    raise SlackApiError("invalid_arguments")


def views_update(ws: Workspace, p: Params) -> JsonDict:
    """Replace an open modal (or a Home tab) by ``view_id`` or ``external_id``."""
    key, current = _find_view(ws, p)
    view = _checked_view(p, "home" if current.get("type") == "home" else "modal")
    expected_hash = p.optional("hash")
    if expected_hash and expected_hash != current["hash"]:
        raise SlackApiError("hash_conflict")
    _check_external_id(ws, view, own_id=current["id"])
    updated = render_view(
        ws,
        view,
        view_id=current["id"],
        root_view_id=current["root_view_id"],
        previous_view_id=current["previous_view_id"],
        state=current.get("state"),
    )
    if current.get("type") == "home":
        ws.home_views[key] = updated
    else:
        ws.views[key] = updated
    return {"view": copy.deepcopy(updated)}


def views_publish(ws: Workspace, p: Params) -> JsonDict:
    """Publish a person's Home tab (only ``type: home`` views)."""
    user_id = p.required("user_id", error="invalid_arguments")
    person = ws.person(user_id)
    if person is None or person.deleted:
        raise SlackApiError("user_not_found")
    view = _checked_view(p, "home")
    current = ws.home_views.get(user_id)
    expected_hash = p.optional("hash")
    if expected_hash and current is not None and expected_hash != current["hash"]:
        raise SlackApiError("hash_conflict")
    view_id = current["id"] if current is not None else ws.new_id("V")
    published = render_view(ws, view, view_id=view_id, root_view_id=None, previous_view_id=None)
    ws.home_views[user_id] = published
    return {"view": copy.deepcopy(published)}


def close_view(ws: Workspace, view_id: str, *, clear: bool = False) -> None:
    """A modal closes (submitted or dismissed): pop it, or the whole stack when ``clear``."""
    user_id = ws.view_owner.get(view_id)
    if user_id is None:
        return
    stack = ws.modal_stacks.get(user_id, [])
    if clear or (stack and stack[0] == view_id):
        doomed = list(stack)
    else:
        doomed = stack[stack.index(view_id) :] if view_id in stack else [view_id]
    for closed_id in doomed:
        ws.views.pop(closed_id, None)
        ws.view_owner.pop(closed_id, None)
    ws.modal_stacks[user_id] = [kept for kept in stack if kept not in doomed]


def check_submission_response(ws: Workspace, view_id: str, response: Any) -> list[str]:
    """Problems Slack would find in the app's answer to a ``view_submission`` (empty if fine).

    An ``update``/``push`` view must pass the same checks as ``views.*``; ``errors`` must name
    input blocks of the submitted view, or Slack shows the person a generic failure.
    """
    if response is None:
        return []
    if not isinstance(response, dict):
        return ["the answer to a view_submission must be empty or a JSON object"]
    action = response.get("response_action")
    if action is None:
        return []
    if action not in ("errors", "update", "push", "clear"):
        return [f"unknown response_action: {action}"]
    if action in ("update", "push"):
        problem = validate_view(response.get("view"), expected_type="modal")
        return list(problem.errors) if problem is not None else []
    if action == "errors":
        errors = response.get("errors")
        if not isinstance(errors, dict) or not errors:
            return ["response_action errors needs a non-empty errors object"]
        current = ws.views.get(view_id) or {}
        inputs = {
            block.get("block_id")
            for block in current.get("blocks", [])
            if isinstance(block, dict) and block.get("type") == "input"
        }
        if current:
            return [f"errors names no input block: {key}" for key in errors if key not in inputs]
    return []


def apply_view_submission_response(ws: Workspace, view_id: str, response: Any) -> None:
    """Do what Slack does with the app's answer to a ``view_submission``.

    No ``response_action``: the submitted modal closes. ``clear``: the whole stack closes.
    ``update``: the modal is replaced. ``push``: a new modal goes on top. ``errors``: nothing
    changes (the person sees the errors). An answer with problems (see
    :func:`check_submission_response`) changes nothing: the person sees Slack's error.
    """
    if check_submission_response(ws, view_id, response):
        return
    action = response.get("response_action") if isinstance(response, dict) else None
    if action == "errors":
        return
    if action == "clear":
        close_view(ws, view_id, clear=True)
        return
    current = ws.views.get(view_id)
    if action == "update" and current is not None and isinstance(response.get("view"), dict):
        ws.views[view_id] = render_view(
            ws,
            response["view"],
            view_id=view_id,
            root_view_id=current["root_view_id"],
            previous_view_id=current["previous_view_id"],
        )
        return
    if action == "push" and current is not None and isinstance(response.get("view"), dict):
        user_id = ws.view_owner.get(view_id, "")
        stack = ws.modal_stacks.setdefault(user_id, [view_id])
        if len(stack) >= MAX_MODAL_STACK:
            return
        pushed_id = ws.new_id("V")
        ws.views[pushed_id] = render_view(
            ws, response["view"], view_id=pushed_id, root_view_id=stack[0], previous_view_id=view_id
        )
        ws.view_owner[pushed_id] = user_id
        stack.append(pushed_id)
        return
    close_view(ws, view_id)


HANDLERS: dict[str, Handler] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}
