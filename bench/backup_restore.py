#!/usr/bin/env python
"""Backup drill: pg_dump a database, restore the dump into a fresh database, compare them.

The procedure is the one in docs/operations.md. For every table the two databases must hold
the same number of rows and the same content (an md5 of the table's rows in a fixed order), and
the restored schema must be at the latest migration (`manage.py migrate --check`).

    .venv/bin/python bench/backup_restore.py
        # throwaway cluster on loopback, migrated and loaded with seed_demo, then the drill
    .venv/bin/python bench/backup_restore.py --database-url postgres://postgres@127.0.0.1:5432/apes
        # an existing database (read only: the copy is restored next to it, then dropped)

Exit status 0 when everything matches.
"""

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.resilience import PG_BIN, ROOT, VENV_BIN, Cluster, run  # noqa: E402


def pg_tool(name):
    path = PG_BIN / name
    return str(path) if path.exists() else shutil.which(name)


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def psql(url, sql):
    out = subprocess.run(
        [pg_tool("psql"), "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def table_fingerprints(url):
    """{table: (row count, md5 of all rows sorted by their text form)} for the public schema."""
    tables = [row[0] for row in psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    result = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        count, digest = psql(
            url,
            f"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM {quoted} t",
        )[0]
        result[table] = (int(count), digest)
    return result


def drill(source_url, work, log):
    dump = work / "apes.dump"
    started = time.monotonic()
    # Custom format: compressed, restorable table by table, what docs/operations.md prescribes.
    run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", dump, "--dbname", source_url], log)
    dump_seconds = time.monotonic() - started
    print(f"pg_dump: {dump.stat().st_size / 1024:.0f} KiB in {dump_seconds:.1f} s")

    target_name = f"apes_restore_{secrets.token_hex(4)}"
    target_url = with_database(source_url, target_name)
    psql(with_database(source_url, "postgres"), f'CREATE DATABASE "{target_name}"')
    try:
        started = time.monotonic()
        run(
            [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction", "--dbname", target_url]
            + [dump],
            log,
        )
        print(f"pg_restore into a fresh database ({target_name}): {time.monotonic() - started:.1f} s")

        source, restored = table_fingerprints(source_url), table_fingerprints(target_url)
        width = max(map(len, source)) if source else 10
        print(f"\n{'table':<{width}}  {'rows':>8}  {'restored':>8}  content")
        problems = 0
        for table in sorted(set(source) | set(restored)):
            a, b = source.get(table), restored.get(table)
            same = a == b
            problems += not same
            rows_a = a[0] if a else "-"
            rows_b = b[0] if b else "-"
            print(f"{table:<{width}}  {rows_a:>8}  {rows_b:>8}  {'same' if same else 'DIFFERENT'}")
        total = sum(count for count, _ in source.values())
        print(f"\n{len(source)} tables, {total} rows in the source")

        env = {**os.environ, "DATABASE_URL": target_url, "TESTING": "true"}
        check = subprocess.run(
            [VENV_BIN / "python", "manage.py", "migrate", "--check"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        print("restored schema at the latest migration:", "yes" if check.returncode == 0 else "NO")
        problems += check.returncode != 0
    finally:
        psql(with_database(source_url, "postgres"), f'DROP DATABASE IF EXISTS "{target_name}"')
    print("\nRESULT:", "OK - the restored database holds the same records" if not problems else "FAILED")
    return 0 if not problems else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an existing PostgreSQL database to back up (default: a demo one)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="apes-backup."))
    work.chmod(0o711)
    log = work / "drill.log"
    cluster = None
    try:
        if args.database_url:
            return drill(args.database_url, work, log)
        cluster = Cluster(work / "pg", log)
        cluster.root.mkdir()
        cluster.init()
        cluster.start()
        cluster.createdb("apes")
        url = f"postgres://postgres@127.0.0.1:{cluster.port}/apes"
        # Demo files go to the drill's directory, not the project's media/.
        env = {**os.environ, "DATABASE_URL": url, "TESTING": "true", "MEDIA_ROOT": str(work / "media")}
        started = time.monotonic()
        run([VENV_BIN / "python", "manage.py", "migrate", "--noinput"], log, env=env)
        run([VENV_BIN / "python", "manage.py", "seed_demo"], log, env=env, timeout=600)
        print(f"demo database ready in {time.monotonic() - started:.1f} s")
        return drill(url, work, log)
    finally:
        if cluster is not None and cluster.started:
            cluster.stop("fast")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
