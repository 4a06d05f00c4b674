#!/usr/bin/env python3
"""png_not_blank.py PNG MIN_INK: checks a screenshot shows a page, not a
blank one: the share of pixels that differ from the most common
(background) colour must be at least MIN_INK (e.g. 0.02), and some pixels
must be red (the report's finding titles and drawn cycles are red). Decodes 8-bit RGB/RGBA PNGs
itself (zlib and the five scanline filters), so it needs nothing beyond
Python."""
import struct
import sys
import zlib
from collections import Counter


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("%s: not a PNG" % path)
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or color not in (2, 6) or interlace:
                sys.exit("%s: unsupported PNG (depth %d, colour type %d)" % (path, depth, color))
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def main():
    path, min_ink = sys.argv[1], float(sys.argv[2])
    width, height, bpp, rows = decode(path)
    pixels = Counter()
    red = 0
    for line in rows[::2]:  # every other row: plenty, and twice as fast
        for x in range(0, width * bpp, bpp * 2):
            r, g, b = line[x], line[x + 1], line[x + 2]
            pixels[(r, g, b)] += 1
            if r > 150 and g < 90 and b < 90:
                red += 1
    total = sum(pixels.values())
    background, count = pixels.most_common(1)[0]
    ink = 1 - count / total
    print("%s: %dx%d, background #%02x%02x%02x, %.1f%% ink, %d colours, %d red samples" %
          (path, width, height, *background, 100 * ink, len(pixels), red))
    if ink < min_ink:
        sys.exit("blank: only %.2f%% of the page differs from the background" % (100 * ink))
    if red == 0:
        sys.exit("no red: the cycle is not drawn")


main()
