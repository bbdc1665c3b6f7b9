#!/usr/bin/python3
"""Writes the small HDF5 files the HDF5 reader tests use.

Run once by hand (needs Debian's python3-h5py); the outputs are committed and
the tests never need h5py. Values follow simple formulas so the tests can
recompute them:  ramp(n)[i] = i * 0.25 - 3  (float),  iramp(n)[i] = i - 5.
"""
import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def ramp(n, dtype="<f4"):
    return (np.arange(n, dtype=np.float64) * 0.25 - 3).astype(dtype)


def iramp(n, dtype):
    return (np.arange(n, dtype=np.int64) - 5).astype(dtype)


def compact_dataset(group, name, data):
    """A dataset with the compact layout (data inside the object header)."""
    space = h5py.h5s.create_simple(data.shape)
    plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    plist.set_layout(h5py.h5d.COMPACT)
    tid = h5py.h5t.py_create(data.dtype)
    dsid = h5py.h5d.create(group.id, name.encode(), tid, space, dcpl=plist)
    dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, data)


def implicit_index_dataset(group, name, data, chunks):
    """Chunked, early allocation, no filters: the implicit chunk index (layout v4)."""
    space = h5py.h5s.create_simple(data.shape)
    plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    plist.set_chunk(chunks)
    plist.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    tid = h5py.h5t.py_create(data.dtype)
    dsid = h5py.h5d.create(group.id, name.encode(), tid, space, dcpl=plist)
    dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, data)


def common_content(f):
    """Objects written identically into the classic and the latest-format file."""
    f.attrs["title"] = "tiny fixture"                      # variable-length string, scalar
    f.attrs.create("names", np.array([b"alpha", b"beta", b"gamma_delta"], dtype="S12"))
    f.attrs["counts"] = np.array([1, -2, 300000], dtype="<i4")
    f.attrs["ratio"] = np.float64(0.125)
    f.attrs["halves"] = np.array([0.5, -1.5, 65504.0], dtype="<f2")
    f.attrs.create("empty", np.zeros((0,), dtype="<f8"))
    f.attrs["utf8"] = "gr\u00fc\u00dfe"
    f.attrs.create("vlen_list", ["one", "two", "three"], dtype=h5py.string_dtype())

    d = f.create_group("data")
    d.create_dataset("f32", data=ramp(24).reshape(2, 3, 4))
    d.create_dataset("f64_be", data=ramp(10, ">f8"))
    d.create_dataset("f16", data=ramp(7, "<f2"))
    d.create_dataset("i8", data=iramp(9, "i1"))
    d.create_dataset("u16_be", data=np.arange(6, dtype=">u2") * 1000)
    d.create_dataset("i32_be", data=iramp(5, ">i4"))
    d.create_dataset("i64", data=iramp(5, "<i8") * 1000000000000)
    d.create_dataset("scalar", data=np.float32(42.5))
    d.create_dataset("empty", shape=(0, 3), dtype="<f4")
    d.create_dataset("unwritten", shape=(3, 2), dtype="<f4", fillvalue=7.5)
    d.create_dataset("fixed_strings", data=np.array([b"ab", b"cde", b""], dtype="S4"))
    d.create_dataset("vlen_strings", data=["x", "longer text", ""], dtype=h5py.string_dtype())
    compact_dataset(d, "compact", ramp(6, "<f4"))
    d["f32"].attrs["unit"] = "meters"

    c = f.create_group("chunked")
    c.create_dataset("gzip_shuffle", data=ramp(1000).reshape(10, 100), chunks=(3, 30),
                     compression="gzip", shuffle=True)
    c.create_dataset("plain", data=ramp(300).reshape(30, 10), chunks=(4, 4))
    c.create_dataset("fletcher", data=ramp(50), chunks=(16,), fletcher32=True)
    many = c.create_dataset("many_chunks", shape=(200,), chunks=(1,), dtype="<f4")
    many[...] = ramp(200)
    part = c.create_dataset("partial", shape=(4, 4), chunks=(2, 2), dtype="<f4", fillvalue=-1)
    part[0:2, 0:2] = 9.0
    c.create_dataset("lzf", data=np.zeros(100, dtype="<f4"), chunks=(50,), compression="lzf")
    c.create_dataset("scaleoffset", data=iramp(10, "<i4"), chunks=(5,), scaleoffset=0)

    g = f.create_group("many")
    target = g.create_dataset("target", data=np.int16(-7))
    for i in range(150):
        g["child_%03d" % i] = target   # hard links: many entries, one object

    n = f.create_group("nested/inner/deepest")
    n.attrs["depth"] = np.int32(3)
    f["links/soft"] = h5py.SoftLink("/data")
    f["links/hard"] = f["data/f64_be"]
    f["links/dangling"] = h5py.SoftLink("/does/not/exist")
    f["links/loop_a"] = h5py.SoftLink("/links/loop_b")
    f["links/loop_b"] = h5py.SoftLink("/links/loop_a")
    f["links/external"] = h5py.ExternalLink("other.h5", "/x")
    f["links/up"] = f["links"]   # hard-link cycle: /links/up is /links


