#!/usr/bin/env bash
# Builds the TensorFlow Lambda layer: build/nodejs/node_modules/@tensorflow/tfjs-node, compiled for
# the Lambda nodejs22.x runtime on arm64 (Amazon Linux 2023). The CDK app attaches it to functions
# whose spec says `tensorflow: true` when build/nodejs/node_modules/@tensorflow/tfjs-node exists.
#
# Needs the internet: npm installs the package, and its install script downloads libtensorflow
# (linux arm64) from storage.googleapis.com. Needs linux/arm64: natively (e.g. a Graviton host) or
# through Docker with arm64 emulation or an Apple-silicon host.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/build"
# The SAM build image matches the Lambda runtime's OS and glibc and has gcc, make and python3.
image="${LAYER_BUILD_IMAGE:-public.ecr.aws/sam/build-nodejs22.x:latest-arm64}"
# Lambda's limit is 250 MB unzipped for the function and all its layers together; leave room for the
# score function's own bundle (a few MB).
max_bytes=$((240 * 1024 * 1024))

rm -rf "$out"
mkdir -p "$out/nodejs"
cp "$here/package.json" "$out/nodejs/package.json"

# Runs inside the build environment with the layer's nodejs/ directory as the working directory.
# tfjs-node publishes no prebuilt arm64 binding (its prebuilt archive is named without the
# architecture and holds x86_64 code), so the binding is compiled against the downloaded
# libtensorflow. The binding finds libtensorflow next to itself (rpath $ORIGIN) through symlinks
# into deps/lib: they are replaced by the files, so the asset zip cannot lose them, and deps/
# (headers and a second copy of the libraries) is dropped. Source maps and browser bundles are never
# loaded by require(). The load check runs again after the pruning.
read -r -d '' install <<'SCRIPT' || true
set -euo pipefail
export npm_config_build_from_source=true
npm install --omit=dev --no-audit --no-fund --no-package-lock
check='const tf = require("@tensorflow/tfjs-node"); console.log("tfjs-node", tf.version.tfjs, "backend", tf.getBackend())'
node -e "$check"
tfjs_node=node_modules/@tensorflow/tfjs-node
find "$tfjs_node/lib" -type l | while read -r link; do
  target="$(readlink -f "$link")"
  rm "$link"
  cp "$target" "$link"
done
if compgen -G "$tfjs_node/lib/napi-v*/libtensorflow.so*" >/dev/null; then
  rm -rf "$tfjs_node/deps"
fi
find node_modules \( -name '*.map' -o -name '*.min.js' -o -name '*.es2017.js' -o -name '*.fesm.js' \) -type f -delete
rm -f package.json
node -e "$check"
SCRIPT

if [[ "$(uname -s)" == "Linux" && "$(uname -m)" == "aarch64" ]]; then
  echo "Building natively on linux/arm64 (make sure this host's glibc is not newer than Amazon Linux 2023's)."
  (cd "$out/nodejs" && bash -c "$install")
elif command -v docker >/dev/null 2>&1; then
  echo "Building in $image (linux/arm64)."
  docker run --rm --platform linux/arm64 \
    --user "$(id -u):$(id -g)" -e HOME=/tmp \
    -v "$out/nodejs:/layer/nodejs" -w /layer/nodejs \
    --entrypoint bash "$image" -c "$install"
else
  echo "error: building the layer needs linux/arm64, natively or through Docker; neither is available." >&2
  echo "Without the layer, the score function runs on the TF.js wasm backend." >&2
  exit 1
fi

size="$(du -sb "$out" | cut -f1)"
echo "Layer size: $((size / 1024 / 1024)) MB unzipped."
if ((size > max_bytes)); then
  echo "error: the layer is larger than $((max_bytes / 1024 / 1024)) MB; Lambda would refuse it with the function." >&2
  exit 1
fi
echo "Built $out/nodejs. The next cdk synth attaches it to the TensorFlow functions."
