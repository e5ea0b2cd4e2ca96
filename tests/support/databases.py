"""Fresh, migrated databases for tests: SQLite by default, PostgreSQL when DATABASE_URL says so.

Migrations run once per session into a template; each test gets a copy of it, so every test
starts from exactly what `aplauso db upgrade` produces, quickly. On PostgreSQL a used copy is
put back to the template's state and handed to the next test (`tests/support/pg_reuse.py`).
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from storage.db import make_engine
from storage.migrate import upgrade
from tests.support import pg_reuse


def configured_url() -> str | None:
    """The test run's own DATABASE_URL: tests read the environment themselves, so production
    code keeps one reader of it (`bot/config.py`)."""
    return os.environ.get("DATABASE_URL", "").strip() or None


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@dataclass
class DatabaseFactory:
    workdir: Path
    server_url: str | None = None
    template: str = ""
    created: list[str] = field(default_factory=list)
    admin_engine: Engine | None = None
    template_state: pg_reuse.Snapshot | None = None
    reusable: list[str] = field(default_factory=list)

    @property
    def postgres(self) -> bool:
        return self.server_url is not None and is_postgres(self.server_url)

    def _admin(self) -> Engine:
        """One engine for the whole run: a connection per CREATE DATABASE cost more than it."""
        assert self.server_url is not None
        if self.admin_engine is None:
            self.admin_engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        return self.admin_engine

    def _url_for(self, name: str) -> str:
        assert self.server_url is not None
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def prepare(self) -> None:
        if self.postgres:
            self.template = f"aplauso_tpl_{uuid.uuid4().hex[:10]}"
            admin = self._admin()
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.template}"'))
                engine = make_engine(self._url_for(self.template))
        else:
            self.template = str(self.workdir / "template.db")
            engine = make_engine(f"sqlite:///{self.template}")
        upgrade(engine)
        engine.dispose()
        if self.postgres:
            self.template_state = pg_reuse.snapshot(self._url_for(self.template))

    def new_url(self) -> str:
        if self.postgres:
            if self.reusable:
                return self.reusable.pop()
            return self._new_postgres("aplauso_t", f' TEMPLATE "{self.template}"')
        target = self.workdir / f"{uuid.uuid4().hex[:12]}.db"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def empty_url(self) -> str:
        """An empty database (no migrations), for migration tests."""
        if self.postgres:
            return self._new_postgres("aplauso_e", "")
        return f"sqlite:///{self.workdir / (uuid.uuid4().hex[:12] + '.db')}"

    def _new_postgres(self, prefix: str, options: str) -> str:
        """A database of its own, named `prefix_...` (dropped with the others at the end)."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        admin = self._admin()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{options}'))
        self.created.append(name)
        return self._url_for(name)

    def drop(self, url: str) -> None:
        """Done with this test's database: emptied for the next test, or dropped."""
        if not self.postgres:
            return
        assert self.server_url is not None
        assert self.template_state is not None
        if pg_reuse.reset(self.server_url, url, self.template_state):
            self.reusable.append(url)
            return
        name = make_url(url).database
        admin = self._admin()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def cleanup(self) -> None:
        if not self.postgres:
            return
        admin = self._admin()
        with admin.connect() as connection:
            for name in [*self.created, self.template]:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
