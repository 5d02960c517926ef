"""Test-run options: ``--database postgresql`` runs the database-facing tests on a PostgreSQL server
that the run starts and stops itself (tests/pgserver.py); the default is SQLite."""

import pytest

from tests import support
from tests.pgserver import PostgresServer


def pytest_addoption(parser):
    parser.addoption("--database", choices=("sqlite", "postgresql"), default="sqlite",
                     help="the database behind new_inventory(): SQLite files or a throwaway PostgreSQL server")


@pytest.fixture(scope="session", autouse=True)
def database_backend(request):
    """Start the PostgreSQL server for the whole run when asked; a server that cannot start fails the run."""
    if request.config.getoption("--database") == "sqlite":
        yield "sqlite"
        return
    with PostgresServer() as server:
        support.use_database(server.new_database)
        yield "postgresql"
        support.use_database(None)
