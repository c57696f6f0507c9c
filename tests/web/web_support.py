"""Helpers shared by the console's Python tests: checks, a JSON client of
the API, and the built server run on a free port for the length of a
`with` block."""
import contextlib
import http.cookiejar
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(predicate, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


class Api:
    """The REST API as a browser uses it: cookies kept, the CSRF token sent."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.csrf:
            req.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.opener.open(req, timeout=10) as res:
                return res.status, json.loads(res.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def get(self, path):
        return self.call("GET", path)


@contextlib.contextmanager
def running_server(vedetta, data_dir, password, *args):
    """`vedetta server ARGS --http-port P --data-dir DATA_DIR --keep-root -q`
    with PASSWORD as the first admin's: yields P once the server listens
    (None, its stderr printed, if it does not within 20 s); stops it after."""
    port = free_port()
    env = dict(os.environ, VEDETTA_ADMIN_PASSWORD=password)
    with open(os.path.join(os.path.dirname(data_dir), f"server-{port}.err"), "w+") as err:
        server = subprocess.Popen(
            [vedetta, "server", *args, "--http-port", str(port), "--data-dir", data_dir,
             "--keep-root", "-q"], stdout=subprocess.DEVNULL, stderr=err, env=env)
        try:
            up = wait_for(lambda: server.poll() is None and listening(port), 20)
            if not up:
                err.seek(0)
                print(err.read())
            yield port if up else None
        finally:
            server.terminate()
            server.wait(timeout=30)
