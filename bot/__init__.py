"""Slack-facing layer of Aplauso: app factory, listeners, views, catalogs and the CLI."""
