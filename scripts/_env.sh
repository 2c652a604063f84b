# Sourced by scripts/demo, scripts/test and scripts/check: makes .venv and installs the
# project into it (once per change of pyproject.toml). Needs python3 >= 3.11 and pip access.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EXTRAS="${1:-}"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "grantmatch needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)" >&2
    exit 1
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=".venv/.grantmatch-installed${EXTRAS:+-$EXTRAS}"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing grantmatch${EXTRAS:+[$EXTRAS]} into .venv (first run takes a few minutes)…" >&2
    .venv/bin/python -m pip install --quiet --quiet --upgrade pip
    # torch is pinned in pyproject.toml (torch==2.13.0) so pip takes the CPU build.
    .venv/bin/python -m pip install --quiet --quiet -e ".${EXTRAS:+[$EXTRAS]}"
    echo "$want" > "$stamp"
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export PATH="$PWD/.venv/bin:$PATH"
