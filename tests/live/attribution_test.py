#!/usr/bin/env python3
"""Live: `vedetta probe -i lo --events ebpf` names the client and the server
process of loopback flows: a TCP server and a TCP client in separate
processes (the client exits right after its exchange), a UDP request and a
reply. Needs root and BPF; prints SKIP and exits 77 without them, unless
CI=true, where that is a failure.
  attribution_test.py VEDETTA"""
import json
import os
import subprocess
import sys
import tempfile
import time

from live_support import Checks, running, skip, stop_probe

VEDETTA = sys.argv[1]

SERVER = r'''
import socket, sys
tcp = socket.socket(); tcp.bind(("127.0.0.1", 0)); tcp.listen(4)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 0))
print(tcp.getsockname()[1], udp.getsockname()[1], flush=True)
c, _ = tcp.accept(); c.recv(100); c.sendall(b"pong" * 10); c.close()
data, peer = udp.recvfrom(100); udp.sendto(b"answer", peer)
'''
CLIENT = r'''
import socket, sys
tcp_port, udp_port = int(sys.argv[1]), int(sys.argv[2])
c = socket.create_connection(("127.0.0.1", tcp_port)); c.sendall(b"ping"); c.recv(100)
print(c.getsockname()[1], flush=True); c.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b"question", ("127.0.0.1", udp_port))
u.recvfrom(100); print(u.getsockname()[1], flush=True)
'''


def main():
    if os.geteuid() != 0:
        skip("needs root (packet capture and BPF)")
    check = Checks()

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "flows.json")
        probe = subprocess.Popen([VEDETTA, "probe", "-i", "lo", "--events", "ebpf", "--json", out,
                                  "-q", "--duration", "20", "-d", "2", "--tcp-close-timeout", "1"],
                                 stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1.5)  # BPF loaded, capture open
            if not running(probe, check):
                return check.failures
            server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
            tcp_port, udp_port = map(int, server.stdout.readline().split())
            client = subprocess.Popen([sys.executable, "-c", CLIENT, str(tcp_port), str(udp_port)],
                                      stdout=subprocess.PIPE, text=True)
            tcp_cport = int(client.stdout.readline())
            udp_cport = int(client.stdout.readline())
            client.wait(timeout=10)
            server.wait(timeout=10)
            time.sleep(0.5)
        finally:
            err = stop_probe(probe)
        flows = [json.loads(l) for l in open(out)]

    def find(proto, cport, sport):
        return [f for f in flows if f.get("PROTOCOL") == proto and f.get("L4_SRC_PORT") == cport
                and f.get("L4_DST_PORT") == sport]

    for label, proto, cport, sport in (("TCP", 6, tcp_cport, tcp_port), ("UDP", 17, udp_cport, udp_port)):
        got = find(proto, cport, sport)
        if not check(len(got) == 1, f"{label} flow exported once ({len(got)})"):
            continue
        f = got[0]
        check(f.get("SRC_PROC_PID") == client.pid,
              f"{label}: client process is the client's pid {client.pid} ({f.get('SRC_PROC_PID')})")
        check(f.get("DST_PROC_PID") == server.pid,
              f"{label}: server process is the server's pid {server.pid} ({f.get('DST_PROC_PID')})")
        check(f.get("SRC_PROC_NAME", "").startswith("python") and f.get("DST_PROC_NAME", "").startswith("python"),
              f"{label}: process names ({f.get('SRC_PROC_NAME')}, {f.get('DST_PROC_NAME')})")
        check(f.get("SRC_FATHER_PROC_PID") == os.getpid(),
              f"{label}: the client's parent is this test ({f.get('SRC_FATHER_PROC_PID')})")
        check(f.get("SRC_PROC_USER_NAME") == "root", f"{label}: user name ({f.get('SRC_PROC_USER_NAME')})")
        check("-c" in f.get("SRC_PROC_CMDLINE", ""), f"{label}: command line ({f.get('SRC_PROC_CMDLINE')!r})")
    check("attribution: " in err and "events lost: 0 socket" in err,
          "exit report has the attribution line with no lost events")
    return check.failures


if __name__ == "__main__":
    failed = main()
    print(f"{0 if failed else 1} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)
