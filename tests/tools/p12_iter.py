#!/usr/bin/env python3
"""p12_iter.py IN OUT mac|enc COUNT: a copy of the PKCS#12 file IN whose MAC
iteration count (mac), or the iteration count of every key derivation of
its encrypted parts (enc: PBKDF2 and PKCS#12 PBE parameters), is COUNT.
Only the DER is rewritten (lengths adjusted): no derivation is run, so
absurd counts cost nothing to make. The MAC no longer matches after "enc";
trustd must refuse the count before it looks at the MAC anyway."""
import sys

PBKDF2 = bytes.fromhex("2a864886f70d01050c")      # 1.2.840.113549.1.5.12
PKCS12_PBE = bytes.fromhex("2a864886f70d010c01")  # 1.2.840.113549.1.12.1.*


def parse(data):
    """DER bytes -> list of [tag, value] (value: bytes or list of nodes)."""
    out, i = [], 0
    while i < len(data):
        tag = data[i]
        n = data[i + 1]
        i += 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(data[i:i + k], "big")
            i += k
        body = data[i:i + n]
        if len(body) != n:
            raise ValueError("truncated")
        i += n
        if tag & 0x20:
            out.append([tag, parse(body)])
        elif tag == 0x04:
            try:  # an OCTET STRING that holds DER (the PKCS#12 contents)
                inner = parse(body)
                out.append([tag, inner] if inner and inner[0][0] == 0x30 else [tag, body])
            except (ValueError, IndexError):
                out.append([tag, body])
        else:
            out.append([tag, body])
    return out


def encode(nodes):
    out = b""
    for tag, value in nodes:
        body = encode(value) if isinstance(value, list) else value
        n = len(body)
        length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
        out += bytes([tag]) + length + body
    return out


def integer(v):
    body = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True)
    return [0x02, body]


def set_kdf_counts(nodes, count, found):
    for node in nodes:
        if not isinstance(node[1], list):
            continue
        kids = node[1]
        if node[0] == 0x30 and len(kids) == 2 and kids[0][0] == 0x06 and isinstance(kids[1][1], list):
            oid = kids[0][1]
            if oid == PBKDF2 or oid.startswith(PKCS12_PBE):
                kids[1][1][1] = integer(count)
                found.append(oid)
        set_kdf_counts(kids, count, found)


def main():
    src, dst, what, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    tree = parse(open(src, "rb").read())
    pfx = tree[0][1]
    if what == "mac":
        pfx[2][1][2] = integer(count)  # MacData: DigestInfo, salt, iterations
    else:
        found = []
        set_kdf_counts(pfx[1][1], count, found)
        if not found:
            sys.exit("no key derivation found")
    open(dst, "wb").write(encode(tree))


main()
