"""Turn the benchmark's raw figures (bench/out/results.json) into the table and bench/RESULTS.md."""

from bench.endpoints import ENDPOINTS, SEARCH_RATIO_BUDGET

KB = 1000  # budgets are read in kilobytes of 1,000 bytes (the stricter reading)
PAGE_BUDGET = 200 * KB
GEOJSON_BUDGET = 400 * KB
GEOJSON_POINTS = 20_000  # the scale of that budget (DESIGN.md)
RATIO_BUDGET = 0.5
CACHES = {"redis": "Redis on loopback (REDIS_URL)", "locmem": "local memory, one per process"}


def _kb(n):
    return "–" if n is None else f"{n / KB:,.1f}"


def _ms(x):
    return f"{x:,.1f}" if x is not None else "–"


def _sql(row):
    if row["queries"] is None:
        return "–"
    text = str(row["queries"])
    if row.get("queries_miss") is not None:
        text += f" (miss {row['queries_miss']})"
    return text + ("" if row["fixed"] in (None, True) else " varies")


def _variant(path, v):
    miss = f" (miss {v['queries_cold_cache']})" if "queries_cold_cache" in v else ""
    return f"{v['queries']}{miss} on {path}"


def rows(results):
    """One row per endpoint: the figures of the table."""
    probes = results.get("probes", {})
    runs = results.get("runs", {})
    counts = results.get("inprocess", {}).get("endpoints", {})
    table = []
    for endpoint in ENDPOINTS:
        probe = probes.get(endpoint.name, {})
        run = runs.get(endpoint.name)
        count = counts.get(endpoint.name, {})
        note = []
        if probe.get("missing") or count.get("missing"):
            note.append("missing (404)")
        elif probe and probe.get("status") != endpoint.expect:
            note.append(f"expected {endpoint.expect}, got {probe.get('status')}")
        if probe.get("placeholder"):
            note.append("placeholder page")
        if not endpoint.load:
            note.append("not loaded")
        if endpoint.kind == "trivial" and run:
            note.append("slices: " + " ".join(map(str, run["slices_rps"])) + " req/s")
        table.append(
            {
                "name": endpoint.name,
                "status": probe.get("status", "–"),
                "p50": run and run["p50"],
                "p95": run and run["p95"],
                "p99": run and run["p99"],
                "rps": run and run["rps"],
                "ceiling_rps": run and run.get("ceiling_rps"),
                "ratio": run and run.get("ratio"),
                "errors": sum(run["errors"].values()) if run else None,
                "error_kinds": run["errors"] if run else {},
                "first_ms": probe.get("first_ms"),
                "bytes": probe.get("bytes"),
                "gzip": probe.get("gzip"),
                "queries": count.get("queries") if endpoint.kind != "trivial" else 0,
                "queries_miss": count.get("queries_cold_cache"),
                "fixed": count.get("fixed"),
                "note": ", ".join(note),
            }
        )
    return table


HEAD = [
    "endpoint",
    "status",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "req/s",
    "× trivial",
    "errors",
    "1st ms",
    "raw KB",
    "gzip KB",
    "SQL",
    "note",
]


def _cells(r):
    return [
        r["name"],
        str(r["status"]),
        _ms(r["p50"]),
        _ms(r["p95"]),
        _ms(r["p99"]),
        f"{r['rps']:,.0f}" if r["rps"] is not None else "–",
        f"{r['ratio']:.2f}" if r["ratio"] is not None else "–",
        str(r["errors"]) if r["errors"] is not None else "–",
        _ms(r["first_ms"]),
        _kb(r["bytes"]),
        _kb(r["gzip"]),
        _sql(r),
        r["note"],
    ]


def text_table(table):
    lines = [HEAD] + [_cells(r) for r in table]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEAD))]
    numeric = set(range(1, len(HEAD) - 1))
    out = []
    for n, line in enumerate(lines):
        cells = zip(line, widths, strict=True)
        out.append("  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(cells)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown_table(table):
    lines = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in table]
    return "\n".join(lines)


def _trivial_row(table):
    name = next(e.name for e in ENDPOINTS if e.kind == "trivial")
    return next(r for r in table if r["name"] == name)


