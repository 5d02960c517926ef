"""Test-run options: ``--database postgresql`` runs the database-facing tests on a PostgreSQL server
that the run starts and stops itself (tests/pgserver.py); the default is SQLite."""

import pytest

from inventory.messages import set_language
from tests import support
from tests.pgserver import PostgresServer


def pytest_addoption(parser):
    parser.addoption("--database", choices=("sqlite", "postgresql"), default="sqlite",
                     help="the database behind new_inventory(): SQLite files or a throwaway PostgreSQL server")


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server on loopback for the whole run; one that cannot start fails the tests that need it."""
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session", autouse=True)
def database_backend(request):
    """With --database postgresql, new_inventory() hands out fresh databases on the run's server."""
    if request.config.getoption("--database") == "sqlite":
        yield "sqlite"
        return
    support.use_database(request.getfixturevalue("postgres").new_database)
    yield "postgresql"
    support.use_database(None)


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Messages in English, so tests can match them; tests of the Dutch messages ask for nl themselves."""
    monkeypatch.setenv("WOLKENWACHT_LANG", "en")
    set_language("en")
