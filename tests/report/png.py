#!/usr/bin/env python3
"""Tiny PNG reader/writer (zlib only, no PIL) for the report test.

  png.py stats FILE                  width, height, non-white share, distinct colours
  png.py crop FILE X Y W H OUT [S]   crop (and shrink by an integer factor S) to OUT
"""
import struct, sys, zlib

def read(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, inter = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and inter == 0, "unsupported PNG"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return w, h, bpp, rows

def write(path, w, h, rows):
    raw = b"".join(b"\x00" + r for r in rows)
    def chunk(k, b): return struct.pack(">I", len(b)) + k + b + struct.pack(">I", zlib.crc32(k + b))
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

if __name__ == "__main__":
    w, h, bpp, rows = read(sys.argv[2])
    if sys.argv[1] == "stats":
        colours, nonwhite = set(), 0
        for r in rows[::2]:
            for x in range(0, w * bpp, bpp * 2):
                px = r[x:x + 3]; colours.add(px)
                if px != b"\xff\xff\xff": nonwhite += 1
        total = len(rows[::2]) * len(range(0, w * bpp, bpp * 2))
        print(w, h, "%.4f" % (nonwhite / total), len(colours))
    else:
        X, Y, W, H = map(int, sys.argv[3:7]); s = int(sys.argv[8]) if len(sys.argv) > 8 else 1
        out = []
        for y in range(Y, min(Y + H, h), s):
            r = rows[y]
            out.append(b"".join(r[x * bpp:x * bpp + 3] for x in range(X, min(X + W, w), s)))
        write(sys.argv[7], len(out[0]) // 3, len(out), out)
