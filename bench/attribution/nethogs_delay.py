#!/usr/bin/env python3
"""How long must a connection stay open for nethogs to name its process?

A python client on loopback connects, sends 100 bytes, reads the answer,
keeps the connection open HOLD ms, closes and exits; the server closes its
end at once. For each HOLD, REPEAT clients, while `nethogs -a -t -v 2 lo`
watches; prints how many clients nethogs named (their pid on a line of its
last complete report). Explains the misses in vs_nethogs.py.

  nethogs_delay.py [--repeat 5] [HOLD_MS ...]          (root, nethogs)
"""
import argparse
import socket
import subprocess
import sys
import tempfile
import threading
import time


def serve(listener):
    while True:
        c, _ = listener.accept()
        c.recv(1000)
        c.sendall(b"ok")
        c.close()


def client(port, hold_ms):
    code = (f"import socket, time\ns = socket.create_connection(('127.0.0.1', {port}))\n"
            f"s.sendall(b'x' * 100); s.recv(10); time.sleep({hold_ms / 1000}); s.close()")
    p = subprocess.Popen([sys.executable, "-c", code])
    p.wait()
    return p.pid


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("holds", nargs="*", type=float, default=[0, 20, 50, 100, 200, 500])
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    threading.Thread(target=serve, args=(listener,), daemon=True).start()
    port = listener.getsockname()[1]
    out = tempfile.NamedTemporaryFile("w+", suffix=".nethogs.txt")
    nethogs = subprocess.Popen(["nethogs", "-a", "-t", "-v", "2", "-d", "1", "lo"], stdout=out,
                               stderr=subprocess.STDOUT)
    time.sleep(2)
    pids = {}
    for hold in a.holds:
        for _ in range(a.repeat):
            pids.setdefault(hold, []).append(client(port, hold))
            time.sleep(0.2)  # one connection at a time in nethogs' view
    time.sleep(2.5)  # two more reports
    nethogs.terminate()
    nethogs.wait()
    out.seek(0)
    report = out.read().split("Refreshing:")[-2]  # the last complete one
    print("| connection kept open after the exchange | clients nethogs named |\n|---:|---:|")
    for hold, ps in pids.items():
        named = sum(f"/{p}/" in report for p in ps)
        print(f"| {hold:g} ms | {named} of {len(ps)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
