#!/usr/bin/env bash
# Makes @tensorflow/tfjs-node 4.22 work without Google's storage bucket (tensorflow/tfjs#8742:
# its install script downloads libtensorflow 2.9.1 and a prebuilt addon from a bucket that answers
# 403). TensorFlow's C API comes from the tensorflow-cpu wheel on PyPI instead, and the addon is
# built from tfjs-node's own sources against it:
#   1. pip downloads tensorflow-cpu (no dependencies, the wheel only); its two libraries and the
#      headers the addon includes are taken out (scripts/extract_tensorflow_c_api.py) and cached;
#   2. they go to node_modules/@tensorflow/tfjs-node/deps, under the names the addon links
#      (libtensorflow.so and libtensorflow_framework.so, and the .so.2.9.1 its script looks for);
#   3. node-pre-gyp builds the addon from source (node-gyp, g++, make, Node's headers); the built
#      addon is cached too, keyed by the tfjs-node and TensorFlow versions and the Node-API level;
#   4. the addon is loaded and runs a matMul.
# Run it from the project whose node_modules holds @tensorflow/tfjs-node 4.22, installed without
# its install script (here: `npm ci`, package.json's allowScripts denies it; in an app:
# `npm install --ignore-scripts @tensorflow/tfjs-node@4.22.0`, then
# `bash node_modules/tfjs-diffusion-schedulers/scripts/install-tfjs-node.sh`).
# Linux x86_64 only. Every failure is one line on stderr and exit code 1.
#
# Environment: TENSORFLOW_VERSION (default 2.21.0); TFJS_NODE_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/tfjs-node-from-wheel); PYTHON (default python3); pip's own
# variables (PIP_INDEX_URL for a mirror); npm_config_nodedir (Node's headers; default: npm's
# nodedir, else Node's install prefix when it has include/node).
set -euo pipefail
scripts=$(cd "$(dirname "$0")" && pwd)

TENSORFLOW_VERSION=${TENSORFLOW_VERSION:-2.21.0}
CACHE=${TFJS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tfjs-node-from-wheel}
PYTHON=${PYTHON:-python3}
TAG=install-tfjs-node

fail() {
  echo "$TAG: $*" >&2
  exit 1
}
seconds_since() { echo $(($(date +%s) - $1)); }
# The last line of a log that says what went wrong (the last 'error' line, else the last line).
reason_in() { { grep -iE 'error|fatal|not found|no such' "$1" || cat "$1"; } | tail -n 1 | cut -c1-300; }

[[ "$(uname -s) $(uname -m)" == "Linux x86_64" ]] ||
  fail "the tensorflow-cpu wheel holds the C API for Linux x86_64; this is $(uname -s) $(uname -m)"
command -v node >/dev/null || fail "node is not on PATH"

package=$(node -p "require('path').dirname(require.resolve('@tensorflow/tfjs-node/package.json'))" 2>/dev/null) ||
  fail "@tensorflow/tfjs-node is not in node_modules: run npm ci first (it is a devDependency)"
tfjs_node_version=$(node -p "require('@tensorflow/tfjs-node/package.json').version")
napi_level=$(node -p "Math.max(...require('@tensorflow/tfjs-node/package.json').binary.napi_versions.filter((v) => v <= Number(process.versions.napi)))")

# Loads tfjs-node in this project, checks that its backend joined this project's tfjs-core, runs a
# matMul; one line on stdout. TensorFlow logs two lines on stderr whatever TF_CPP_MIN_LOG_LEVEL says.
verify_log=$(mktemp)
trap 'rm -f "$verify_log"' EXIT
verify() {
  node -e "
    const tf = require('@tensorflow/tfjs-node');
    if (!require('@tensorflow/tfjs-core').findBackendFactory('tensorflow')) throw new Error('tfjs-node registered with another copy of @tensorflow/tfjs-core');
    const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync();
    if (product[0] !== 17 || product[1] !== 39) throw new Error('matMul gave ' + product);
    console.log('tfjs-node ' + tf.version['tfjs-node'] + ' on TensorFlow ' + tf.backend().binding.TF_Version + ': loads, matMul right');
  " 2>"$verify_log"
}

if outcome=$(verify); then
  echo "$TAG: already installed: $outcome"
  exit 0
fi

started=$(date +%s)
mkdir -p "$CACHE" || fail "cannot create the cache folder $CACHE"
c_api="$CACHE/tensorflow-cpu-$TENSORFLOW_VERSION-c-api-for-tfjs-node-$tfjs_node_version"
addon_cache="$CACHE/tfjs_binding-$tfjs_node_version-tensorflow-$TENSORFLOW_VERSION-napi-v$napi_level-linux-x64.node"

