"""Turns HTTP requests into Web API calls the way slack.com does, and records them.

Order of checks per ``/api/<method>`` call, as Slack applies them: body parsing, token (and
its type: the app-level ``xapp-`` token only for ``apps.*``), method lookup, (injected
failures), scopes, rate limits, then the method itself under the workspace lock. Every answer,
failures included, lands in the call log.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from sandbox import api_chat, api_conversations, api_emoji, api_files, api_people, api_views
from sandbox.api_params import JsonDict, Params, SlackApiError
from sandbox.conversations import Conversation
from sandbox.fault_injection import FaultInjector, InjectedFailure
from sandbox.rate_limits import METHOD_TIERS, SPECIAL_TIER_METHODS, RateLimiter
from sandbox.recording import CallLog
from sandbox.scopes import APP_TOKEN_METHOD_SCOPES, METHOD_SCOPES, check_scopes
from sandbox.surfaces import RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_SECONDS
from sandbox.workspace import Handler, Workspace

HANDLERS: dict[str, Handler] = {
    **api_people.HANDLERS,
    **api_conversations.HANDLERS,
    **api_chat.HANDLERS,
    **api_views.HANDLERS,
    **api_files.HANDLERS,
    **api_emoji.HANDLERS,
}
NO_TOKEN_METHODS = frozenset({"api.test"})
API_PREFIX = "/api/"
RESPONSE_URL_PREFIX = "/response/"
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

#: A method answered outside the workspace lock, with the app-level token (``apps.*``).
AppHandler = Callable[[Params], JsonDict]


def _check_declarations() -> None:
    """Every method the fake serves declares its scopes and its rate-limit tier."""
    served = set(HANDLERS) | set(APP_TOKEN_METHOD_SCOPES)
    undeclared = served - set(METHOD_SCOPES) - set(APP_TOKEN_METHOD_SCOPES)
    untiered = served - set(METHOD_TIERS) - SPECIAL_TIER_METHODS
    if undeclared or untiered:
        raise RuntimeError(
            f"methods without declared scopes {sorted(undeclared)} or tier {sorted(untiered)}"
        )


_check_declarations()


@dataclass(frozen=True)
class HttpRequest:
    """What the HTTP layer received; header names are lower-case."""

    verb: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class HttpReply:
    """What to send back."""

    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False  # close the connection without answering (an injected reset)

    @classmethod
    def json(cls, payload: JsonDict, status: int = 200, **headers: str) -> HttpReply:
        """A JSON answer."""
        return cls(status, json.dumps(payload).encode(), JSON_TYPE, dict(headers))

    @classmethod
    def text(cls, text: str, status: int = 200) -> HttpReply:
        """A plain-text answer (upload URLs answer like this)."""
        return cls(status, text.encode(), "text/plain; charset=utf-8")


class BadRequestBody(Exception):
    """The body could not be parsed; ``code`` is Slack's error for it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_arguments(request: HttpRequest) -> JsonDict:
    """Query string and body merged, whatever the content type slack-sdk chose."""
    args: JsonDict = dict(parse_qsl(request.query, keep_blank_values=True))
    if not request.body:
        return args
    content_type = request.headers.get("content-type", "application/x-www-form-urlencoded")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json":
        try:
            loaded = json.loads(request.body)
        except ValueError:
            raise BadRequestBody("invalid_json") from None
        if not isinstance(loaded, dict):
            raise BadRequestBody("invalid_json")
        args.update(loaded)
    elif media_type == "multipart/form-data":
        args.update(_parse_multipart(content_type, request.body))
    else:
        try:
            args.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            raise BadRequestBody("invalid_form_data") from None
    return args


def _parse_multipart(content_type: str, body: bytes) -> JsonDict:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: JsonDict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        fields[name] = raw if part.get_filename() else raw.decode("utf-8", "replace")
    return fields


def _bearer_token(headers: Mapping[str, str], args: JsonDict) -> str | None:
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    token = args.get("token")
    return str(token) if token else None


