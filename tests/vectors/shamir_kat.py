#!/usr/bin/env python3
"""Independent Shamir-over-GF(2^8) reference for breakglass known-answer tests.

Written from the description in vault/crypto/shamir.h only: field GF(2^8) with
the AES polynomial x^8+x^4+x^3+x+1 (0x11B), one polynomial per secret byte
f_b(x) = s_b + a_1 x + ... + a_{m-1} x^{m-1}, share x = 1..n, and the random
bytes consumed byte-major: the coefficients of byte b are
random[b*(m-1) : (b+1)*(m-1)] = a_1 .. a_{m-1}.

It splits with fixed "random" bytes, then recovers the secret from every
m-subset by Lagrange interpolation at x = 0 (a second, independent check), and
prints the vectors pinned in vault/crypto/shamir_test.cc:
    python3 tests/vectors/shamir_kat.py
"""
from itertools import combinations


def gf_mul(a, b):
    """Schoolbook carry-less product, then reduction modulo 0x11B."""
    p = 0
    for i in range(8):
        if (b >> i) & 1:
            p ^= a << i
    for bit in range(14, 7, -1):
        if (p >> bit) & 1:
            p ^= 0x11B << (bit - 8)
    return p


def gf_inv(a):
    return next(c for c in range(1, 256) if gf_mul(a, c) == 1)


def split(secret, m, n, rand):
    shares = {x: bytearray() for x in range(1, n + 1)}
    for b, s in enumerate(secret):
        coeffs = [s] + list(rand[b * (m - 1):(b + 1) * (m - 1)])
        for x in shares:
            y, xp = 0, 1
            for c in coeffs:          # sum of c_k * x^k, term by term
                y ^= gf_mul(c, xp)
                xp = gf_mul(xp, x)
            shares[x].append(y)
    return {x: bytes(y) for x, y in shares.items()}


def combine(points):
    out = bytearray(len(next(iter(points.values()))))
    for xi, yi in points.items():
        li = 1
        for xj in points:
            if xj != xi:
                li = gf_mul(li, gf_mul(xj, gf_inv(xi ^ xj)))
        for b, y in enumerate(yi):
            out[b] ^= gf_mul(li, y)
    return bytes(out)


VECTORS = [
    # (name, secret, m, n, random bytes)
    ("m3n5", b"breakglass", 3, 5, bytes((7 * i + 3) % 256 for i in range(2 * 10))),
    ("m2n2", bytes.fromhex("00ff80017f"), 2, 2, bytes.fromhex("0102fe8000")),
    ("m5n7", bytes.fromhex("d3adb33f"), 5, 7, bytes((31 * i + 200) % 256 for i in range(4 * 4))),
]

assert gf_mul(0x57, 0x83) == 0xC1 and gf_mul(0x53, 0xCA) == 0x01  # FIPS-197 §4.2
for name, secret, m, n, rand in VECTORS:
    shares = split(secret, m, n, rand)
    for subset in combinations(shares, m):
        assert combine({x: shares[x] for x in subset}) == secret
    print(f"{name}: m={m} n={n} secret={secret.hex()} random={rand.hex()}")
    for x, y in shares.items():
        print(f"  share {x}: {y.hex()}")
