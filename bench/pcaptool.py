#!/usr/bin/env python3
"""Writes the benchmark captures (classic pcap, microseconds, Ethernet).

  pcaptool.py loop --min-packets N -o OUT.pcap IN.pcap...
      Concatenates the inputs (classic pcap, Ethernet) again and again until
      OUT holds at least N packets. Loop 0 is the inputs unchanged; in loop k
      the last byte of every unicast IPv4/IPv6 address is XORed with k and the
      IPv4 header and TCP/UDP/ICMPv6 checksums are fixed up incrementally (as
      tcpreplay --unique-ip does), so each loop brings new flows instead of
      feeding flows whose detection is already over. Timestamps are rewritten
      so that they never go back: each file starts 1 s after the previous one
      ends, a step back inside a file becomes 0 and a gap longer than 60 s
      becomes 60 s (some captures span years).

  pcaptool.py flows --flows N -o OUT.pcap
      N distinct flows, 2/3 TCP (SYN, SYN+ACK, ACK: 3 packets, no payload,
      to ports 443/80/22/8080) and 1/3 UDP (a DNS query and its answer, one A
      record: 2 packets), 10.0.0.0/8 clients to 172.16.0.0/12 servers. Packets of consecutive flows interleave a little (each flow's
      packets are spread over a window of 64 flows) so the table is not only
      ever touched at its newest entry.
"""
import argparse
import struct
import sys

PCAP_HDR = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
REC = struct.Struct("<IIII")
MAX_GAP_US = 60_000_000  # longer silences inside a capture are shortened to this


def read_pcap(path):
    """Yields (ts_us, orig_len, data) of a classic pcap file (either endianness, us or ns)."""
    with open(path, "rb") as f:
        buf = f.read()
    magic = buf[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap file (convert it with editcap -F pcap)")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", buf[20:24])[0] & 0x0FFFFFFF
    if linktype != 1:
        raise SystemExit(f"{path}: link type {linktype}, only Ethernet (1) is supported")
    rec = struct.Struct(end + "IIII")
    off = 24
    n = len(buf)
    while off + 16 <= n:
        sec, frac, incl, orig = rec.unpack_from(buf, off)
        off += 16
        if off + incl > n:
            break  # truncated last record
        us = frac // 1000 if nano else frac
        yield sec * 1_000_000 + us, orig, buf[off:off + incl]
        off += incl


def csum_fix(old_cks, old_words, new_words):
    """RFC 1624 incremental update: HC' = ~(~HC + ~m + m')."""
    s = (~old_cks) & 0xFFFF
    for m, m2 in zip(old_words, new_words):
        s += ((~m) & 0xFFFF) + m2
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def plan_packet(data):
    """Where loop k must patch this frame: ([byte offsets of address last bytes],
    [(checksum offset, zero_means_none)]). Every patched byte is the low byte of a
    16-bit word that both the IP header checksum and the L4 pseudo header cover."""
    n = len(data)
    off = 12
    if n < 14:
        return None
    etype = (data[12] << 8) | data[13]
    off = 14
    while etype in (0x8100, 0x88A8, 0x9100) and off + 4 <= n:
        etype = (data[off + 2] << 8) | data[off + 3]
        off += 4
    addrs, cks = [], []
    if etype == 0x0800 and off + 20 <= n:
        ihl = (data[off] & 0x0F) * 4
        if ihl < 20 or off + ihl > n:
            return None
        for a in (off + 12, off + 16):
            first = data[a]
            if first < 224 and data[a:a + 4] != b"\0\0\0\0":
                addrs.append(a + 3)
        if not addrs:
            return None
        cks.append((off + 10, False))
        frag = ((data[off + 6] & 0x1F) << 8) | data[off + 7]
        proto = data[off + 9]
        l4 = off + ihl
        if frag == 0:
            if proto == 6 and l4 + 18 <= n:
                cks.append((l4 + 16, False))
            elif proto == 17 and l4 + 8 <= n:
                cks.append((l4 + 6, True))
        return addrs, cks
    if etype == 0x86DD and off + 40 <= n:
        for a in (off + 8, off + 24):
            if data[a] != 0xFF and data[a:a + 16] != b"\0" * 16:
                addrs.append(a + 15)
        if not addrs:
            return None
        nh = data[off + 6]
        l4 = off + 40
        if nh == 6 and l4 + 18 <= n:
            cks.append((l4 + 16, False))
        elif nh == 17 and l4 + 8 <= n:
            cks.append((l4 + 6, True))
        elif nh == 58 and l4 + 4 <= n:
            cks.append((l4 + 2, False))
        return addrs, cks
    return None


