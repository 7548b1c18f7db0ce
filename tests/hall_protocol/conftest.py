"""These tests drive a real controller: on both databases, SQLite and PostgreSQL."""
import pytest


@pytest.fixture
def database_url(both_databases):
    return both_databases
