"""Domain services of Aplauso in plain Python: no Slack payloads, no SQL, only rules."""
