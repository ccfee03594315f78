#!/usr/bin/env python3
"""pcapng.py FILE...: check --pcap-dir files as a reader would.

Each file must be a pcapng section (SHB first, little- or big-endian),
every block's length the same at both ends and a multiple of 4, every
Enhanced Packet Block after an interface, with a direction in epb_flags
(1 inbound, 2 outbound) and a comment, its captured length within the
block, and timestamps never going back.  Prints one summary line; exits 1
naming the first file that breaks a rule.
"""
import struct
import sys


def check(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x0a\x0d\x0d\x0a" or len(data) < 28:
        return "no section header block first", 0, 0
    bom = data[8:12]
    end = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">" if bom == b"\x1a\x2b\x3c\x4d" else None
    if not end:
        return "bad byte-order magic", 0, 0
    off, ifaces, last, n_in, n_out = 0, 0, -1, 0, 0
    while off < len(data):
        if off + 12 > len(data):
            return f"truncated block at {off}", n_in, n_out
        btype, blen = struct.unpack(end + "II", data[off:off + 8])
        if blen % 4 or blen < 12 or off + blen > len(data):
            return f"bad block length {blen} at {off}", n_in, n_out
        (tail,) = struct.unpack(end + "I", data[off + blen - 4:off + blen])
        if tail != blen:
            return f"block at {off}: length {blen} at the start, {tail} at the end", n_in, n_out
        if btype == 1:
            ifaces += 1
        elif btype == 6:
            if not ifaces:
                return "a packet before any interface", n_in, n_out
            _, hi, lo, cap, orig = struct.unpack(end + "IIIII", data[off + 8:off + 28])
            if cap > orig or 28 + cap > blen - 4:
                return f"packet at {off}: captured {cap} of {orig} in a {blen}-byte block", n_in, n_out
            t = hi << 32 | lo
            if t < last:
                return f"packet at {off} is earlier than the one before", n_in, n_out
            last = t
            o, flags, comment = off + 28 + (cap + 3) // 4 * 4, None, None
            while o + 4 <= off + blen - 4:
                code, olen = struct.unpack(end + "HH", data[o:o + 4])
                if code == 0:
                    break
                if code == 2:
                    (flags,) = struct.unpack(end + "I", data[o + 4:o + 8])
                if code == 1:
                    comment = data[o + 4:o + 4 + olen]
                o += 4 + (olen + 3) // 4 * 4
            if flags is None or flags & 3 not in (1, 2):
                return f"packet at {off} has no direction", n_in, n_out
            if not comment:
                return f"packet at {off} has no comment", n_in, n_out
            n_in += flags & 3 == 1
            n_out += flags & 3 == 2
        off += blen
    return None, n_in, n_out


def main():
    total_in = total_out = 0
    for path in sys.argv[1:]:
        why, n_in, n_out = check(path)
        if why:
            print(f"pcapng: {path}: {why}")
            sys.exit(1)
        total_in += n_in
        total_out += n_out
    print(f"pcapng: {len(sys.argv) - 1} files valid, {total_in} packets in, "
          f"{total_out} out, in time order, each with its direction and comment")


main()
