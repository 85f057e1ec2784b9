"""bench/RESULTS.md for one or several scales of one run: the budgets of pages on cache misses, of the map at
each scale and of the workers' memory (PASS/FAIL, computed from that run), then each scale's full report."""

from bench import report
from bench.endpoints import (
    ENDPOINTS,
    HOME_RATIO_BUDGET,
    LIST_MISS_RATIO_BUDGET,
    MAP_FIRST_VIEW_BUDGET,
    MAP_FLOOR_BUDGET,
    MAP_SCALE_BUDGET,
    ORGANISATION_RATIO_BUDGET,
    SEARCH_RATIO_BUDGET,
    WORKER_RSS_BUDGET,
)

MB = 1024 * 1024
NOT_MEASURED = "NOT MEASURED"


def _verdict(ok):
    return "PASS" if ok else "FAIL"


def _located(results):
    return results.get("inprocess", {}).get("values", {}).get("counts", {}).get("located", 0)


def _ratio_row(results, name, budget, what):
    run = results.get("runs", {}).get(name)
    if not run or run.get("ratio") is None:
        return (f"{what} ≥ {budget} × trivial view", NOT_MEASURED, "–")
    detail = f"{run['rps']:,.0f} req/s = **{run['ratio']:.2f}** × trivial ({run['ceiling_rps']:,.0f} req/s around it)"
    rotation = run.get("rotation")
    if rotation:
        walked, paths = rotation["walked"], rotation["paths"]
        detail += (
            f"; {walked:,} paths walked of {paths:,} distinct: every request a new path"
            if walked <= paths
            else f"; {walked:,} requests over {paths:,} distinct paths (later passes carry `_pass=N`: still misses)"
        )
    return (f"{what} ≥ {budget} × trivial view", _verdict(run["ratio"] >= budget), detail)


def _endpoint_name(rotate):
    return next(e.name for e in ENDPOINTS if e.rotate == rotate)


def scale_budgets(results, smallest):
    """[(budget, verdict, detail)] at one scale; `smallest` is the results of the run's smallest scale."""
    rows = [
        _ratio_row(results, _endpoint_name("list"), LIST_MISS_RATIO_BUDGET, "`/annuaire/` on cache misses"),
        _ratio_row(
            results, _endpoint_name("organisations"), ORGANISATION_RATIO_BUDGET, "organisation pages on cache misses"
        ),
        _ratio_row(results, "home", HOME_RATIO_BUDGET, "home page"),
    ]
    ratio = results.get("inprocess", {}).get("search_ratio")
    what = f"search for a word in every row, page 2 ≤ {SEARCH_RATIO_BUDGET} × a rare-word search"
    if ratio:
        times = ratio["worst_ms"] / ratio["rare_ms"]
        rows.append(
            (
                what,
                _verdict(times <= SEARCH_RATIO_BUDGET),
                f"`{ratio['worst']}` {ratio['worst_ms']} ms, `{ratio['rare']}` {ratio['rare_ms']} ms: **{times:.1f}** ×"
                " (in-process, cache misses, median of 9)",
            )
        )
    else:
        rows.append((what, NOT_MEASURED, "–"))
    timing = results.get("map_timing", {})
    if results is smallest:
        what = f"`/carte/` first clusters ≤ {MAP_FLOOR_BUDGET} × the floor (Chromium)"
        if "map" in timing and "floor" in timing:
            times = timing["map"]["ms"] / timing["floor"]["ms"]
            rows.append(
                (
                    what,
                    _verdict(times <= MAP_FLOOR_BUDGET),
                    f"map {timing['map']['ms']:,.0f} ms, floor {timing['floor']['ms']:,.0f} ms: **{times:.2f}** ×; "
                    f"runs {timing['map']['runs']} / {timing['floor']['runs']} ms; first view "
                    f"{timing['map']['bytes'] / report.KB:,.0f} KB "
                    f"(floor {timing['floor']['bytes'] / report.KB:,.0f} KB)",
                )
            )
        else:
            rows.append((what, NOT_MEASURED, "–"))
    else:
        small = smallest.get("map_timing", {})
        what = f"`/carte/` first clusters ≤ {MAP_SCALE_BUDGET} × the {_located(smallest):,}-point time of this run"
        if "map" in timing and "map" in small:
            times = timing["map"]["ms"] / small["map"]["ms"]
            rows.append(
                (
                    what,
                    _verdict(times <= MAP_SCALE_BUDGET),
                    f"{timing['map']['ms']:,.0f} ms vs {small['map']['ms']:,.0f} ms: **{times:.2f}** ×; "
                    f"runs {timing['map']['runs']} ms",
                )
            )
            size = timing["map"]["bytes"]
            rows.append(
                (
                    f"`/carte/` first view ≤ {MAP_FIRST_VIEW_BUDGET // report.KB} KB transferred",
                    _verdict(size <= MAP_FIRST_VIEW_BUDGET),
                    f"**{size / report.KB:,.0f} KB** (sum of Content-Length of every response, tiles aside)",
                )
            )
        else:
            rows.append((what, NOT_MEASURED, "–"))
    peaks = results.get("worker_peak_rss")
    what = f"peak memory of each gunicorn worker ≤ {WORKER_RSS_BUDGET // MB} MB (VmHWM)"
    if peaks:
        rows.append(
            (
                what,
                _verdict(max(peaks.values()) <= WORKER_RSS_BUDGET),
                ", ".join(f"**{peak / MB:,.0f} MB**" for peak in sorted(peaks.values(), reverse=True))
                + " after the load phase (GeoJSON, map data) and the map timing",
            )
        )
    else:
        rows.append((what, NOT_MEASURED, "–"))
    return rows


def render(runs):
    """(Markdown for bench/RESULTS.md, text for the terminal) of the runs of one command, smallest scale first."""
    smallest = runs[0]
    machine = smallest["machine"]
    md = [
        "# Benchmark results",
        "",
        "Produced by `bench/run.py` (see bench/README.md); do not edit by hand, rerun instead.",
        "",
        f"- **Command**: `{smallest['command']}`",
        f"- **Date**: {machine['date']}; commit {machine['commit']}",
        "- **Scales**: " + ", ".join(f"{_located(r):,} located organisations" for r in runs),
        "",
        "## Cache misses, the map and memory, at every scale of this run",
        "",
        "Ratios to the trivial view measured in slices around each endpoint (see each scale's table below);",
        "endpoints on cache misses walk a shuffled set of distinct paths (bench/endpoints.py, `ROTATIONS`). Map:",
        "Chromium, median of the runs, from navigation to the first cluster drawn (bench/map_timing.py).",
        "",
        "| scale | budget | verdict | measured |",
        "|---|---|---|---|",
    ]
    text = []
    for results in runs:
        scale = f"{_located(results):,}"
        load = ", ".join(f"{x:.2f}" for x in results["machine"]["loadavg_start"])
        for budget, verdict, detail in scale_budgets(results, smallest):
            md.append(f"| {scale} | {budget} | **{verdict}** | {detail} |")
            text.append(f"  [{verdict}] {scale}: {budget}: {detail}")
        text.append(f"  ({scale}: load average at start {load})")
    md.append("")
    tables = []
    for results in runs:
        body, table = report.render(results)
        body = body.split("\n", 1)[1].replace("\n## ", "\n### ")
        md += [f"## At {_located(results):,} located organisations", body]
        tables.append(f"{_located(results):,} organisations\n{table}")
    return "\n".join(md), "\n\n".join(tables) + "\n\nCache misses, map, memory:\n" + "\n".join(text)
