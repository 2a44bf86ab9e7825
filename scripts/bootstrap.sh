# Sourced by scripts/run and scripts/test: installs whatever is missing, reinstalls nothing.
# Python packages go into .venv, bun and node 22 (from the npm registry) into .tools.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
TOOLS="$ROOT/.tools"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_python() {
  local stamp="$VENV/.installed" want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtualenv in .venv"
    python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Python packages"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -e ".[dev]"
    echo "$want" > "$stamp"
  fi
}

ensure_js_tools() {
  if [ ! -x "$TOOLS/node_modules/.bin/bun" ] || [ ! -x "$TOOLS/node_modules/.bin/node" ]; then
    say "Installing bun and node 22 into .tools"
    command -v npm >/dev/null || { echo "npm is required (apt-get install -y npm)" >&2; exit 1; }
    npm install --silent --no-fund --no-audit --prefix "$TOOLS" bun@1.4.5 node@22 >/dev/null
  fi
  export PATH="$TOOLS/node_modules/.bin:$VENV/bin:$PATH"
  export REFLEX_USE_SYSTEM_BUN=1
  export REFLEX_TELEMETRY_ENABLED=false
}

ensure_twilio_spec() {
  # Twilio's OpenAPI description of the Messages API, for the simulator's contract test.
  local spec="$TOOLS/contract/node_modules/@twilio-alpha/mcp/twilio-oai/spec/json/twilio_api_v2010.json"
  if [ ! -f "$spec" ]; then
    say "Installing Twilio's API description (npm @twilio-alpha/mcp) into .tools/contract"
    npm install --silent --no-fund --no-audit --ignore-scripts --prefix "$TOOLS/contract" \
      @twilio-alpha/mcp@0.7.0 >/dev/null
  fi
}

ensure_axe() {
  # axe-core, injected into pages by the end-to-end tests' accessibility checks (tests/e2e/axe.py).
  if [ ! -f "$TOOLS/axe/node_modules/axe-core/axe.min.js" ]; then
    say "Installing axe-core (npm) into .tools/axe"
    npm install --silent --no-fund --no-audit --ignore-scripts --prefix "$TOOLS/axe" \
      axe-core@4.14.1 >/dev/null
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "Installing Debian's chromium for the end-to-end tests"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
  fi
}

apt_install() {
  # Debian packages, as root (or through sudo). RUNLEVEL=1: a service a package brings (nginx)
  # is not started; the tests run their own on free ports.
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq "$@" >/dev/null
}

ensure_production_tools() {
  # What tests/e2e/test_production.py and test_service_files.py run: nginx in front of the
  # workspace on a self-signed certificate (openssl), pg_dump for the backups, and
  # systemd-analyze for the unit files. None of it is needed to run or develop the workspace.
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v pg_dump >/dev/null || missing+=(postgresql-client)
  command -v systemd-analyze >/dev/null || missing+=(systemd)
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian's ${missing[*]} for the production tests"
    apt_install "${missing[@]}"
  fi
}

ensure_wrk() {
  # wrk (Debian), the HTTP load generator of benchmarks/ingest.py; not needed to run or test.
  if ! command -v wrk >/dev/null; then
    say "Installing Debian's wrk for the ingest benchmark"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    fi
  fi
}

ensure_python
ensure_js_tools