# 1. The C API, from the wheel (downloaded once; only what the addon needs is kept).
if [[ ! -f "$c_api/lib/libtensorflow_cc.so.2" ]]; then
  "$PYTHON" -m pip --version >/dev/null 2>&1 || fail "$PYTHON -m pip is needed to download the tensorflow-cpu wheel"
  work=$(mktemp -d "$CACHE/.download.XXXXXX")
  trap 'rm -rf "$work" "$verify_log"' EXIT
  # The wheel's C API does not depend on the Python version: always the cp311 manylinux_2_27 wheel.
  "$PYTHON" -m pip download --no-deps --only-binary=:all: --python-version 3.11 --platform manylinux_2_27_x86_64 \
    --dest "$work/wheel" "tensorflow-cpu==$TENSORFLOW_VERSION" >"$work/pip.log" 2>&1 ||
    fail "pip could not download tensorflow-cpu==$TENSORFLOW_VERSION ($(reason_in "$work/pip.log")); set PIP_INDEX_URL to a mirror"
  "$PYTHON" "$scripts/extract_tensorflow_c_api.py" "$work"/wheel/*.whl "$package/binding" "$work/c-api" >"$work/extract.log" 2>&1 ||
    fail "could not take the C API out of the wheel: $(reason_in "$work/extract.log")"
  rm -rf "$c_api" && mv "$work/c-api" "$c_api"
  rm -rf "$work"
  echo "$TAG: tensorflow-cpu $TENSORFLOW_VERSION downloaded, C API cached in $c_api ($(seconds_since "$started") s)"
fi

# 2. deps/: hard links into the cache where it shares the file system (the libraries are 850 MB), else copies.
deps="$package/deps"
rm -rf "$deps" && mkdir -p "$deps/lib" || fail "cannot write $deps"
for library in libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
  ln -f "$c_api/lib/$library" "$deps/lib/$library" 2>/dev/null || cp "$c_api/lib/$library" "$deps/lib/$library" ||
    fail "cannot copy $library into $deps/lib"
done
# The addon links -ltensorflow -ltensorflow_framework; tfjs-node's install script checks for the .so.2.9.1.
for name in libtensorflow.so libtensorflow.so.2.9.1; do ln -sf libtensorflow_cc.so.2 "$deps/lib/$name"; done
for name in libtensorflow_framework.so libtensorflow_framework.so.2.9.1; do ln -sf libtensorflow_framework.so.2 "$deps/lib/$name"; done
cp -R "$c_api/include" "$deps/include"

# 3. The addon: from the cache, or built from source.
module_path="$package/lib/napi-v$napi_level"
if [[ -f "$addon_cache" ]]; then
  mkdir -p "$module_path" && cp "$addon_cache" "$module_path/tfjs_binding.node"
  if outcome=$(verify); then
    echo "$TAG: addon from the cache: $outcome ($(seconds_since "$started") s)"
    exit 0
  fi
  rm -f "$addon_cache" "$module_path/tfjs_binding.node" # a cached addon that does not load is rebuilt
fi

nodedir=${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}
if [[ -z "$nodedir" || "$nodedir" == "undefined" || "$nodedir" == "null" ]]; then
  prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  [[ -f "$prefix/include/node/node_api.h" ]] && nodedir=$prefix
fi
[[ -n "$nodedir" ]] || echo "$TAG: no Node headers found beside node: node-gyp will download them" >&2
pre_gyp=$(node -p "require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: ['$package'] })" 2>/dev/null) ||
  fail "@mapbox/node-pre-gyp (a dependency of tfjs-node) is not in node_modules"
for tool in make g++; do command -v "$tool" >/dev/null || fail "$tool is needed to build the addon (Debian: apt-get install build-essential)"; done
build_log="$CACHE/build-tfjs-node.log"
build_started=$(date +%s)
(cd "$package" && npm_config_nodedir="$nodedir" node "$pre_gyp" rebuild --build-from-source ${nodedir:+--nodedir="$nodedir"}) >"$build_log" 2>&1 ||
  fail "the addon did not build: $(reason_in "$build_log") (full log: $build_log)"
[[ -f "$module_path/tfjs_binding.node" ]] || fail "the build wrote no $module_path/tfjs_binding.node (log: $build_log)"

# 4. It loads and computes.
outcome=$(verify) || fail "the addon built but does not work: $(reason_in "$verify_log")"
cp "$module_path/tfjs_binding.node" "$addon_cache.tmp" && mv "$addon_cache.tmp" "$addon_cache"
echo "$TAG: built the addon in $(seconds_since "$build_started") s: $outcome ($(seconds_since "$started") s in all)"