def budgets(results, table):
    """[(budget, verdict, detail)] — verdict is PASS, FAIL, NOT MEASURED or NOT APPLICABLE (another scale's budget)."""
    probes = results.get("probes", {})
    counts = results.get("inprocess", {}).get("endpoints", {})
    verdicts = []
    missing = [r["name"] for r in table if "missing" in r["note"]]
    placeholders = [r["name"] for r in table if "placeholder" in r["note"]]
    verdicts.append(
        (
            "every endpoint of the issue is measured",
            "FAIL" if missing or placeholders else "PASS",
            (f"missing (404): {', '.join(missing)}. " if missing else "")
            + (f"placeholder pages: {', '.join(placeholders)}. " if placeholders else "")
            + f"{len(table) - len(missing)} of {len(table)} endpoints answer",
        )
    )
    loaded = [r for r in table if r["errors"] is not None]
    total_errors = sum(r["errors"] for r in loaded)
    wrong = [f"{r['name']} ({r['status']})" for r in table if "expected" in r["note"]]
    verdicts.append(
        (
            "zero errors",
            "PASS" if loaded and not total_errors and not wrong else ("NOT MEASURED" if not loaded else "FAIL"),
            f"{total_errors} errors in {sum(run['requests'] for run in results.get('runs', {}).values()):,} requests"
            + (f"; unexpected status: {', '.join(wrong)}" if wrong else ""),
        )
    )
    fixed_scope = [e for e in ENDPOINTS if e.kind in {"list", "detail", "data"}]
    varying = [e.name for e in fixed_scope if counts.get(e.name, {}).get("fixed") is False]
    unmeasured = [e.name for e in fixed_scope if e.name not in counts or counts[e.name].get("missing")]
    detail = "; ".join(
        f"{e.name}: {counts[e.name]['queries']}"
        + (f" (miss {counts[e.name]['queries_cold_cache']})" if "queries_cold_cache" in counts[e.name] else "")
        + "".join(f", {_variant(p, v)}" for p, v in counts[e.name].get("variants", {}).items())
        for e in fixed_scope
        if e.name in counts and not counts[e.name].get("missing")
    )
    verdicts.append(
        (
            "fixed query counts (list, detail, map data)",
            "FAIL" if varying else ("NOT MEASURED" if unmeasured else "PASS"),
            detail
            + (f". Varies: {', '.join(varying)}" if varying else "")
            + (f". Not measured: {', '.join(unmeasured)}" if unmeasured else ""),
        )
    )
    list_row = next((r for r in table if r["name"] == "directory list"), None)
    ratio = list_row and list_row["ratio"]
    verdicts.append(
        (
            f"directory list throughput ≥ {RATIO_BUDGET} × trivial view",
            "NOT MEASURED" if ratio is None else ("PASS" if ratio >= RATIO_BUDGET else "FAIL"),
            "–"
            if ratio is None
            else f"{list_row['rps']:,.0f} req/s = {ratio:.2f} × trivial "
            f"({list_row['ceiling_rps']:,.0f} req/s around it); p95 {list_row['p95']:.1f} ms "
            f"vs {_trivial_row(table)['p95']:.1f} ms for the trivial view",
        )
    )
    geo = probes.get("GeoJSON, full (200)")
    located = results.get("inprocess", {}).get("values", {}).get("counts", {}).get("located")
    if geo and not geo["missing"] and located and located > GEOJSON_POINTS * 1.25:
        # DESIGN.md's budget is for the 20,000 points that the map loads whole; past that scale the map loads
        # clusters and the points in view, and the first view has its own budget (the scales table).
        verdicts.append(
            (
                "GeoJSON of all points ≤ 400 KB gzipped",
                "NOT APPLICABLE",
                f"a budget for {GEOJSON_POINTS:,} points; {located:,} here, where the map does not load them all "
                f"({geo['gzip'] / KB:,.1f} KB gzipped): see the first view of /carte/",
            )
        )
    elif geo and not geo["missing"]:
        verdicts.append(
            (
                "GeoJSON of all points ≤ 400 KB gzipped",
                "PASS" if geo["gzip"] <= GEOJSON_BUDGET else "FAIL",
                f"{geo['gzip'] / KB:,.1f} KB gzipped ({geo['gzip_by']}), {geo['bytes'] / KB:,.1f} KB raw, "
                f"{located:,} located organisations"
                if located
                else f"{geo['gzip'] / KB:,.1f} KB gzipped",
            )
        )
    else:
        verdicts.append(("GeoJSON of all points ≤ 400 KB gzipped", "NOT MEASURED", "endpoint missing"))
    rev = probes.get("GeoJSON, If-None-Match (304)")
    if rev and not rev["missing"]:
        ok = rev["status"] == 304 and rev["bytes"] == 0
        verdicts.append(
            (
                "GeoJSON answers 304 on revalidation",
                "PASS" if ok else "FAIL",
                f"If-None-Match: {rev.get('etag_sent')} → {rev['status']}, {rev['bytes']} bytes"
                + (f"; Cache-Control: {geo.get('cache_control')}" if geo and geo.get("cache_control") else ""),
            )
        )
    else:
        verdicts.append(("GeoJSON answers 304 on revalidation", "NOT MEASURED", "endpoint missing"))
    explain = results.get("inprocess", {}).get("explain", {})
    if "uses_index" in explain:
        verdicts.append(
            (
                "search served by an index (EXPLAIN)",
                "PASS" if explain["uses_index"] else "FAIL",
                f"term {explain['term']!r}: {explain['matches']} matches; trigram indexes: "
                f"{', '.join(explain['trigram_indexes']) or 'none'}",
            )
        )
    else:
        verdicts.append(("search served by an index (EXPLAIN)", "NOT MEASURED", str(explain)))
    ratio = results.get("inprocess", {}).get("search_ratio")
    if ratio:
        times = ratio["worst_ms"] / ratio["rare_ms"]
        verdicts.append(
            (
                f"search for a word in every row, page 2 ≤ {SEARCH_RATIO_BUDGET} × a rare-word search (cache misses)",
                "PASS" if times <= SEARCH_RATIO_BUDGET else "FAIL",
                f"{ratio['worst']} {ratio['worst_ms']} ms, {ratio['rare']} {ratio['rare_ms']} ms: {times:.1f} ×",
            )
        )
    weights = results.get("page_weight", {})
    measured = {name: w for name, w in weights.items() if "total" in w}
    heavy = [f"{name} {w['total'] / KB:,.1f} KB" for name, w in measured.items() if w["total"] > PAGE_BUDGET]
    unmeasured = [
        f"{e.name} ({weights.get(e.name, {}).get('status', 'missing')})"
        for e in ENDPOINTS
        if e.page_weight and e.name not in measured
    ]
    heaviest = max(measured.items(), key=lambda item: item[1]["total"], default=None)
    detail = (
        ("over budget: " + ", ".join(heavy))
        if heavy
        else (f"heaviest: {heaviest[0]} {heaviest[1]['total'] / KB:,.1f} KB" if heaviest else "–")
    )
    verdicts.append(
        (
            "public pages ≤ 200 KB transferred (tiles aside)",
            "FAIL" if heavy else ("NOT MEASURED" if unmeasured or not measured else "PASS"),
            detail + (f"; not measured: {', '.join(unmeasured)}" if unmeasured else ""),
        )
    )
    return verdicts


