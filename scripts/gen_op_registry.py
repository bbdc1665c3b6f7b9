#!/usr/bin/env python3
"""Generates core/ops/op_registry_data.inc from the op table in op-registry.md.

The table lists every TensorFlow 2.21 op with its flags (stateful,
deprecation version), input and output arguments and attributes with their
defaults. This script turns it into three flat C++ arrays (arguments,
attributes, ops) with each default already encoded as serialized AttrValue
bytes, so the C++ side never parses text at run time and the build does not
need the markdown file.

Usage: scripts/gen_op_registry.py [path/to/op-registry.md] [output.inc]
Defaults: ../shared/spec/op-registry.md and core/ops/op_registry_data.inc,
relative to the repository root. Python 3 standard library only.
"""

import os
import re
import struct
import sys

DATA_TYPES = {
    "DT_INVALID": 0, "DT_FLOAT": 1, "DT_DOUBLE": 2, "DT_INT32": 3, "DT_UINT8": 4,
    "DT_INT16": 5, "DT_INT8": 6, "DT_STRING": 7, "DT_COMPLEX64": 8, "DT_INT64": 9,
    "DT_BOOL": 10, "DT_QINT8": 11, "DT_QUINT8": 12, "DT_QINT32": 13, "DT_BFLOAT16": 14,
    "DT_QINT16": 15, "DT_QUINT16": 16, "DT_UINT16": 17, "DT_COMPLEX128": 18, "DT_HALF": 19,
    "DT_RESOURCE": 20, "DT_VARIANT": 21, "DT_UINT32": 22, "DT_UINT64": 23,
    "DT_FLOAT8_E5M2": 24, "DT_FLOAT8_E4M3FN": 25, "DT_FLOAT8_E4M3FNUZ": 26,
    "DT_FLOAT8_E4M3B11FNUZ": 27, "DT_FLOAT8_E5M2FNUZ": 28, "DT_INT4": 29, "DT_UINT4": 30,
    "DT_INT2": 31, "DT_UINT2": 32, "DT_FLOAT4_E2M1FN": 33,
}

ATTR_KINDS = {
    "type", "int", "string", "bool", "float", "shape", "tensor", "func",
    "list(type)", "list(shape)", "list(int)", "list(string)", "list(float)", "list(func)",
}


class TableError(Exception):
    pass


# --- protobuf wire encoding (just what AttrValue defaults need) -------------

def varint(value):
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def tag(field, wire_type):
    return varint((field << 3) | wire_type)


def length_delimited(field, payload):
    return tag(field, 2) + varint(len(payload)) + payload


def float32(text):
    return struct.pack("<f", float(text))


def split_top_level(text, separator=","):
    """Splits on `separator` outside brackets, braces and quotes."""
    parts, depth, current, quoted = [], 0, "", False
    i = 0
    while i < len(text):
        c = text[i]
        if quoted:
            current += c
            if c == "\\" and i + 1 < len(text):
                current += text[i + 1]
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
            current += c
        elif c in "[{(":
            depth += 1
            current += c
        elif c in "]})":
            depth -= 1
            current += c
        elif c == separator and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += c
        i += 1
    if current.strip():
        parts.append(current.strip())
    return parts


def unquote(text):
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise TableError("expected a quoted string, found %r" % text)
    body, out, i = text[1:-1], bytearray(), 0
    escapes = {"n": b"\n", "t": b"\t", "r": b"\r", '"': b'"', "\\": b"\\", "'": b"'"}
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body) or body[i + 1] not in escapes:
                raise TableError("unknown escape in %r" % text)
            out += escapes[body[i + 1]]
            i += 2
        else:
            out += c.encode("utf-8")
            i += 1
    return bytes(out)


def encode_shape(text):
    """`{}` (scalar), `{unknown_rank:true}` or `{dim:… …}` → TensorShapeProto bytes."""
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise TableError("bad shape default %r" % text)
    body = body[1:-1].strip()
    if body == "":
        return b""
    if body == "unknown_rank:true":
        return tag(3, 0) + varint(1)
    out = b""
    for size in re.findall(r"dim:\s*(-?\d+)", body):
        out += length_delimited(2, tag(1, 0) + varint(int(size)) if int(size) != 0 else b"")
    if not out:
        raise TableError("bad shape default %r" % text)
    return out


