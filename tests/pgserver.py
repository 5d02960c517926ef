"""A throwaway PostgreSQL server on loopback for the tests, from the machine's PostgreSQL binaries.

``make test`` installs Debian's ``postgresql`` package when it is missing. The server runs in a
temporary directory with trust authentication on 127.0.0.1 and a free port; as root it runs as
the ``postgres`` system user (initdb refuses root). Anything that goes wrong raises
:class:`ServerError` with the reason: a test that needs the server fails, it never skips.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from itertools import count
from pathlib import Path


class ServerError(RuntimeError):
    """The PostgreSQL test server could not be started."""


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise ServerError("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): run 'make test', "
                          "which installs Debian's postgresql package, or apt-get install postgresql")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """``with PostgresServer() as pg: pg.new_database()`` -> a SQLAlchemy URL of a fresh, empty database."""

    def __init__(self):
        self.bindir = _bindir()
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="wolkenwacht-pg-"))
        self.data = self.root / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        self._names = count(1)

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise ServerError(f"{args[0]} failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-800:]}")

    def __enter__(self) -> "PostgresServer":
        if self.user:
            try:
                ids = pwd.getpwnam(self.user)
            except KeyError:
                raise ServerError("running as root needs the 'postgres' system user (Debian's postgresql package)") from None
            os.chown(self.root, ids.pw_uid, ids.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"test_{next(self._names)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'create database "{name}"')
        return self.url(name)
