#!/usr/bin/env bash
# System packages the test suite needs (Debian), installed only when missing:
#  - python3-grpcio, python3-protobuf, python3-grpc-tools: the bundled Python runtime (Debian's
#    /usr/bin/python3 sees them; a pyenv python3 first on PATH does not, see docs/python-nodes.md)
#  - python3-jsonschema: input/output schemas of Blok-style Python nodes (python/core)
#  - redis-server: the BullMQ queue backend tests start their own server on a loopback port.
#  - chromium: the live run page's browser test (spec/server/view.browser.test.ts, playwright-core).
set -euo pipefail
missing=()
/usr/bin/python3 -c "import grpc, google.protobuf, grpc_tools" 2>/dev/null || missing+=(python3-grpcio python3-protobuf python3-grpc-tools)
/usr/bin/python3 -c "import jsonschema" 2>/dev/null || missing+=(python3-jsonschema)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system packages: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
