#!/usr/bin/env python3
"""Paced loopback traffic for the attribution cost benchmark (cpu_cost.py).

  loopback_load.py serve
      TCP request/response, UDP echo and a bulk TCP sink on 127.0.0.1;
      prints {"tcp": PORT, "udp": PORT, "bulk": PORT} and serves until killed.
  loopback_load.py client TCP UDP BULK SECONDS TCP_RATE UDP_RATE BULK_MBIT
      TCP_RATE short connections a second (connect, 64 bytes, answer, close),
      UDP_RATE request/response exchanges a second (each from a new socket:
      a new flow), and one bulk stream of BULK_MBIT Mbit/s in 16 KiB
      send() calls, for SECONDS; prints what it achieved as JSON.

Every call is a plain send/recv (sendto/recvfrom to the kernel): the calls
the attribution programs report, so the stream costs events per call.
"""
import json
import socket
import sys
import threading
import time

LOCAL = "127.0.0.1"
CHUNK = 16 * 1024


def listener(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((LOCAL, 0))
    if kind == socket.SOCK_STREAM:
        s.listen(512)
    return s


def serve_requests(s):
    while True:
        c, _ = s.accept()
        c.recv(1024)
        c.sendall(b"a" * 64)
        c.close()


def serve_echo(s):
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(data, peer)


def serve_bulk(s):
    while True:
        c, _ = s.accept()
        while c.recv(1 << 16):
            pass
        c.close()


def serve():
    tcp, udp, bulk = (listener(socket.SOCK_STREAM), listener(socket.SOCK_DGRAM),
                      listener(socket.SOCK_STREAM))
    for fn, s in ((serve_requests, tcp), (serve_echo, udp), (serve_bulk, bulk)):
        threading.Thread(target=fn, args=(s,), daemon=True).start()
    print(json.dumps({"tcp": tcp.getsockname()[1], "udp": udp.getsockname()[1],
                      "bulk": bulk.getsockname()[1]}), flush=True)
    threading.Event().wait()


def paced(rate, seconds, one):
    """Calls one() `rate` times a second for `seconds`; catches up when late.
    Returns how many calls were made."""
    if rate <= 0:
        return 0
    start, n = time.monotonic(), 0
    while True:
        due = start + n / rate
        now = time.monotonic()
        if due - start >= seconds:
            return n
        if due > now:
            time.sleep(due - now)
        one()
        n += 1


def client(tcp, udp, bulk, seconds, tcp_rate, udp_rate, bulk_mbit):
    seconds, done = float(seconds), {}

    def request():
        with socket.create_connection((LOCAL, int(tcp))) as c:
            c.sendall(b"q" * 64)
            c.recv(1024)

    def exchange():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.settimeout(2)
            u.sendto(b"q" * 64, (LOCAL, int(udp)))
            u.recvfrom(2048)

    def stream():
        chunks_per_s = float(bulk_mbit) * 1e6 / 8 / CHUNK
        with socket.create_connection((LOCAL, int(bulk))) as c:
            payload = b"b" * CHUNK
            done["bulk_bytes"] = CHUNK * paced(chunks_per_s, seconds, lambda: c.sendall(payload))

    jobs = {"tcp_connections": (float(tcp_rate), request),
            "udp_exchanges": (float(udp_rate), exchange)}
    threads = [threading.Thread(target=lambda k=k, r=r, f=f: done.__setitem__(k, paced(r, seconds, f)))
               for k, (r, f) in jobs.items()]
    threads.append(threading.Thread(target=stream))
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done["seconds"] = round(time.monotonic() - t0, 3)
    print(json.dumps(done), flush=True)


if __name__ == "__main__":
    roles = {"serve": serve, "client": client}
    if len(sys.argv) < 2 or sys.argv[1] not in roles:
        sys.exit(__doc__)
    roles[sys.argv[1]](*sys.argv[2:])
