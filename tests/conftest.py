"""Repository-level tests run without an Odoo registry.

pytest-odoo, when installed, loads a registry for every session (autouse fixture
``load_registry``); these tests import plain modules by path or talk to a server through RPC,
so the fixture is replaced by one that does nothing.
"""

import pytest


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    yield