def render(results):
    """(Markdown for bench/RESULTS.md, plain-text table for the terminal)."""
    table = rows(results) if "probes" in results else []
    verdicts = budgets(results, table) if table else []
    machine = results["machine"]
    md = [
        "# Benchmark results",
        "",
        "Produced by `bench/run.py` (see bench/README.md); do not edit by hand, rerun instead.",
        "",
        f"- **Date**: {machine['date']}",
        f"- **Command**: `{results['command']}`",
        f"- **Commit**: {machine['commit']}",
        f"- **Machine**: {machine['nproc']} CPU ({machine['cpu']}); load average at start "
        f"{', '.join(f'{x:.2f}' for x in machine['loadavg_start'])}, at end "
        f"{', '.join(f'{x:.2f}' for x in machine['loadavg_end'])}",
        f"- **Software**: Python {machine['python']}, Django {machine['django']}, PostgreSQL {machine['postgresql']},"
        f" gunicorn {machine['gunicorn']}, psycopg {machine['psycopg']}, load client: {machine['wrk']}"
        if results["args"]["driver"] == "wrk"
        else f"- **Software**: Python {machine['python']}, Django {machine['django']}, PostgreSQL "
        f"{machine['postgresql']}, gunicorn {machine['gunicorn']}, psycopg {machine['psycopg']}, load client: Python",
        f"- **Server**: gunicorn {results['args']['workers']} × {results['args']['worker_class']} workers"
        + (f" × {results['args']['threads']} threads" if results["args"]["worker_class"] == "gthread" else "")
        + (f" (WSGI module `{results['args']['wsgi']}`)" if results["args"]["wsgi"] != "apes_portal.wsgi" else "")
        + f", DEBUG off, cache: {CACHES[results['args']['cache']]}; load: "
        f"{results['args']['connections']} connections, {results['args']['duration']:g} s per endpoint after "
        f"{results['args']['warmup']:g} s of warm-up",
        f"- **Data**: {_counts(results)}",
        f"- **Phases (s)**: {', '.join(f'{k} {v}' for k, v in results['timings'].items())}",
        "",
        "```",
        machine["free"],
        "```",
        "",
        "> Noise: the machine is shared. When other processes run (load average above), absolute figures",
        "> drop; the ratios to the trivial view (measured in slices just before and after each endpoint) are",
        "> the steadier reading. Compare runs by ratios, and rerun on a quiet machine for absolute figures.",
        "",
    ]
    text = ""
    if table:
        text = text_table(table)
        md += [
            "## Per endpoint",
            "",
            "Latency percentiles and throughput under load; `× trivial` is the endpoint's throughput over the",
            "trivial view's, measured in slices just before and just after it (the ceiling row shows every",
            "slice: their spread is the noise of the machine during the run); `1st ms` is the first request",
            "after the server started (cold caches); sizes from one request (gzip: as served, or level 6 as",
            "a load balancer would); `SQL` is the number of queries of a warm request, counted in-process with",
            "Django's test client on the same database (`miss`: with an empty cache).",
            "",
            markdown_table(table),
            "",
            "## Budgets (DESIGN.md)",
            "",
            "| budget | verdict | measured |",
            "|---|---|---|",
            *[f"| {b} | **{v}** | {d} |" for b, v, d in verdicts],
            "",
        ]
        text += "\n\nBudgets:\n" + "\n".join(f"  [{v}] {b}: {d}" for b, v, d in verdicts)
    md += _weights(results) + _queries(results) + _explain(results) + _scale_out(results) + _shared_state(results)
    if "scale_out" in results:
        text += "\n\nScale-out proof:\n" + "\n".join(
            f"  [{'PASS' if c['ok'] else 'FAIL'}] {c['check']}: {c['detail']}" for c in results["scale_out"]["checks"]
        )
    if "shared_state" in results:
        text += "\n\nShared state (issue 15):\n" + "\n".join(
            f"  {r['setup']}: stale ≤ {r['stale_window_max_s']} s, 304 {r['revalidations_304']}, "
            f"list {r['cached_list_rps_after']} req/s"
            for r in results["shared_state"]["setups"]
        )
    return "\n".join(md) + "\n", text


