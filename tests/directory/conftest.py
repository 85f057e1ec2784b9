"""Fixtures of the directory tests: a stub geocoder (the IGN's Géoplateforme) on 127.0.0.1."""

import csv
import io
import json
import socket
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest


class _GeocoderHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        server = self.server
        query = parse_qs(urlparse(self.path).query)
        server.requests.append(query)
        body = server.respond(query)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self._send(200, "application/json", payload)

    def do_POST(self):  # noqa: N802
        """`/search/csv`: answer each row of the uploaded file with what `respond_csv(row)` returns."""
        server = self.server
        length = int(self.headers["Content-Length"])
        raw = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + self.rfile.read(length)
        message = BytesParser(policy=HTTP).parsebytes(raw)
        form, rows = {}, []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "data":
                rows = list(csv.DictReader(io.StringIO(part.get_payload(decode=True).decode())))
            else:
                form.setdefault(name, []).append(part.get_content().strip())
        server.csv_requests.append({"path": urlparse(self.path).path, "form": form, "rows": rows})
        if server.csv_status != 200:
            self._send(server.csv_status, "text/plain", b"trop de requetes")
            return
        answered = [{**row, **server.respond_csv(row)} for row in rows]
        out = io.StringIO()
        names = list(dict.fromkeys(key for row in answered for key in row)) or ["id"]
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
        writer.writerows(answered)
        self._send(200, "text/csv; charset=utf-8", out.getvalue().encode())

    def _send(self, status, content_type, payload):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def ban_feature(latitude, longitude, citycode, label="1 rue de test", score=0.9):
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": {"label": label, "score": score, "citycode": citycode},
            }
        ],
    }


def csv_result(latitude, longitude, citycode, label="1 rue de test", score=0.9):
    """The result columns the CSV endpoint appends to a found row."""
    return {
        "latitude": str(latitude),
        "longitude": str(longitude),
        "result_label": label,
        "result_score": str(score),
        "result_citycode": citycode,
        "result_status": "ok",
    }


NOT_FOUND = {"latitude": "", "longitude": "", "result_label": "", "result_score": "", "result_status": "not-found"}


@pytest.fixture
def ban_stub(settings):
    """A local HTTP server playing the geocoder; set `.respond` (search) or `.respond_csv` (batch)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GeocoderHandler)
    server.requests = []
    server.csv_requests = []
    server.csv_status = 200
    server.respond = lambda query: {"type": "FeatureCollection", "features": []}
    server.respond_csv = lambda row: NOT_FOUND
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER_API_URL = f"http://127.0.0.1:{server.server_address[1]}/search"
    settings.GEOCODER_TIMEOUT_SECONDS = 2
    settings.GEOCODER_CSV_TIMEOUT_SECONDS = 2
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def ban_down(settings):
    """A geocoder URL on a local port where nothing listens: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.GEOCODER_API_URL = f"http://127.0.0.1:{port}/search"
    settings.GEOCODER_TIMEOUT_SECONDS = 1
    settings.GEOCODER_CSV_TIMEOUT_SECONDS = 1
    return settings.GEOCODER_API_URL
