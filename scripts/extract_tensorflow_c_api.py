"""Takes TensorFlow's C API out of a tensorflow-cpu wheel: what tfjs-node's addon links and includes.

usage: extract_tensorflow_c_api.py WHEEL BINDING_DIR OUT_DIR

The wheel ships the C API as tensorflow/libtensorflow_cc.so.2 and tensorflow/libtensorflow_framework.so.2,
its headers under tensorflow/include/. OUT_DIR/lib gets the two libraries; OUT_DIR/include gets the
headers the addon's sources (BINDING_DIR/*.cc, *.h) include, with every header they include in turn
(14 files, 150 KB, instead of the wheel's 250 MB of headers).
"""
import os
import re
import sys
import zipfile

LIBRARIES = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']
INCLUDE_PREFIX = 'tensorflow/include/'
QUOTED_INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.MULTILINE)


def quoted_includes(text):
    return QUOTED_INCLUDE.findall(text)


def binding_includes(binding_dir):
    """The headers the addon's own sources include (theirs and TensorFlow's alike)."""
    found = set()
    for name in sorted(os.listdir(binding_dir)):
        if name.endswith(('.cc', '.h')):
            with open(os.path.join(binding_dir, name), encoding='utf8') as source:
                found.update(quoted_includes(source.read()))
    return found


def header_closure(wheel, roots):
    """Every wheel header reachable from `roots` through quoted includes; the addon's own headers are not in the wheel."""
    available = {name[len(INCLUDE_PREFIX):] for name in wheel.namelist() if name.startswith(INCLUDE_PREFIX)}
    pending = [header for header in roots if header in available]
    closure = set()
    while pending:
        header = pending.pop()
        if header in closure:
            continue
        closure.add(header)
        text = wheel.read(INCLUDE_PREFIX + header).decode('utf8', 'replace')
        pending.extend(include for include in quoted_includes(text) if include in available)
    return closure


def extract(wheel, member, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with wheel.open(member) as source, open(target, 'wb') as out:
        while True:
            chunk = source.read(1 << 22)
            if not chunk:
                break
            out.write(chunk)


def main(wheel_path, binding_dir, out_dir):
    with zipfile.ZipFile(wheel_path) as wheel:
        names = set(wheel.namelist())
        for library in LIBRARIES:
            if 'tensorflow/' + library not in names:
                sys.exit(f'{wheel_path} has no tensorflow/{library}: not a wheel with the TensorFlow C API')
            extract(wheel, 'tensorflow/' + library, os.path.join(out_dir, 'lib', library))
        headers = header_closure(wheel, binding_includes(binding_dir))
        if 'tensorflow/c/c_api.h' not in headers:
            sys.exit(f'{wheel_path} has no tensorflow/include/tensorflow/c/c_api.h')
        for header in sorted(headers):
            extract(wheel, INCLUDE_PREFIX + header, os.path.join(out_dir, 'include', header))
    print(f'{len(LIBRARIES)} libraries and {len(headers)} headers in {out_dir}')


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    main(*sys.argv[1:])
