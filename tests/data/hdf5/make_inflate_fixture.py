#!/usr/bin/python3
"""Writes skewed.zz: a zlib stream whose dynamic Huffman codes reach 15 bits
(symbols drawn with probability ~ 0.93^k), plus repeats for long matches.
The test checks the inflated size and CRC-32 printed here."""
import os
import random
import zlib

rng = random.Random(1234)
weights = [0.93 ** k for k in range(256)]
data = bytearray(rng.choices(range(256), weights=weights, k=20000))
data += data[1000:5000] * 3          # long back-references
data += bytes(300) + b"xyz" * 500     # runs
compressed = zlib.compress(bytes(data), 9)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "skewed.zz"), "wb") as f:
    f.write(compressed)
print(len(data), zlib.crc32(bytes(data)), len(compressed))
