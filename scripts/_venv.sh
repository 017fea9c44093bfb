# Sourced by scripts/run and scripts/test: make .venv if missing and install when setup.cfg changed.
ensure_venv() {
  local extra="${1:-}" spec="." stamp
  [ -n "$extra" ] && spec=".[$extra]"
  if [ ! -x .venv/bin/python ]; then
    local py="" candidate
    for candidate in python3 python3.13 python3.12 python3.11; do
      if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
        py="$candidate"
        break
      fi
    done
    [ -n "$py" ] || { echo "Python 3.11+ is needed" >&2; exit 1; }
    "$py" -m venv .venv
  fi
  stamp=".venv/.installed-$(cat setup.cfg pyproject.toml | sha256sum | cut -c1-16)"
  # any install of these sources serves the base (scripts/run after scripts/test installs nothing)
  if [ -z "$extra" ] && compgen -G "$stamp-*" >/dev/null; then
    return 0
  fi
  stamp="$stamp-${extra:-base}"
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e "$spec"
    touch "$stamp"
  fi
}
