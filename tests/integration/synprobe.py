#!/usr/bin/env python3
"""One hand-made TCP SYN on a link, and whether anything answers it:

  synprobe.py IFNAME DST_MAC SRC_IP DST_IP DPORT

sends an Ethernet frame to DST_MAC holding an IPv4 SYN from SRC_IP to
DST_IP:DPORT (a packet no socket would send: DST_IP may be 127.0.0.1), then
listens on the link for up to 2 seconds and prints "synack" when a SYN-ACK
for it comes back (whatever its source address: a DNAT answers from the
address the SYN went to), "rst" for a reset, "none" otherwise. AF_PACKET
sees the frame before the kernel's martian checks, so a reply from
127.0.0.1 is seen too.
"""
import os
import random
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff


def main():
    ifname, dst_mac, src, dst, dport = sys.argv[1:6]
    dport = int(dport)
    sport = random.randint(20000, 60000)
    seq = random.randint(0, 2**32 - 1)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((ifname, 0))
    src_mac = s.getsockname()[4]
    sip, dip = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    tcp = tcp[:16] + struct.pack("!H", csum(sip + dip + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), os.getpid() & 0xffff, 0, 64, 6, 0, sip, dip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex(dst_mac.replace(":", "")) + src_mac + b"\x08\x00"
    s.send(eth + ip + tcp)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        s.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            frame = s.recv(2048)
        except socket.timeout:
            break
        pkt = frame[14:]
        if len(pkt) < 40 or pkt[9] != 6 or pkt[16:20] != sip:
            continue
        ihl = (pkt[0] & 15) * 4
        sp, dp, _, ack, _, flags = struct.unpack("!HHIIBB", pkt[ihl:ihl + 14])
        if sp != dport or dp != sport:
            continue
        if flags & 0x12 == 0x12 and ack == (seq + 1) & 0xffffffff:
            print("synack")
            return
        if flags & 0x04:
            print("rst")
            return
    print("none")


main()
