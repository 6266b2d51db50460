#!/usr/bin/env python3
"""Independent encoder for the breakglass release-box envelope, version 1.

Written from the format in vault/crypto/release_box.h only, with the Python
`cryptography` package (X25519, HKDF, AESGCM). It prints the known-answer
vector pinned in vault/crypto/release_box_test.cc; rerun it to check that
vector:  python3 tests/vectors/release_box_kat.py
"""
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw

recipient_sk = bytes(range(0x40, 0x60))         # 32 bytes
ephemeral_sk = bytes(range(0xa0, 0xc0))         # 32 bytes
iv = bytes.fromhex("000102030405060708090a0b")
context = b"req-0001"
plaintext = b"correct horse battery staple"

recipient = X25519PrivateKey.from_private_bytes(recipient_sk)
ephemeral = X25519PrivateKey.from_private_bytes(ephemeral_sk)
rpk = recipient.public_key().public_bytes(*RAW)
epk = ephemeral.public_key().public_bytes(*RAW)
shared = ephemeral.exchange(recipient.public_key())
key = HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + rpk,
           info=b"breakglass release-box v1\x00" + context).derive(shared)
header = b"\x01" + epk
envelope = header + iv + AESGCM(key).encrypt(iv, plaintext, header + context)

for name, value in [("recipient_private", recipient_sk), ("recipient_public", rpk),
                    ("ephemeral_private", ephemeral_sk), ("iv", iv),
                    ("context", context), ("plaintext", plaintext),
                    ("envelope", envelope)]:
    print(f"{name:18} {value.hex()}")
