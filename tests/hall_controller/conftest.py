"""The controller's tests run on both databases: SQLite and PostgreSQL, the same code."""
import pytest


@pytest.fixture
def database_url(both_databases):
    return both_databases