class WebApi:
    """The request-level logic of the fake; the HTTP server only moves bytes."""

    def __init__(
        self,
        ws: Workspace,
        log: CallLog,
        limiter: RateLimiter,
        faults: FaultInjector,
        *,
        app_token: str | None = None,
        app_token_scopes: tuple[str, ...] = ("connections:write",),
    ) -> None:
        self.ws = ws
        self.log = log
        self.limiter = limiter
        self.faults = faults
        self.app_token = app_token
        self.app_token_scopes = app_token_scopes
        self.app_handlers: dict[str, AppHandler] = {}

    def handle(self, request: HttpRequest) -> HttpReply:
        """Route one HTTP request."""
        if request.path.startswith(API_PREFIX):
            return self.handle_api(request.path[len(API_PREFIX) :], request)
        if request.path.startswith(api_files.UPLOAD_PATH_PREFIX) and request.verb == "POST":
            return self.handle_upload(request.path[len(api_files.UPLOAD_PATH_PREFIX) :], request)
        if request.path.startswith(RESPONSE_URL_PREFIX) and request.verb == "POST":
            return self.handle_response_url(request.path[len(RESPONSE_URL_PREFIX) :], request)
        return HttpReply.text("not found", 404)

    # -- /api/<method> ------------------------------------------------------------------
    def handle_api(self, method: str, request: HttpRequest) -> HttpReply:
        """One Web API call."""
        try:
            args = parse_arguments(request)
        except BadRequestBody as bad:
            return self._answer(method, {}, {"ok": False, "error": bad.code})
        recorded = {key: value for key, value in args.items() if key != "token"}
        app_level = method in APP_TOKEN_METHOD_SCOPES
        if method not in NO_TOKEN_METHODS:
            token = _bearer_token(request.headers, args)
            if token is None:
                return self._answer(method, recorded, {"ok": False, "error": "not_authed"})
            if token not in (self.ws.identity.bot_token, self.app_token):
                return self._answer(method, recorded, {"ok": False, "error": "invalid_auth"})
            if app_level != (token == self.app_token):
                error = {"ok": False, "error": "not_allowed_token_type"}
                return self._answer(method, recorded, error, app_level=app_level)
        handler = HANDLERS.get(method)
        app_handler = self.app_handlers.get(method)
        if handler is None and app_handler is None:
            error = {"ok": False, "error": "unknown_method", "req_method": method}
            return self._answer(method, recorded, error)
        failure = self.faults.take(method)
        if failure is not None and failure.kind == "reset":
            self.log.record(method, recorded, {"ok": False, "error": failure.error}, status=0)
            return HttpReply(0, b"", reset=True)
        if failure is not None and failure.kind == "error":
            return self._injected(method, recorded, failure, app_level)
        if failure is not None and failure.kind == "slow":
            time.sleep(failure.delay)  # outside the lock: other calls go on meanwhile
        try:
            self._check_scopes(method, app_level)
        except SlackApiError as error:
            return self._answer(method, recorded, error.to_json(), app_level=app_level)
        retry_after = self.limiter.admit(method, self._rate_limit_channel(args))
        if retry_after is not None:
            body = {"ok": False, "error": "ratelimited"}
            headers = {"Retry-After": str(retry_after)}
            return self._answer(method, recorded, body, 429, headers, app_level=app_level)
        params = Params(recorded)
        try:
            if app_handler is not None:
                result: JsonDict = {"ok": True, **app_handler(params)}
            else:
                assert handler is not None
                with self.ws.lock:
                    result = {"ok": True, **handler(self.ws, params)}
        except SlackApiError as error:
            result = error.to_json()
        if failure is not None and failure.kind == "after_commit":
            return self._injected(method, recorded, failure, app_level)
        return self._answer(method, recorded, result, app_level=app_level)

    def _check_scopes(self, method: str, app_level: bool) -> None:
        if app_level:
            scopes = self.app_token_scopes
            check_scopes(APP_TOKEN_METHOD_SCOPES[method], frozenset(scopes), scopes)
        else:
            self.ws.require_scopes(METHOD_SCOPES[method])

    def _injected(
        self, method: str, recorded: JsonDict, failure: InjectedFailure, app_level: bool
    ) -> HttpReply:
        headers: dict[str, str] = {}
        if failure.status == 429:
            headers["Retry-After"] = str(failure.retry_after or 1)
            self.limiter.count_429(method)
        body = {"ok": False, "error": failure.error}
        if failure.html:
            self.log.record(method, recorded, body, status=failure.status)
            return HttpReply(failure.status, failure.html_page().encode(), HTML_TYPE)
        return self._answer(method, recorded, body, failure.status, headers, app_level=app_level)

    def _rate_limit_channel(self, args: JsonDict) -> str | None:
        channel = args.get("channel") or args.get("channel_id")
        if not isinstance(channel, str) or not channel:
            return None
        if channel[:1] in ("U", "W"):
            return self.ws.dm_channel_id(channel)
        return channel

    def _answer(
        self,
        method: str,
        params: JsonDict,
        body: JsonDict,
        status: int = 200,
        headers: dict[str, str] | None = None,
        *,
        app_level: bool = False,
    ) -> HttpReply:
        self.log.record(method, params, body, status=status)
        scopes = self.app_token_scopes if app_level else self.ws.scopes
        accepted = APP_TOKEN_METHOD_SCOPES.get(method) or METHOD_SCOPES.get(method, ())
        all_headers = {
            "x-oauth-scopes": ",".join(scopes),
            "x-accepted-oauth-scopes": ",".join(accepted),
            **(headers or {}),
        }
        return HttpReply.json(body, status, **all_headers)

    # -- upload URLs --------------------------------------------------------------------
    def handle_upload(self, token: str, request: HttpRequest) -> HttpReply:
        """Receive the raw bytes of a file, like ``files.slack.com/upload/v1/...``."""
        with self.ws.lock:
            uploaded = api_files.receive_upload(self.ws, token, request.body)
        if uploaded is None:
            self.log.record("upload", {"token": token}, {"ok": False}, status=404)
            return HttpReply.text("upload URL not found", 404)
        params = {"file_id": uploaded.id, "length": len(request.body)}
        self.log.record("upload", params, {"ok": True, "file_id": uploaded.id})
        return HttpReply.text(f"OK - {len(request.body)}")

    # -- response_url -------------------------------------------------------------------
    def handle_response_url(self, url_id: str, request: HttpRequest) -> HttpReply:
        """A post to a ``response_url``: ephemeral, in-channel, replace or delete."""
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return self._answer_response_url({}, {"ok": False, "error": "invalid_payload"}, 400)
        recorded = {**payload, "response_url": f"{self.ws.base_url}{RESPONSE_URL_PREFIX}{url_id}"}
        with self.ws.lock:
            target = self.ws.response_urls.get(url_id)
            if target is None:
                return self._answer_response_url(recorded, {"ok": False, "error": "not_found"}, 404)
            age = self.ws.monotonic() - target.created_at
            if age > RESPONSE_URL_TTL_SECONDS:
                error = {"ok": False, "error": "expired_url"}
                return self._answer_response_url(recorded, error, 404)
            if target.uses >= RESPONSE_URL_MAX_USES:
                return self._answer_response_url(recorded, {"ok": False, "error": "used_url"}, 404)
            try:
                self._apply_response(url_id, payload)
            except SlackApiError as error:
                return self._answer_response_url(recorded, error.to_json(), 400)
            target.uses += 1
        return self._answer_response_url(recorded, {"ok": True}, 200)

    def show_command_answer(self, response_url: str, answer: JsonDict) -> None:
        """What Slack does with the body of an app's answer to a slash command: shows it to
        the person as it would a post to the command's ``response_url`` (ephemeral unless
        ``in_channel``), without using up that URL. A body that is no valid message is
        refused, as Slack shows the person an error instead. Logged as ``command_answer``."""
        url_id = response_url.rpartition(RESPONSE_URL_PREFIX)[2]
        recorded = {**answer, "response_url": response_url}
        with self.ws.lock:
            if url_id not in self.ws.response_urls:
                self.log.record(
                    "command_answer", recorded, {"ok": False, "error": "not_found"}, status=404
                )
                return
            try:
                self._apply_response(url_id, answer)
            except SlackApiError as error:
                self.log.record("command_answer", recorded, error.to_json(), status=400)
                return
        self.log.record("command_answer", recorded, {"ok": True})

    def _answer_response_url(self, params: JsonDict, body: JsonDict, status: int) -> HttpReply:
        self.log.record("response_url", params, body, status=status)
        return HttpReply.json(body, status)

    def _apply_response(self, url_id: str, payload: JsonDict) -> None:
        ws = self.ws
        target = ws.response_urls[url_id]
        params = Params(payload)
        original = None
        try:
            conversation: Conversation | None = ws.conversation(target.channel_id or "")
        except SlackApiError:
            conversation = None
        if conversation is not None and target.message_ts:
            original = conversation.find(target.message_ts)
        if params.flag("delete_original"):
            if conversation is not None and original is not None:
                conversation.remove(str(original["ts"]))
            return
        text, blocks = api_chat.checked_message(ws, params)
        if params.flag("replace_original") and original is not None:
            original["text"] = text or ""
            if blocks is not None:
                original["blocks"] = blocks
            else:
                original.pop("blocks", None)
            return
        if params.optional("response_type") == "in_channel" and conversation is not None:
            message = api_chat.bot_message(
                ws, ts=ws.next_ts(), text=text, blocks=blocks, extra=params
            )
            thread_ts = params.optional("thread_ts")
            parent = conversation.find(thread_ts) if thread_ts else None
            if parent is not None:
                message["thread_ts"] = str(parent.get("thread_ts") or parent["ts"])
            conversation.add(message)
            return
        if target.user_id:
            ts = ws.next_ts()
            ephemeral: JsonDict = {
                "type": "message",
                "subtype": "bot_message",
                "channel": target.channel_id,
                "user": target.user_id,
                "text": text or "",
                "message_ts": ts,
                "ts": ts,
                "replace_original": params.flag("replace_original"),
            }
            if blocks is not None:
                ephemeral["blocks"] = blocks
            ws.ephemerals.setdefault(target.user_id, []).append(ephemeral)
