#!/usr/bin/env python3
"""`vedetta server`'s console from the command line: the first admin's
password (random: printed once and in a 0600 file; or from a file), users
and sessions across a restart, the data directory handed to --user, and
clear errors for unusable options.

usage: server_cli_test.py --vedetta BUILD/vedetta CASE
"""
import argparse
import json
import os
import pwd
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from web_support import check, failures, free_port


def request(port, method, path, body=None, headers=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, dict(res.headers), json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"null")


def login(port, password):
    status, headers, body = request(port, "POST", "/api/v1/login",
                                    {"user": "admin", "password": password})
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    return status, cookie


class Server:
    """`vedetta server` with a ZeroMQ input nobody sends to, and the console."""

    def __init__(self, vedetta, data_dir, extra=(), env=None):
        self.port = free_port()
        self.err_path = data_dir.rstrip("/") + ".err"
        self.cmd = [vedetta, "server", "-i", f"tcp://127.0.0.1:{free_port()}c", "-q",
                    "--http-port", str(self.port), "--data-dir", data_dir] + list(extra)
        self.env = dict(os.environ, **(env or {}))
        self.env.pop("VEDETTA_ADMIN_PASSWORD", None) if not env else None

    def __enter__(self):
        self.err = open(self.err_path, "w+")
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=self.err,
                                     env=self.env)
        # The port is bound before the privilege drop, the users opened
        # after it: ready once the console says where it is.
        end = time.time() + 20
        while time.time() < end and self.proc.poll() is None and "console at" not in self.stderr():
            time.sleep(0.1)
        return self

    def stderr(self):
        self.err.flush()
        with open(self.err_path) as f:
            return f.read()

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)
        self.err.close()


def run_error(vedetta, args):
    p = subprocess.run([vedetta, "server", "-i", f"tcp://127.0.0.1:{free_port()}c", "-q"] + args,
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stderr


def case_first_start(vedetta, tmp):
    data = os.path.join(tmp, "data")
    with Server(vedetta, data, ["--keep-root"]) as s:
        pw_file = os.path.join(data, "admin-password")
        check(os.path.exists(pw_file), "the random password is written to DATA_DIR/admin-password")
        password = open(pw_file).read().strip()
        check(stat.S_IMODE(os.stat(pw_file).st_mode) == 0o600, "admin-password is 0600")
        check(stat.S_IMODE(os.stat(data).st_mode) == 0o700, "the data directory is 0700")
        check(len(password) >= 20, "the password is long")
        check(s.stderr().count(password) == 1, "printed once on stderr")
        status, cookie = login(s.port, password)
        check(status == 200 and cookie.startswith("vedetta_session="), "it logs in")
        check(login(s.port, password + "x")[0] == 401, "a wrong password is refused")
    with Server(vedetta, data, ["--keep-root"]) as s:
        check(password not in s.stderr(), "not printed at the next start")
        status, _, body = request(s.port, "GET", "/api/v1/session", headers={"Cookie": cookie})
        check(status == 200 and body["user"] == "admin", "the session survives the restart")
        check(login(s.port, password)[0] == 200, "so does the user")


def case_password_file(vedetta, tmp):
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("from-a-file-123\n")
    os.chmod(pw, 0o600)
    data = os.path.join(tmp, "data")
    with Server(vedetta, data, ["--keep-root", "--admin-password-file", pw]) as s:
        check(login(s.port, "from-a-file-123")[0] == 200, "--admin-password-file sets it")
        check(not os.path.exists(os.path.join(data, "admin-password")), "no admin-password file")
        check("from-a-file-123" not in s.stderr(), "the given password is not printed")
    data2 = os.path.join(tmp, "data2")
    with Server(vedetta, data2, ["--keep-root"], env={"VEDETTA_ADMIN_PASSWORD": "from-env-1234"}) as s:
        check(login(s.port, "from-env-1234")[0] == 200, "VEDETTA_ADMIN_PASSWORD sets it")


def case_privdrop(vedetta, tmp):
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            check(False, "privdrop needs root")
            return
        print("SKIP: needs root to drop privileges")
        sys.exit(77)
    os.chmod(tmp, 0o755)  # nobody must reach the data directory inside
    data = os.path.join(tmp, "data")
    nobody = pwd.getpwnam("nobody")
    with Server(vedetta, data, ["--user", "nobody"]) as s:
        with open(f"/proc/{s.proc.pid}/status") as f:
            uid = next(line.split()[1] for line in f if line.startswith("Uid:"))
        check(int(uid) == nobody.pw_uid, "the server runs as nobody")
        st = os.stat(data)
        check(st.st_uid == nobody.pw_uid, "the data directory belongs to nobody")
        check(os.stat(os.path.join(data, "users.json")).st_uid == nobody.pw_uid,
              "users.json belongs to nobody (written after the drop)")
        password = open(os.path.join(data, "admin-password")).read().strip()
        status, cookie = login(s.port, password)
        check(status == 200, "login works after the drop (sessions written as nobody)")


def case_errors(vedetta, tmp):
    afile = os.path.join(tmp, "file")
    open(afile, "w").close()
    code, err = run_error(vedetta, ["--keep-root", "--data-dir", afile])
    check(code == 1 and f"--data-dir {afile}: not a directory" in err, f"data dir is a file: {err.strip()}")
    data = os.path.join(tmp, "damaged")
    os.mkdir(data, 0o700)
    with open(os.path.join(data, "users.json"), "w") as f:
        f.write('{"users": [{"user": "admin"}]}')
    code, err = run_error(vedetta, ["--keep-root", "--data-dir", data, "--http-port", str(free_port())])
    check(code == 1 and f"{data}/users.json: users[0]: missing string 'role'" in err,
          f"damaged users.json named: {err.strip()}")
    code, err = run_error(vedetta, ["--keep-root", "--data-dir", os.path.join(tmp, "d2"),
                                    "--tls-cert", afile])
    check(code == 1 and "--tls-cert and --tls-key go together" in err, f"cert without key: {err.strip()}")
    code, err = run_error(vedetta, ["--keep-root", "--data-dir", "", "--http-port", str(free_port())])
    check(code == 1 and "--data-dir" in err, f"console without a data directory: {err.strip()}")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, err = run_error(vedetta, ["--keep-root", "--data-dir", os.path.join(tmp, "d3"),
                                        "--http-port", str(port)])
        check(code == 1 and f"--http-port {port}: cannot listen" in err, f"busy port: {err.strip()}")


CASES = {"first_start": case_first_start, "password_file": case_password_file,
         "privdrop": case_privdrop, "errors": case_errors}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        CASES[args.case](os.path.abspath(args.vedetta), tmp)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
