#!/usr/bin/env python3
"""Live: `vedetta probe --events-only` (agent mode) builds flows from the
socket system calls alone, on 127.0.0.1: a TCP exchange of 10,000 bytes up
and 50,000 down, an HTTP request (nDPI must name HTTP from the copied
data), a DNS-like UDP query and answer, TCP connections whose 30,000
bytes go out by sendfile() and 20,000 by splice() from a pipe (in the
flows, and in the exit report's "sendfile/splice" counter), and TCP over
::1 and over a dual-stack socket with an IPv4 peer. Each flow: its tuple,
payload bytes per direction (each byte counted once though both ends are
local), client and server processes. Needs root and BPF; prints SKIP and exits 77 without
them, unless CI=true, where that is a failure.
  agent_mode_test.py VEDETTA"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live_support import Checks, skip  # noqa: E402

VEDETTA = sys.argv[1]
UP, DOWN, SENDFILE, SPLICE = 10_000, 50_000, 30_000, 20_000
REQUEST = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
# A DNS query for example.com, type A, and an answer of the same length class.
QUERY = bytes.fromhex("abcd01000001000000000000076578616d706c6503636f6d0000010001")
ANSWER = bytes.fromhex("abcd81800001000100000000076578616d706c6503636f6d0000010001"
                       "c00c000100010000012c00045db8d822")

SERVER = r'''
import os, socket, sys
UP, DOWN, SENDFILE, SPLICE = map(int, sys.argv[1:5]); blob = sys.argv[5]
response, answer = bytes.fromhex(sys.argv[6]), bytes.fromhex(sys.argv[7])
tcp = socket.socket(); tcp.bind(("127.0.0.1", 0)); tcp.listen(4)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    udp.bind(("127.0.0.1", 53))  # nDPI names DNS on its port only
except OSError:
    udp.bind(("127.0.0.1", 0))
print(tcp.getsockname()[1], udp.getsockname()[1], flush=True)
def recv_exactly(c, n):
    got = 0
    while got < n:
        b = c.recv(n - got)
        if not b: break
        got += len(b)
c, _ = tcp.accept(); recv_exactly(c, UP); c.sendall(b"d" * DOWN); c.close()
c, _ = tcp.accept(); c.recv(1000); c.sendall(response); c.close()
data, peer = udp.recvfrom(1000); udp.sendto(answer, peer)
c, _ = tcp.accept()
with open(blob, "rb") as f:
    sent = 0
    while sent < SENDFILE:
        sent += os.sendfile(c.fileno(), f.fileno(), sent, SENDFILE - sent)
c.close()
c, _ = tcp.accept()  # splice from a pipe into the socket
r, w = os.pipe(); os.write(w, b"s" * SPLICE)
moved = 0
while moved < SPLICE:
    moved += os.splice(r, c.fileno(), SPLICE - moved)
c.close()
'''
CLIENT = r'''
import socket, sys
tcp_port, udp_port, UP, DOWN = map(int, sys.argv[1:5])
request, query = bytes.fromhex(sys.argv[5]), bytes.fromhex(sys.argv[6])
def drain(c):
    while c.recv(65536): pass
c = socket.create_connection(("127.0.0.1", tcp_port)); c.sendall(b"u" * UP)
ports = [c.getsockname()[1]]; drain(c); c.close()
c = socket.create_connection(("127.0.0.1", tcp_port)); c.sendall(request)
ports.append(c.getsockname()[1]); drain(c); c.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(query, ("127.0.0.1", udp_port))
u.recvfrom(1000); ports.append(u.getsockname()[1])
for _ in range(2):  # sendfile, then splice
    c = socket.create_connection(("127.0.0.1", tcp_port)); ports.append(c.getsockname()[1])
    drain(c); c.close()
print(*ports, flush=True)
'''

# IPv6 on ::1, then a dual-stack IPv6 socket with an IPv4 peer (mapped
# address: the flow is IPv4), both ends in one process.
FAMILIES = r'''
import socket, threading
def exchange(listen_addr, connect_addr, v6only, up, down):
    srv = socket.socket(socket.AF_INET6)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    srv.bind((listen_addr, 0)); srv.listen(1)
    def serve():
        c, _ = srv.accept(); got = 0
        while got < up:
            got += len(c.recv(65536))
        c.sendall(b"y" * down); c.close()
    t = threading.Thread(target=serve); t.start()
    c = socket.create_connection((connect_addr, srv.getsockname()[1])); c.sendall(b"x" * up)
    while c.recv(65536): pass
    port = c.getsockname()[1]; c.close(); t.join()
    return port, srv.getsockname()[1]
print(*exchange("::1", "::1", 1, 3000, 7000), *exchange("::", "127.0.0.1", 0, 100, 500), flush=True)
'''



def main():
    if os.geteuid() != 0:
        skip("needs root (BPF)")
    check = Checks()

    with tempfile.TemporaryDirectory() as tmp:
        blob = os.path.join(tmp, "blob")
        with open(blob, "wb") as f:
            f.write(os.urandom(SENDFILE))
        probe = subprocess.Popen([VEDETTA, "probe", "--events-only", "--json", "-",
                                  "--stats-interval", "100", "--duration", "40", "-d", "3",
                                  "--tcp-close-timeout", "1"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # The privilege-drop note comes once BPF is loaded; an error ends the probe.
            first = probe.stderr.readline()
            if probe.poll() is not None or "running as" not in first:
                probe.wait(timeout=10)
                err = first + probe.stderr.read()
                if probe.returncode != 0 and ("BPF" in err or "root" in err):
                    skip(err.strip())
                check(False, f"probe running ({err.strip()})")
                return check.failures
            server = subprocess.Popen([sys.executable, "-c", SERVER, str(UP), str(DOWN), str(SENDFILE),
                                       str(SPLICE), blob, RESPONSE.hex(), ANSWER.hex()],
                                      stdout=subprocess.PIPE, text=True)
            tcp_port, udp_port = map(int, server.stdout.readline().split())
            client = subprocess.Popen([sys.executable, "-c", CLIENT, str(tcp_port), str(udp_port),
                                       str(UP), str(DOWN), REQUEST.hex(), QUERY.hex()],
                                      stdout=subprocess.PIPE, text=True)
            bulk_port, http_port, dns_port, sendfile_port, splice_port = map(int, client.stdout.readline().split())
            client.wait(timeout=20)
            server.wait(timeout=20)
            families = subprocess.Popen([sys.executable, "-c", FAMILIES], stdout=subprocess.PIPE,
                                        text=True)
            families_pid = families.pid
            ports = families.communicate(timeout=20)[0]
            v6_cport, v6_sport, mapped_cport, mapped_sport = map(int, ports.split())
        finally:
            probe.send_signal(signal.SIGINT)
            try:
                out, err = probe.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                probe.kill()
                out, err = probe.communicate()
        flows = [json.loads(l) for l in out.splitlines() if l.strip()]
        print("probe's exit report:\n  " + "\n  ".join(err.strip().splitlines()), flush=True)

    def payload(f, side, header):
        return f.get(f"{side}_OCTETS", 0) - header * f.get(f"{side}_PKTS", 0)

    def one_flow(label, proto, cport, sport, ip="IPV4", addr="127.0.0.1", pids=None):
        got = [f for f in flows if f.get("PROTOCOL") == proto and f.get("L4_SRC_PORT") == cport
               and f.get("L4_DST_PORT") == sport and f.get(f"{ip}_SRC_ADDR") == addr
               and f.get(f"{ip}_DST_ADDR") == addr]
        check(len(got) == 1, f"{label}: one flow {addr}:{cport} -> {addr}:{sport} ({len(got)})")
        if not got:
            return {}
        f = got[0]
        cpid, spid = pids or (client.pid, server.pid)
        check(f.get("SRC_PROC_PID") == cpid and f.get("DST_PROC_PID") == spid,
              f"{label}: client {cpid} and server {spid} processes "
              f"({f.get('SRC_PROC_PID')}, {f.get('DST_PROC_PID')})")
        check(f.get("INTERFACE_NAME", "syscalls") == "syscalls", f"{label}: input 'syscalls'")
        return f

    tcp_header, udp_header = 40, 28
    f = one_flow("bulk TCP", 6, bulk_port, tcp_port)
    if f:
        check(payload(f, "INITIATOR", tcp_header) == UP and payload(f, "RESPONDER", tcp_header) == DOWN,
              f"bulk TCP: {UP} bytes up, {DOWN} down, each once "
              f"({payload(f, 'INITIATOR', tcp_header)}, {payload(f, 'RESPONDER', tcp_header)})")
    f = one_flow("HTTP", 6, http_port, tcp_port)
    if f:
        check(f.get("L7_PROTO_NAME") == "HTTP", f"HTTP: nDPI names HTTP ({f.get('L7_PROTO_NAME')})")
        check(payload(f, "INITIATOR", tcp_header) == len(REQUEST)
              and payload(f, "RESPONDER", tcp_header) == len(RESPONSE),
              f"HTTP: request and response bytes ({payload(f, 'INITIATOR', tcp_header)}, "
              f"{payload(f, 'RESPONDER', tcp_header)})")
    f = one_flow("DNS-like UDP", 17, dns_port, udp_port)
    if f:
        check(payload(f, "INITIATOR", udp_header) == len(QUERY)
              and payload(f, "RESPONDER", udp_header) == len(ANSWER),
              f"UDP: query and answer bytes ({payload(f, 'INITIATOR', udp_header)}, "
              f"{payload(f, 'RESPONDER', udp_header)})")
        if udp_port == 53:
            check(f.get("L7_PROTO_NAME") == "DNS", f"UDP: nDPI names DNS ({f.get('L7_PROTO_NAME')})")
        else:
            print("skip UDP: nDPI's DNS name (127.0.0.1:53 is taken)")
    f = one_flow("sendfile", 6, sendfile_port, tcp_port)
    if f:
        check(payload(f, "RESPONDER", tcp_header) == SENDFILE,
              f"sendfile: {SENDFILE} bytes in the flow ({payload(f, 'RESPONDER', tcp_header)})")
    f = one_flow("splice", 6, splice_port, tcp_port)
    if f:
        check(payload(f, "RESPONDER", tcp_header) == SPLICE,
              f"splice: {SPLICE} bytes in the flow ({payload(f, 'RESPONDER', tcp_header)})")
    for label, ip, addr, cport, sport, header, up, down in (
            ("IPv6", "IPV6", "::1", v6_cport, v6_sport, 60, 3000, 7000),
            ("dual-stack socket, IPv4 peer", "IPV4", "127.0.0.1", mapped_cport, mapped_sport, 40, 100, 500)):
        f = one_flow(label, 6, cport, sport, ip, addr, (families_pid, families_pid))
        if f:
            check(payload(f, "INITIATOR", header) == up and payload(f, "RESPONDER", header) == down,
                  f"{label}: {up} bytes up, {down} down ({payload(f, 'INITIATOR', header)}, "
                  f"{payload(f, 'RESPONDER', header)})")
    m = re.search(r"sendfile/splice (\d+) calls, (\d+) bytes", err)
    check(m is not None and int(m.group(1)) >= 2 and int(m.group(2)) >= SENDFILE + SPLICE,
          f"exit report counts the sendfile and splice bytes as moved without data ({m and m.group(0)})")
    check("0 events lost" in err, "no event lost")
    return check.failures


if __name__ == "__main__":
    failed = main()
    print(f"{0 if failed else 1} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)