def cmd_loop(args):
    base = []  # (ts_us, orig_len, data, plan)
    t = None  # rewritten time of the previous packet
    for path in args.inputs:
        prev = None
        for ts, orig, data in read_pcap(path):
            if t is None:
                t = ts
            elif prev is None:
                t += 1_000_000  # next file: 1 s after the previous one ends
            else:
                t += min(max(ts - prev, 0), MAX_GAP_US)
            prev = ts
            base.append((t, orig, data, plan_packet(data)))
    t_end = t
    if not base:
        raise SystemExit("no packets in the inputs")
    span = t_end - base[0][0] + 1_000_000
    loops = -(-args.min_packets // len(base))
    if loops > 255:
        raise SystemExit(f"{loops} loops needed, at most 255 (address XOR is one byte)")
    pack = REC.pack
    with open(args.output, "wb", buffering=1 << 22) as out:
        out.write(PCAP_HDR)
        for k in range(loops):
            dt = k * span
            for ts, orig, data, plan in base:
                ts += dt
                if k and plan:
                    addrs, cks = plan
                    b = bytearray(data)
                    old = [((b[a - 1] << 8) | b[a]) for a in addrs]
                    for a in addrs:
                        b[a] ^= k
                    new = [((b[a - 1] << 8) | b[a]) for a in addrs]
                    for c, zero_none in cks:
                        v = (b[c] << 8) | b[c + 1]
                        if zero_none and v == 0:
                            continue
                        v = csum_fix(v, old, new)
                        if zero_none and v == 0:
                            v = 0xFFFF
                        b[c] = v >> 8
                        b[c + 1] = v & 0xFF
                    data = b
                out.write(pack(ts // 1_000_000, ts % 1_000_000, len(data), orig))
                out.write(data)
    print(f"{args.output}: {loops * len(base)} packets ({loops} loops of {len(base)} "
          f"packets from {len(args.inputs)} files)", file=sys.stderr)


def ones_csum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip_csum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def cmd_flows(args):
    n = args.flows
    mac_c = bytes.fromhex("020000000001")
    mac_s = bytes.fromhex("020000000002")
    eth_cs = mac_s + mac_c + b"\x08\x00"  # client -> server frame
    eth_sc = mac_c + mac_s + b"\x08\x00"
    ip_hdr = struct.Struct("!BBHHHBBH4s4s")
    tcp_hdr = struct.Struct("!HHIIBBHHH")
    udp_hdr = struct.Struct("!HHHH")
    question = b"\x07example\x03com\x00\x00\x01\x00\x01"  # example.com A IN
    udp_q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + question
    answer = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\x5d\xb8\xd8\x22"  # A 93.184.216.34
    udp_a = b"\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + question + answer
    pack = REC.pack
    t0 = 1_700_000_000_000_000
    window = 64
    # Packet i of flow f is written at slot f + i * window/3: flows interleave
    # in a sliding window. We emit in slot order with a small ring buffer.
    pending = {}
    written = 0

    def frames(f):
        c = 0x0A000000 | (f & 0xFFFFFF)             # 10.x.y.z
        s = 0xAC100000 | ((f * 2654435761) & 0xFFFFF)  # 172.16.0.0/12
        src, dst = struct.pack("!I", c), struct.pack("!I", s)
        cport = 1024 + (f % 64000)
        if f % 3 != 2:  # TCP handshake
            sport = (443, 80, 22, 8080)[f % 4]
            out = []
            for i, (flags, a, b, sp, dp, eth) in enumerate((
                    (0x02, src, dst, cport, sport, eth_cs),
                    (0x12, dst, src, sport, cport, eth_sc),
                    (0x10, src, dst, cport, sport, eth_cs))):
                tcp = tcp_hdr.pack(sp, dp, 1000 + i, 0 if i == 0 else 2000, 0x50, flags, 65535, 0, 0)
                pseudo = a + b + b"\x00\x06\x00\x14"
                tcp = tcp[:16] + struct.pack("!H", ones_csum(pseudo + tcp)) + tcp[18:]
                ip = ip_hdr.pack(0x45, 0, 40, f & 0xFFFF, 0x4000, 64, 6, 0, a, b)
                ip = ip[:10] + struct.pack("!H", ip_csum(ip)) + ip[12:]
                out.append(eth + ip + tcp)
            return out
        sport = 53
        out = []
        for (a, b, sp, dp, eth, pl) in ((src, dst, cport, sport, eth_cs, udp_q),
                                       (dst, src, sport, cport, eth_sc, udp_a)):
            udp = udp_hdr.pack(sp, dp, 8 + len(pl), 0) + pl
            ip = ip_hdr.pack(0x45, 0, 20 + len(udp), f & 0xFFFF, 0, 64, 17, 0, a, b)
            ip = ip[:10] + struct.pack("!H", ip_csum(ip)) + ip[12:]
            out.append(eth + ip + udp)
        return out

    with open(args.output, "wb", buffering=1 << 22) as out:
        out.write(PCAP_HDR)
        slot = 0
        f_next = 0
        step = window // 3
        last_slot = n + 2 * step
        while slot <= last_slot:
            # Flow slot starts now: schedule its packets.
            if f_next < n and f_next == slot:
                for i, fr in enumerate(frames(f_next)):
                    pending.setdefault(slot + i * step, []).append(fr)
                f_next += 1
            for fr in pending.pop(slot, ()):
                ts = t0 + written * 10  # 100 k packets per second of capture time
                out.write(pack(ts // 1_000_000, ts % 1_000_000, len(fr), len(fr)))
                out.write(fr)
                written += 1
            slot += 1
    print(f"{args.output}: {written} packets, {n} flows", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    lp = sub.add_parser("loop")
    lp.add_argument("--min-packets", type=int, default=2_000_000)
    lp.add_argument("-o", "--output", required=True)
    lp.add_argument("inputs", nargs="+")
    fp = sub.add_parser("flows")
    fp.add_argument("--flows", type=int, default=1_000_000)
    fp.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    {"loop": cmd_loop, "flows": cmd_flows}[args.cmd](args)


if __name__ == "__main__":
    main()