def write_classic(path):
    with h5py.File(path, "w") as f:
        common_content(f)


def write_latest(path):
    with h5py.File(path, "w", libver="latest") as f:
        common_content(f)
        dense = f.create_group("dense_attrs")
        for i in range(20):
            dense.attrs["attr_%02d" % i] = np.int32(i * 10)
        dense.attrs["big"] = "0123456789" * 7000   # over 64 KiB: a huge fractal-heap object
        ordered = f.create_group("ordered", track_order=True)
        for name in ["zeta", "alpha", "mid"]:
            ordered.create_group(name)
        for name in ["z_last", "a_first"]:
            ordered.attrs[name] = name

        idx = f.create_group("index")
        idx.create_dataset("single", data=ramp(12).reshape(3, 4), chunks=(3, 4))
        idx.create_dataset("single_gzip", data=ramp(12).reshape(3, 4), chunks=(3, 4), compression="gzip")
        idx.create_dataset("fixed", data=ramp(100).reshape(10, 10), chunks=(3, 4))
        idx.create_dataset("fixed_gzip", data=ramp(100).reshape(10, 10), chunks=(3, 4),
                           compression="gzip", shuffle=True)
        idx.create_dataset("fixed_paged", data=iramp(1100, "i1"), chunks=(1,))
        idx.create_dataset("earray", data=ramp(700).reshape(350, 2), chunks=(1, 2), maxshape=(None, 2))
        idx.create_dataset("earray_gzip", data=ramp(700).reshape(350, 2), chunks=(1, 2), maxshape=(None, 2),
                           compression="gzip")
        idx.create_dataset("earray_dim1", data=ramp(60).reshape(3, 20), chunks=(3, 1), maxshape=(3, None))
        idx.create_dataset("btree2", data=ramp(120).reshape(12, 10), chunks=(2, 3), maxshape=(None, None))
        idx.create_dataset("btree2_gzip", data=ramp(120).reshape(12, 10), chunks=(2, 3),
                           maxshape=(None, None), compression="gzip")
        implicit_index_dataset(idx, "implicit", ramp(30).reshape(5, 6), (2, 4))
        idx.create_dataset("fixed_max", data=ramp(100).reshape(10, 10), chunks=(3, 4), maxshape=(20, 13))
        sparse = idx.create_dataset("earray_sparse", shape=(40,), maxshape=(None,), chunks=(4,),
                                    dtype="<f4", fillvalue=2.5)
        sparse[8:12] = 1.0
        idx.create_dataset("unwritten_fixed", shape=(10,), chunks=(5,), dtype="<f4", fillvalue=3.0)
        idx.create_dataset("unwritten_earray", shape=(10,), maxshape=(None,), chunks=(5,), dtype="<f4",
                           fillvalue=4.0)
        idx.create_dataset("unwritten_btree2", shape=(4, 4), maxshape=(None, None), chunks=(2, 2), dtype="<f4",
                           fillvalue=5.0)


if __name__ == "__main__":
    write_classic(os.path.join(HERE, "tiny_classic.h5"))
    write_latest(os.path.join(HERE, "tiny_latest.h5"))
    print("wrote", os.listdir(HERE), file=sys.stderr)
