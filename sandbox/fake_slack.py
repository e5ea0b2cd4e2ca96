"""``FakeSlack``: the project's own Slack Web API on loopback, for tests and ``aplauso demo``.

Nothing the project owns is mocked: the app talks HTTP to this server through a real
``slack_sdk.WebClient(base_url=fake.api_url)``, and the server answers with Slack's shapes,
errors, scopes (from ``app_manifest.yml``), channel membership, Block Kit limits and rate-limit
tiers, and serves Socket Mode (``fake.socket_mode``). Tests arrange the workspace (people, groups, channels,
messages) through this facade and assert on what the app did through the call log and the
stored messages, DMs, ephemerals, views and files.

Usage::

    with FakeSlack() as fake:
        fake.add_user("U1", "ana", locale="es-ES", tz="Europe/Madrid")
        client = WebClient(base_url=fake.api_url, token=fake.bot_token)
        client.chat_postMessage(channel="U1", text="Hola")
        assert fake.dm_messages("U1")[-1]["text"] == "Hola"
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from sandbox.composer import compose
from sandbox.fake_arrange import GENERAL_CHANNEL_ID, ArrangeWorkspace
from sandbox.fake_observe import ObserveWorkspace
from sandbox.fault_injection import FaultInjector
from sandbox.http_server import QuietHttpServer
from sandbox.manifest import AppManifest, resolve_manifest
from sandbox.rate_limits import RateLimiter, RateLimitRule, slack_default_rules
from sandbox.recording import CallLog
from sandbox.socket_mode import SocketModeServer
from sandbox.strictness import strict
from sandbox.web_api import HttpReply, HttpRequest, WebApi
from sandbox.workspace import Identity, Workspace

__all__ = ["GENERAL_CHANNEL_ID", "FakeSlack"]


class FakeSlack(ArrangeWorkspace, ObserveWorkspace):
    """A fake Slack workspace and Web API server (thread-safe; a context manager).

    As strict as Slack by default (see :mod:`sandbox.strictness` for the defaults):

    - ``manifest``: the app manifest (an :class:`AppManifest`, a path, or None to use
      ``app_manifest.yml`` at the repository root). Its bot scopes are the token's scopes, its
      slash commands decide escaping for :meth:`typed_command_text`.
    - ``scopes``: overrides the manifest's bot scopes (as if installed with these).
    - ``enforce_scopes``: a method whose scope is missing answers ``missing_scope``.
    - ``membership``: posting/reading where the bot is not a member is refused.
    - ``rate_limits``: Slack's documented tiers from the start (``False`` for a bench that
      measures the app, not its throttling).
    - ``app_token``: the app-level token ``apps.connections.open`` (Socket Mode) accepts.
    """

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-sandbox-token",  # noqa: S107 - a fake, not a secret
        bot_user_id: str = "UAPLAUSOBOT",
        bot_id: str = "BAPLAUSO",
        bot_name: str = "aplauso",
        app_id: str = "AAPLAUSO",
        team_id: str = "TSANDBOX",
        team_domain: str = "sandbox",
        team_name: str = "Sandbox",
        host: str = "127.0.0.1",
        port: int = 0,
        manifest: AppManifest | str | Path | None = None,
        scopes: Iterable[str] | None = None,
        enforce_scopes: bool | None = None,
        membership: bool | None = None,
        rate_limits: bool | None = None,
        app_token: str = "xapp-1-AAPLAUSO-1-sandbox",  # noqa: S107 - a fake, not a secret
        require_text_with_blocks: bool = True,
        trigger_ttl: float = 3.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.manifest = resolve_manifest(manifest)
        identity = Identity(
            team_id=team_id,
            team_domain=team_domain,
            team_name=team_name,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            bot_name=bot_name,
            app_id=app_id,
            bot_token=bot_token,
        )
        self._ws = Workspace(
            identity,
            clock=clock,
            require_text_with_blocks=require_text_with_blocks,
            trigger_ttl=trigger_ttl,
            scopes=tuple(scopes) if scopes is not None else self.manifest.bot_scopes,
            enforce_scopes=strict("scopes", enforce_scopes),
            enforce_membership=strict("membership", membership),
        )
        self._log = CallLog()
        self._limiter = RateLimiter()
        self._faults = FaultInjector()
        self._api = WebApi(self._ws, self._log, self._limiter, self._faults, app_token=app_token)
        self._server = QuietHttpServer(self._api.handle, host, port)
        self.socket_mode = SocketModeServer(app_id, host)
        self._api.app_handlers["apps.connections.open"] = lambda _params: {
            "url": self.socket_mode.issue_url()
        }
        self.app_token = app_token
        if strict("rate_limits", rate_limits):
            self.enforce_slack_rate_limits()
        self.add_channel(GENERAL_CHANNEL_ID, "general")

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> FakeSlack:
        """Start serving (idempotent); returns self for chaining."""
        self._server.start()
        host, port = self._server.address
        self._ws.base_url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        """Stop serving (Web API and Socket Mode) and free the ports."""
        self._server.stop()
        self.socket_mode.stop()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def show_command_answer(self, response_url: str, answer: dict[str, object]) -> None:
        """Slack showing the person the body of the app's answer to their slash command (the
        request kit calls this when the app answers one with a message)."""
        self._api.show_command_answer(response_url, answer)

    def handle_request(self, request: HttpRequest) -> HttpReply:
        """Serve one request in-process, without a socket: the exact code path of the server,
        for benches that want to measure the fake rather than the loopback network."""
        return self._api.handle(request)

    # -- identity -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (the server must be started)."""
        if not self._server.running:
            raise RuntimeError("FakeSlack is not started; call start() or use it as a context")
        return self._ws.base_url

    @property
    def api_url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=...)``, ending in ``/api/``."""
        return f"{self.base_url}/api/"

    @property
    def bot_token(self) -> str:
        """The only token the fake accepts."""
        return self._ws.identity.bot_token

    @property
    def bot_user_id(self) -> str:
        """The app's bot user id."""
        return self._ws.identity.bot_user_id

    @property
    def bot_id(self) -> str:
        """The app's bot id (``B...``)."""
        return self._ws.identity.bot_id

    @property
    def app_id(self) -> str:
        """The app id (``A...``)."""
        return self._ws.identity.app_id

    @property
    def team_id(self) -> str:
        """The workspace id."""
        return self._ws.identity.team_id

    @property
    def team_domain(self) -> str:
        """The workspace subdomain."""
        return self._ws.identity.team_domain

    # -- scopes and the manifest ---------------------------------------------------------
    @property
    def scopes(self) -> tuple[str, ...]:
        """The bot token's scopes (the manifest's, unless overridden)."""
        return self._ws.scopes

    def grant_scopes(self, *scopes: str) -> None:
        """Reinstall the app with these extra bot scopes."""
        with self._ws.lock:
            self._ws.scopes = self._ws.scopes + tuple(s for s in scopes if s not in self._ws.scopes)

    def revoke_scopes(self, *scopes: str) -> None:
        """Reinstall the app without these bot scopes."""
        with self._ws.lock:
            self._ws.scopes = tuple(s for s in self._ws.scopes if s not in scopes)

    def typed_command_text(self, command: str, typed: str, user_id: str) -> str:
        """The ``text`` Slack sends for ``command`` when ``user_id`` typed ``typed``, picking
        people, groups and channels from the composer, escaped as the manifest says."""
        declared = self.manifest.command(command)
        if declared is None:
            known = [entry.command for entry in self.manifest.commands]
            raise ValueError(f"{command} is not in the app manifest (it declares {known})")
        with self._ws.lock:
            return compose(
                typed,
                people=list(self._ws.people.values()),
                usergroups=list(self._ws.usergroups.values()),
                channels=[c for c in self._ws.conversations.values() if c.kind != "im"],
                user_id=user_id,
                escape=declared.should_escape,
            )

    # -- failures and limits ------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
        html: bool = False,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail (see :class:`FaultInjector`):
        429 (default), an ``error`` over HTTP 200, or a 5xx (``html`` for a gateway page)."""
        self._faults.fail_next(
            method, status=status, retry_after=retry_after, error=error, times=times, html=html
        )

    def reset_next(self, method: str, *, times: int = 1) -> None:
        """Drop the connection of the next ``times`` calls unanswered (nothing is done)."""
        self._faults.reset_next(method, times=times)

    def clear_failures(self) -> None:
        """Drop every failure still queued by ``fail_next``, ``reset_next`` and the like."""
        self._faults.clear()

    def revoke_app_token(self) -> None:
        """Revoke the app-level token: ``apps.connections.open`` answers ``invalid_auth`` from
        now on, and Slack closes the open Socket Mode connections (``link_disabled``)."""
        self._api.app_token = None
        self.socket_mode.disconnect("link_disabled", close_after=0.1)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls ``seconds`` late (they still succeed)."""
        self._faults.delay_next(method, seconds, times=times)

    def accept_then_fail_next(
        self, method: str, *, status: int = 500, error: str | None = None, times: int = 1
    ) -> None:
        """Do the next ``times`` calls (the message *is* stored) but answer ``status``."""
        self._faults.accept_then_fail_next(method, status=status, error=error, times=times)

    def set_rate_limit(
        self,
        method: str,
        per_minute: float,
        *,
        burst: float | None = None,
        per_channel_per_second: float | None = None,
    ) -> None:
        """Enforce a token bucket on ``method`` (burst defaults to one minute's allowance)."""
        self._limiter.set_rule(
            method,
            RateLimitRule(
                per_minute=per_minute, burst=burst, per_channel_per_second=per_channel_per_second
            ),
        )

    def clear_rate_limits(self) -> None:
        """Remove every rate limit (for a bench: or build the fake with ``rate_limits=False``)."""
        self._limiter.clear()

    def enforce_slack_rate_limits(self) -> None:
        """Apply Slack's documented tiers to every implemented method (see rate_limits)."""
        for method, rule in slack_default_rules().items():
            self._limiter.set_rule(method, rule)