def encode_tensor(text):
    match = re.fullmatch(r"TensorProto\{(.*)\}", text.strip())
    if not match:
        raise TableError("bad tensor default %r" % text)
    out_dtype, out_shape, out_ints = b"", b"", b""
    for part in split_top_level(match.group(1)):
        key, _, value = part.partition(":")
        key, value = key.strip(), value.strip()
        if key == "dtype":
            out_dtype = tag(1, 0) + varint(DATA_TYPES[value])
        elif key == "shape":
            dims = [d for d in value.strip("[]").split(",") if d.strip()]
            shape = b"".join(length_delimited(2, tag(1, 0) + varint(int(d))) for d in dims)
            out_shape = length_delimited(2, shape)
        elif key == "int_val":
            values = [int(v) for v in value.strip("[]").split(",") if v.strip()]
            out_ints = length_delimited(7, b"".join(varint(v) for v in values))
        else:
            raise TableError("unsupported tensor field %r" % key)
    return out_dtype + out_shape + out_ints


def encode_default(kind, text):
    """Returns the serialized AttrValue for a default written in the table."""
    if kind == "string":
        return length_delimited(2, unquote(text))
    if kind == "int":
        return tag(3, 0) + varint(int(text))
    if kind == "float":
        return tag(4, 5) + float32(text)
    if kind == "bool":
        if text not in ("true", "false"):
            raise TableError("bad bool default %r" % text)
        return tag(5, 0) + varint(1 if text == "true" else 0)
    if kind == "type":
        return tag(6, 0) + varint(DATA_TYPES[text])
    if kind == "shape":
        return length_delimited(7, encode_shape(text))
    if kind == "tensor":
        return length_delimited(8, encode_tensor(text))
    if kind.startswith("list("):
        inner = kind[5:-1]
        if not (text.startswith("[") and text.endswith("]")):
            raise TableError("bad list default %r" % text)
        items = split_top_level(text[1:-1])
        if inner == "string":
            payload = b"".join(length_delimited(2, unquote(v)) for v in items)
        elif inner == "int":
            payload = length_delimited(3, b"".join(varint(int(v)) for v in items)) if items else b""
        elif inner == "float":
            payload = length_delimited(4, b"".join(float32(v) for v in items)) if items else b""
        elif inner == "type":
            payload = length_delimited(6, b"".join(varint(DATA_TYPES[v]) for v in items)) if items else b""
        elif inner == "shape":
            payload = b"".join(length_delimited(7, encode_shape(v)) for v in items)
        elif inner == "func" and not items:
            payload = b""
        else:
            raise TableError("unsupported list default %s=%r" % (kind, text))
        return length_delimited(1, payload)
    raise TableError("no default encoding for kind %r" % kind)


# --- table parsing -----------------------------------------------------------

def parse_attrs(cell):
    attrs = []
    for item in split_top_level(cell, ";") if cell else []:
        match = re.fullmatch(r"([A-Za-z0-9_]+):([a-z()]+)(?:=(.*))?", item)
        if not match or match.group(2) not in ATTR_KINDS:
            raise TableError("bad attribute %r" % item)
        name, kind, default = match.groups()
        encoded = None if default is None else encode_default(kind, default)
        attrs.append((name, kind, encoded))
    return attrs


def parse_args(cell, attr_kinds):
    args = []
    for item in split_top_level(cell) if cell else []:
        match = re.fullmatch(r"(ref )?([A-Za-z0-9_]+):([A-Za-z0-9_]+)(?:\*([A-Za-z0-9_]+))?", item)
        if not match:
            raise TableError("bad argument %r" % item)
        is_ref, name, first, second = match.groups()
        arg = {"name": name, "ref": bool(is_ref), "type": 0, "type_attr": "", "number_attr": "",
               "type_list_attr": ""}
        type_text = first
        if second is not None:
            if attr_kinds.get(first) != "int":
                raise TableError("argument %r: %r is not an int attribute" % (item, first))
            arg["number_attr"] = first
            type_text = second
        if type_text in DATA_TYPES:
            arg["type"] = DATA_TYPES[type_text]
        elif attr_kinds.get(type_text) == "type":
            arg["type_attr"] = type_text
        elif attr_kinds.get(type_text) == "list(type)" and second is None:
            arg["type_list_attr"] = type_text
        else:
            raise TableError("argument %r: unknown type %r" % (item, type_text))
        args.append(arg)
    return args


