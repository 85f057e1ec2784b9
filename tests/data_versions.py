"""What a test needs to see the data versions as another process would, and to count their writes."""

import re
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.data import data_version, forget_data_versions

_WRITE = re.compile(r'^\s*(INSERT|UPDATE)\b.*"core_dataversion"', re.IGNORECASE | re.DOTALL)


def seen_elsewhere(family="directory"):
    """The family's token as a process that holds no copy reads it: straight from the table."""
    forget_data_versions()
    return data_version(family)["token"]


@contextmanager
def data_version_writes():
    """A list, filled when the block ends, of the statements that wrote DataVersion rows in it."""
    writes = []
    with CaptureQueriesContext(connection) as captured:
        yield writes
    writes.extend(query["sql"] for query in captured.captured_queries if _WRITE.match(query["sql"]))
