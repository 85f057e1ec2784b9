"""Make the database really unreachable for the code under test, then bring it back.

No mock: the next connection Django opens uses settings that cannot work (a closed TCP port on
PostgreSQL, a file in a missing directory on SQLite), so the driver raises its real error.
"""

import socket
from contextlib import contextmanager, suppress

from django.db import connections


def closed_port():
    """A loopback TCP port where nothing listens (bound then released: connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database_unreachable(alias="default"):
    connection = connections[alias]
    saved_settings = dict(connection.settings_dict)
    # Park the live connection (an in-memory SQLite test database dies when closed) so the
    # code under test has to open a new one with the broken settings.
    saved_connection = connection.connection
    connection.connection = None
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        connection.settings_dict["NAME"] = "/nonexistent-directory/apes/db.sqlite3"
    try:
        yield
    finally:
        if connection.connection is not None:
            with suppress(Exception):
                connection.connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)
        connection.connection = saved_connection
        connection.errors_occurred = False
        connection.needs_rollback = False
