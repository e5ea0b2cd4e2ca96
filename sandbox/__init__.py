"""The project's own Slack: a fake Web API server and a kit that sends signed requests.

``FakeSlack`` answers the Web API on loopback the way slack.com does (shapes, errors, scopes
from the app manifest, channel membership, Block Kit limits, rate-limit tiers) and serves
Socket Mode; ``SignedSlackClient`` sends events, commands, shortcuts and interactions to the
app signed with its signing secret, exactly as Slack delivers them (``SocketModeSlackClient``
sends the same over Socket Mode); ``render`` turns what Slack would show into plain text.
Strictness defaults live in :mod:`sandbox.strictness`. Used by tests and by ``aplauso demo``;
nothing here imports the app's own packages.
"""

from sandbox.fake_slack import FakeSlack
from sandbox.manifest import AppManifest
from sandbox.recording import RecordedCall
from sandbox.slack_requests import SignedSlackClient, SlackResponse
from sandbox.socket_mode_kit import SocketModeSlackClient
from sandbox.strictness import STRICT_DEFAULTS

__all__ = [
    "STRICT_DEFAULTS",
    "AppManifest",
    "FakeSlack",
    "RecordedCall",
    "SignedSlackClient",
    "SlackResponse",
    "SocketModeSlackClient",
]
