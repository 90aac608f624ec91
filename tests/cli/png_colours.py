"""Counts the colours of a PNG screenshot, decoded with zlib alone (no imaging library).

usage: png_colours.py FILE.png MIN_COLOURS [RRGGBB ...]

Exits 1 unless the image (8-bit RGB or RGBA, not interlaced) has at least MIN_COLOURS
distinct colours among every other row, and every RRGGBB given occurs there.
"""
import struct
import sys
import zlib


def rows(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace:
        raise ValueError("only 8-bit RGB(A) without interlacing is read here")
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    prev = bytearray(stride)
    for y in range(height):
        off = y * (stride + 1)
        kind, row = raw[off], bytearray(raw[off + 1:off + 1 + stride])
        # The five PNG filters, undone byte by byte.
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 255
        elif kind == 2:
            row = bytearray((a + b) & 255 for a, b in zip(row, prev))
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + (left + prev[i]) // 2) & 255
        elif kind == 4:
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        yield y, row, bpp
        prev = row


def main():
    path, minimum = sys.argv[1], int(sys.argv[2])
    wanted = {bytes.fromhex(c) for c in sys.argv[3:]}
    colours = set()
    for y, row, bpp in rows(path):
        if y % 2 == 0:
            colours.update(bytes(row[x:x + 3]) for x in range(0, len(row), bpp))
    missing = [c.hex() for c in wanted - colours]
    print("%s: %d colours" % (path, len(colours)))
    if len(colours) < minimum:
        print("%s: %d colours, expected at least %d" % (path, len(colours), minimum),
              file=sys.stderr)
        return 1
    if missing:
        print("%s: colours %s do not occur" % (path, ", ".join(missing)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