def _counts(results):
    counts = results.get("inprocess", {}).get("values", {}).get("counts", {})
    if not counts:
        return "?"
    return (
        f"{counts['organisations']:,} organisations ({counts['published']:,} published, "
        f"{counts['located']:,} with coordinates)"
    )


def _weights(results):
    weights = results.get("page_weight", {})
    if not weights:
        return []
    md = [
        "## Page weight (first visit, gzipped, map tiles aside)",
        "",
        "| page | HTML raw KB | HTML gzip KB | CSS KB | JS KB | images KB | total KB | data fetched by scripts |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, w in weights.items():
        if w.get("status") != 200:
            md.append(f"| {name} | status {w.get('status')} | | | | | | |")
            continue
        data = ", ".join(f"{d['url']} {d['bytes_gzip'] / KB:,.1f} KB" for d in w["data"]) or "–"
        md.append(
            f"| {name} | {_kb(w['html_raw'])} | {_kb(w['html_gzip'])} | {_kb(w['css'])} | {_kb(w['js'])} | "
            f"{_kb(w['img'])} | **{_kb(w['total'])}** | {data} |"
        )
    md += ["", "Files counted per page (bytes as transferred):", ""]
    for name, w in weights.items():
        if w.get("status") == 200:
            files = ", ".join(f"`{f['url'].rsplit('/', 1)[-1]}` {f['bytes']:,}" for f in w["files"]) or "none"
            md.append(
                f"- {name}: {files}"
                + (f"; not found: {', '.join(w['missing'])}" if w["missing"] else "")
                + (f"; cross-origin (not counted): {len(w['external'])}" if w["external"] else "")
            )
    return md + [""]


def _queries(results):
    counts = results.get("inprocess", {}).get("endpoints", {})
    if not counts:
        return []
    md = [
        "## SQL queries per request (in-process, warm)",
        "",
        "| endpoint | path | queries | same view, other rows | cache miss | repeated statements |",
        "|---|---|---|---|---|---|",
    ]
    for name, c in counts.items():
        variants = (
            "; ".join(
                f"`{p}`: {v['queries']}"
                + (f" (miss {v['queries_cold_cache']})" if "queries_cold_cache" in v else "")
                + f" [{v['status']}]"
                for p, v in c.get("variants", {}).items()
            )
            or "–"
        )
        repeated = "; ".join(f"{n}× `{sql[:90]}…`" for sql, n in c.get("repeated", {}).items()) or "–"
        md.append(
            f"| {name} | `{c['path']}` ({c['status']}) | {c['queries']} | {variants} | "
            f"{c.get('queries_cold_cache', '–')} | {repeated} |"
        )
    return md + [""]


def _explain(results):
    return _explain_one(results.get("inprocess", {}).get("explain", {})) + _explain_one(
        results.get("inprocess", {}).get("explain_worst", {})
    )


def _explain_one(explain):
    if "plan" not in explain:
        return ["## Search plan", "", f"Not measured: {explain}", ""] if explain else []
    what = f"`Organisation.objects.published().search({explain['term']!r})`"
    if explain.get("page"):
        what += f", page {explain['page']} of the list (ordered by rank)"
    return [
        f"## Search plan: EXPLAIN (ANALYZE, BUFFERS) of {what}",
        "",
        f"{explain['matches']} matches. Search indexes (trigram, full text) on `directory_organisation`:",
        "",
        *[f"- `{name}`: `{d}`" for name, d in explain["trigram_indexes"].items()],
        "",
        "```sql",
        explain["sql"],
        "```",
        "",
        "```",
        explain["plan"],
        "```",
        "",
    ]


def _scale_out(results):
    scale = results.get("scale_out")
    if not scale:
        return []
    md = [
        "## Scale-out proof (two gunicorn instances, one Redis, one database)",
        "",
        scale.get("setup", ""),
        "",
        "| check | result | detail |",
        "|---|---|---|",
    ]
    md += [f"| {c['check']} | **{'PASS' if c['ok'] else 'FAIL'}** | {c['detail']} |" for c in scale["checks"]]
    return md + [""]


SHARED_STATE_HEADING = "## Shared state (issue 15): one truth for every worker and server"


def shared_state_section(results):
    """The shared-state section alone (for `run.py --into`, which splices it into an existing RESULTS.md)."""
    return "\n".join(_shared_state(results)) + "\n"


def _shared_state(results):
    shared = results.get("shared_state")
    if not shared:
        return []
    md = [
        SHARED_STATE_HEADING,
        "",
        f"Run {results['machine']['date']}, commit {results['machine']['commit']}: `{results['command']}`; "
        f"{_counts(results)}; load average {', '.join(f'{x:.2f}' for x in results['machine']['loadavg_start'])}.",
        "",
        "`bench/shared_state.py` on the seeded database, production settings (`DATA_VERSION_MAX_AGE` 0.5 s).",
        "Stale window: the longest time after the commit of a rename made by another process (`manage.py shell`,",
        f"{shared['changes']} renames per set-up) during which any worker of any instance still served the old name",
        "on `/annuaire/?q=…` (target ≤ 1 s). 304 share: `If-None-Match` with the ETag of one instance, sent to",
        "every instance for the GeoJSON and the CSV (target 100 %). Throughput: the cached `/annuaire/`, 4",
        "Python clients for 5 s after 3 s of warm-up, spread over the instances (the Python client costs CPU",
        "on these 2 cores too: compare set-ups with each other, not with the per-endpoint table's wrk figures).",
        "",
        "| set-up | stale window max | 304 / revalidations | cached list req/s | before issue 15 |",
        "|---|---|---|---|---|",
    ]
    for r in shared["setups"]:
        n, total = (int(x) for x in r["revalidations_304"].split("/"))
        share = f"{r['revalidations_304']} ({100 * n / total:.0f} %)" if total else r["revalidations_304"]
        before = "–"
        if "cached_list_rps_before" in r:
            before = f"{r['cached_list_rps_before']:,} req/s (`{shared['before']}`)"
            if r.get("cached_list_errors_before"):
                before += f", {r['cached_list_errors_before']:,} non-200 answers"
        md.append(
            f"| {r['setup']} | {r['stale_window_max_s']} s | {share} | {r['cached_list_rps_after']:,}"
            + (f" ({r['cached_list_errors']:,} non-200)" if r.get("cached_list_errors") else "")
            + f" | {before} |"
        )
    return md + [""]