def parse_flags(cell):
    stateful, deprecation = False, 0
    for flag in cell.split():
        if flag == "S":
            stateful = True
        elif re.fullmatch(r"D\d+", flag):
            deprecation = int(flag[1:])
        else:
            raise TableError("unknown flag %r" % flag)
    return stateful, deprecation


def parse_table(path):
    ops = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.startswith("| ") or line.startswith("| op |"):
                continue
            cells = [c.strip() for c in line.strip()[1:-1].split("|")]
            if len(cells) != 5:
                raise TableError("line %d: expected 5 columns, found %d" % (number, len(cells)))
            name, flags, inputs, outputs, attrs_cell = cells
            try:
                attrs = parse_attrs(attrs_cell)
                kinds = {a[0]: a[1] for a in attrs}
                stateful, deprecation = parse_flags(flags)
                ops.append({
                    "name": name, "stateful": stateful, "deprecation": deprecation,
                    "inputs": parse_args(inputs, kinds), "outputs": parse_args(outputs, kinds),
                    "attrs": attrs,
                })
            except (TableError, KeyError, ValueError) as e:
                raise TableError("line %d (op %s): %s" % (number, name, e))
    names = [op["name"] for op in ops]
    if names != sorted(names) or len(set(names)) != len(names):
        raise TableError("op names must be unique and sorted")
    return ops


# --- C++ output ---------------------------------------------------------------

def c_string(value):
    if value == "":
        return '""'
    return '"' + value + '"'


def c_bytes(data):
    return '"' + "".join("\\%03o" % b for b in data) + '"'


def write_inc(ops, out_path, source_name):
    lines = [
        "// Generated by scripts/gen_op_registry.py from %s. Do not edit." % source_name,
        "// %d ops of TensorFlow 2.21: arguments, attributes (defaults as serialized" % len(ops),
        "// AttrValue bytes) and ops pointing into both arrays.",
        "",
        "// {name, type, type_attr, number_attr, type_list_attr, is_ref}",
        "static const OpArgRecord kOpArgs[] = {",
    ]
    attr_lines = ["// {name, kind, has_default, default_size, default_bytes}",
                  "static const OpAttrRecord kOpAttrs[] = {"]
    op_lines = ["// {name, stateful, deprecation_version, first_input, input_count, first_output,",
                "//  output_count, first_attr, attr_count}",
                "static const OpRecord kOpRecords[] = {"]
    arg_count = attr_count = 0
    for op in ops:
        first_input = arg_count
        for arg in op["inputs"] + op["outputs"]:
            lines.append("    {%s, %d, %s, %s, %s, %s}," % (
                c_string(arg["name"]), arg["type"], c_string(arg["type_attr"]),
                c_string(arg["number_attr"]), c_string(arg["type_list_attr"]),
                "true" if arg["ref"] else "false"))
            arg_count += 1
        first_attr = attr_count
        for name, kind, encoded in op["attrs"]:
            if encoded is None:
                attr_lines.append('    {%s, "%s", false, 0, ""},' % (c_string(name), kind))
            else:
                attr_lines.append('    {%s, "%s", true, %d, %s},' % (
                    c_string(name), kind, len(encoded), c_bytes(encoded)))
            attr_count += 1
        op_lines.append('    {"%s", %s, %d, %d, %d, %d, %d, %d, %d},' % (
            op["name"], "true" if op["stateful"] else "false", op["deprecation"],
            first_input, len(op["inputs"]), first_input + len(op["inputs"]), len(op["outputs"]),
            first_attr, len(op["attrs"])))
    lines.append("};")
    lines.append("")
    lines += attr_lines + ["};", ""] + op_lines + ["};", ""]
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return arg_count, attr_count


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    source = argv[1] if len(argv) > 1 else os.path.join(root, "..", "shared", "spec", "op-registry.md")
    target = argv[2] if len(argv) > 2 else os.path.join(root, "core", "ops", "op_registry_data.inc")
    try:
        ops = parse_table(source)
    except (OSError, TableError) as e:
        print("gen_op_registry: %s: %s" % (source, e), file=sys.stderr)
        return 1
    args, attrs = write_inc(ops, target, os.path.basename(source))
    print("gen_op_registry: %d ops, %d arguments, %d attributes -> %s" % (len(ops), args, attrs, target))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
