"""The project's own Slack: a fake Web API server and a kit that sends signed requests.

``FakeSlack`` answers the Web API on loopback the way slack.com does (shapes, errors, Block Kit
limits, rate limits); ``SignedSlackClient`` sends events, commands, shortcuts and interactions
to the app signed with its signing secret, exactly as Slack delivers them; ``render`` turns
what Slack would show into plain text. Used by tests and by ``aplauso demo``; nothing here
imports the app's own packages.
"""

from sandbox.fake_slack import FakeSlack
from sandbox.recording import RecordedCall
from sandbox.slack_requests import SignedSlackClient, SlackResponse

__all__ = ["FakeSlack", "RecordedCall", "SignedSlackClient", "SlackResponse"]
