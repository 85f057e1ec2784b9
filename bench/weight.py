"""Page weight: what a first visit transfers (HTML + CSS + JS + images + fonts), gzipped, tiles aside.

The HTML is gzipped here at level 6 (what a load balancer such as nginx with `gzip_comp_level 6`
sends; Django itself does not compress pages). Static files are fetched from the running server
with `Accept-Encoding: gzip`, so whitenoise's precompressed files count as it serves them.
References are followed one level deep where browsers would: stylesheets' `url()`/`@import`,
ES modules' `import`. Images under MEDIA_URL are not served by gunicorn (object storage or the
proxy serves them): their size on disk counts. Cross-origin URLs (map tiles) are listed aside.
Data fetched by scripts (`data-*-url` attributes, e.g. the map's GeoJSON) is reported apart: it
has its own budget.
"""

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from bench.stack import fetch

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
# `import x from "./a.js"`, `export {x} from "./a.js"`, `import "./a.js"`, `import("./a.js")`.
JS_IMPORT = re.compile(r"""\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]""")


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.css, self.js, self.images, self.data = [], [], [], []
        self._in_json = False
        # Inside a <picture>, a browser fetches one image: the first <source> whose type it supports (Chromium
        # takes AVIF, the first one here), or the <img> when no source is given. Counting every source and the
        # fallback counted each cover three times.
        self._picture = None

    def handle_endtag(self, tag):
        self._in_json = False
        if tag == "picture":
            if self._picture:
                self.images.append(self._picture[0])
            self._picture = None

    def handle_data(self, data):
        # `{{ config|json_script }}` blocks: their "…Url" values are what the page's scripts fetch.
        if self._in_json:
            try:
                config = json.loads(data)
            except ValueError:
                return
            if isinstance(config, dict):
                self.data += [v for k, v in config.items() if k.lower().endswith("url") and isinstance(v, str)]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = (a.get("rel") or "").lower().split()
        if tag == "link" and a.get("href"):
            if "stylesheet" in rel:
                self.css.append(a["href"])
            elif "modulepreload" in rel or ("preload" in rel and a.get("as") == "script"):
                self.js.append(a["href"])
            elif "icon" in rel or ("preload" in rel and a.get("as") in {"image", "font"}):
                self.images.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])
        elif tag == "script" and a.get("type") == "application/json":
            self._in_json = True
        elif tag == "picture":
            self._picture = []
        elif tag in {"img", "source", "input"} and (a.get("src") or a.get("srcset")):
            image = a.get("src") or a["srcset"].split(",")[0].split()[0]
            (self.images if self._picture is None else self._picture).append(image)
        for key, value in a.items():
            if key.startswith("data-") and key.endswith("-url") and value:
                self.data.append(value)


def page_weight(port, path, media_root):
    """Return the breakdown of what `path` transfers on a first visit."""
    origin = f"http://127.0.0.1:{port}"
    status, _, html, _ = fetch(port, path)
    if status != 200:
        return {"status": status}
    parser = _Assets()
    parser.feed(html.decode("utf-8", errors="replace"))
    page_url = origin + path
    seen, items, external, missing = set(), [], [], []
    queue = [
        (urljoin(page_url, u), kind)
        for kind, refs in (("css", parser.css), ("js", parser.js), ("img", parser.images))
        for u in refs
    ]
    while queue and len(seen) < 200:  # bounded: a page never references that many files
        url, kind = queue.pop(0)
        url = urldefrag(url)[0]
        if url.startswith("data:") or url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            external.append(url)
            continue
        if parts.path.startswith("/media/") and media_root:
            file = Path(media_root) / parts.path.removeprefix("/media/")
            if file.exists():
                items.append({"url": parts.path, "kind": kind, "bytes": file.stat().st_size})
            else:
                missing.append(parts.path)
            continue
        status, headers, body, _ = fetch(
            port, parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Accept-Encoding": "gzip"}
        )
        if status != 200:
            missing.append(f"{parts.path} ({status})")
            continue
        items.append(
            {"url": parts.path, "kind": kind, "bytes": len(body), "encoding": headers.get("content-encoding", "")}
        )
        text = (gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body).decode(
            "utf-8", errors="replace"
        )
        if kind == "css":
            for match in CSS_URL.finditer(text):
                ref = match.group(1) or match.group(2)
                queue.append((urljoin(url, ref.strip()), "css" if match.group(2) else "img"))
        elif kind == "js":
            for match in JS_IMPORT.finditer(text):
                if match.group(1).startswith((".", "/")):
                    queue.append((urljoin(url, match.group(1)), "js"))
    html_gzip = len(gzip.compress(html, compresslevel=6))
    totals = {kind: sum(i["bytes"] for i in items if i["kind"] == kind) for kind in ("css", "js", "img")}
    data = []
    for url in dict.fromkeys(urldefrag(urljoin(page_url, ref))[0] for ref in parser.data):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or url == page_url:
            continue
        status, headers, body, _ = fetch(
            port, parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Accept-Encoding": "gzip"}
        )
        # Only data (JSON, GeoJSON): a URL of another page (a link template, a share URL) is no fetch.
        if status == 200 and "json" in headers.get("content-type", ""):
            size = len(body) if headers.get("content-encoding") == "gzip" else len(gzip.compress(body, 6))
            data.append({"url": parts.path, "bytes_gzip": size})
    return {
        "status": 200,
        "html_raw": len(html),
        "html_gzip": html_gzip,
        **totals,
        "total": html_gzip + sum(totals.values()),
        "files": items,
        "external": external,
        "missing": missing,
        "data": data,
    }
