#!/usr/bin/env python3
"""SCTP packets without the kernel's SCTP stack (a kernel may have no sctp
module; netfilter's SCTP conntrack and NAT are all a published port needs):
raw IP sockets of protocol 132 carrying one INIT chunk.

  sctpcheck.py send ADDR PORT            one INIT to ADDR:PORT from port 40000
  sctpcheck.py sniff OUT SECONDS         "DADDR DPORT" of each SCTP packet
                                         received, one a line, into OUT, for
                                         at most SECONDS; OUT.up once it listens
"""
import socket
import struct
import sys
import time

IPPROTO_SCTP = 132
SPORT = 40000


def crc32c(data):
    """RFC 3309's checksum (Castagnoli), bit by bit: packets are small."""
    crc = 0xffffffff
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff


def init_packet(dport):
    # Common header (verification tag 0 for INIT), then the INIT chunk:
    # type 1, flags, length 20, initiate tag, a_rwnd, streams out/in, TSN.
    chunk = struct.pack('!BBHIIHHI', 1, 0, 20, 0x1234abcd, 65535, 1, 1, 1)
    header = struct.pack('!HHII', SPORT, dport, 0, 0)
    # Stored little-endian, as the kernel's sctp_compute_cksum() leaves it.
    crc = struct.pack('<I', crc32c(header + chunk))
    return header[:8] + crc + chunk


def send(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_SCTP)
    s.sendto(init_packet(int(port)), (addr, 0))


def sniff(out, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_SCTP)
    s.settimeout(0.2)
    open(out + '.up', 'w').close()
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        try:
            pkt = s.recv(2048)
        except socket.timeout:
            continue
        ihl = (pkt[0] & 0x0f) * 4
        daddr = socket.inet_ntoa(pkt[16:20])
        _, dport = struct.unpack('!HH', pkt[ihl:ihl + 4])
        with open(out, 'a') as f:
            f.write(f'{daddr} {dport}\n')


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {'send': send, 'sniff': sniff}[cmd](*args)


if __name__ == '__main__':
    main()
