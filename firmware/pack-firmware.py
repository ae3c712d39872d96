#!/usr/bin/env python3
"""Packs a slot image into a signed BMC firmware update image (the format FirmwarePackage.cs reads).

usage: pack-firmware.py --key KEY.pem --board MODEL --arch ARCH --version V PAYLOAD OUT

  "APPLFW" 00h 01h | u32 LE manifest length | manifest JSON | payload |
  u16 LE signature length | ECDSA P-256 / SHA-256 signature (DER) over everything before it
"""
import argparse, hashlib, json, os, struct, subprocess, sys, tempfile

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--key", required=True, help="the update signing key (PEM, EC P-256 private key)")
    p.add_argument("--board", required=True)
    p.add_argument("--arch", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("payload")
    p.add_argument("out")
    a = p.parse_args()
    sha = hashlib.sha256()
    with open(a.payload, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha.update(chunk)
    manifest = json.dumps({
        "board": a.board, "architecture": a.arch, "version": a.version,
        "payloadLength": os.path.getsize(a.payload), "payloadSha256": sha.hexdigest(),
    }, sort_keys=True, separators=(",", ":")).encode()
    tmp = a.out + ".unsigned"
    with open(tmp, "wb") as out, open(a.payload, "rb") as f:
        out.write(b"APPLFW\x00\x01" + struct.pack("<I", len(manifest)) + manifest)
        for chunk in iter(lambda: f.read(1 << 20), b""):
            out.write(chunk)
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", a.key, tmp],
                               check=True, capture_output=True).stdout
    with open(tmp, "ab") as out:
        out.write(struct.pack("<H", len(signature)) + signature)
    os.replace(tmp, a.out)

if __name__ == "__main__":
    sys.exit(main())
