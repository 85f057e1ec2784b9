"""Fixtures of the directory tests: a stub Base Adresse Nationale (BAN) server for geocoding."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest


class _BanHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        server = self.server
        query = parse_qs(urlparse(self.path).query)
        server.requests.append(query)
        body = server.respond(query)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
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


@pytest.fixture
def ban_stub(settings):
    """A local HTTP server playing the Base Adresse Nationale; set `.respond` to choose its answer."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BanHandler)
    server.requests = []
    server.respond = lambda query: {"type": "FeatureCollection", "features": []}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.BAN_API_URL = f"http://127.0.0.1:{server.server_address[1]}/search/"
    settings.BAN_TIMEOUT_SECONDS = 2
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def ban_down(settings):
    """A BAN URL on a local port where nothing listens: connections are refused at once."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.BAN_API_URL = f"http://127.0.0.1:{port}/search/"
    settings.BAN_TIMEOUT_SECONDS = 1
    return settings.BAN_API_URL
