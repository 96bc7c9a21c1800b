#!/usr/bin/env python3
"""Writes N synthetic PTA VPN registrations as JSON lines for `darwaza registry import`
(bench/vpn_lookup.sh): ~70 % IPv4 /24-/32 and ~30 % IPv6 /32-/64 public ranges, fixed seed.
Usage: gen_vpn_ranges.py N OUT.jsonl PROBES.txt  (PROBES: addresses to look up, half covered)."""
import ipaddress, json, random, sys

# IPv4 blocks that are not public (IANA special-purpose registry); ranges there are skipped.
SPECIAL = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24",
    "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/3")]

def main():
    n, out, probes = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rnd = random.Random(20261123)
    hits = []
    with open(out, "w") as f:
        i = 0
        while i < n:
            if rnd.random() < 0.7:
                p = rnd.randint(24, 32)
                net = ipaddress.ip_network((rnd.randint(0x01000000, 0xDFFFFFFF) >> (32 - p) << (32 - p), p))
                if any(net.overlaps(s) for s in SPECIAL):
                    continue
            else:
                p = rnd.randint(32, 64)
                addr = (0x2400 + rnd.randint(0, 0x9FF)) << 112 | rnd.getrandbits(112)
                net = ipaddress.ip_network((addr >> (128 - p) << (128 - p), p))
            if i % 2 == 0:
                hits.append(str(net[rnd.randint(0, min(net.num_addresses - 1, 255))]))
            f.write(json.dumps({"fields": {
                "registrant_name": f"Synthetic Firm {i}", "cnic": f"35202-{i % 10_000_000:07d}-1",
                "email": f"vpn{i}@example.pk", "mobile": f"+9230{i % 100_000_000:08d}", "vpn_type": "ipsec",
                "purpose": "Synthetic registration for the look-up benchmark", "endpoints": [str(net)],
                "isp": "PTCL"}}) + "\n")
            i += 1
    with open(probes, "w") as f:
        for a in hits:
            f.write(a + "\n")
            # A miss: an address in a reserved documentation block, never registered.
            f.write(f"198.51.100.{rnd.randint(1, 254)}\n")

main()
