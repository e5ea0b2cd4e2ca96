"""Persistence for Aplauso: SQLModel tables, engine and sessions, repositories, migrations."""
