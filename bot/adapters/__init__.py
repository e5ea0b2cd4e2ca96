"""Slack-side implementations of the ports in `engagement/ports.py`."""
