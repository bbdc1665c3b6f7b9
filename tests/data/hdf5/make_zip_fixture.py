#!/usr/bin/python3
"""Writes archive.zip: one stored and one deflated entry (for the ZIP reader test)."""
import os
import zipfile

here = os.path.dirname(os.path.abspath(__file__))
with zipfile.ZipFile(os.path.join(here, "archive.zip"), "w") as z:
    z.writestr(zipfile.ZipInfo("stored.txt", (2024, 1, 1, 0, 0, 0)), b"plain text, stored as is\n",
               compress_type=zipfile.ZIP_STORED)
    z.writestr(zipfile.ZipInfo("folder/deflated.txt", (2024, 1, 1, 0, 0, 0)),
               b"".join(b"line %d of a compressible file\n" % i for i in range(400)),
               compress_type=zipfile.ZIP_DEFLATED)
