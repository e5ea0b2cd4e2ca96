"""Pure Block Kit builders: `(data, lang) -> blocks`, unit-tested against Slack's limits."""
