# Sourced by .ci/run and scripts/test: Debian's packages the tests and the benchmark use, installed
# when missing (as root, with apt-get): chromium and CJK fonts for the console's browser tests, nginx
# for `nginx -t` on the deploy site (tests/test_production_rung.py: no daemon is started), wrk for
# scripts/bench.
ensure_packages() {
  if [ -x /usr/bin/chromium ] && dpkg -s fonts-noto-cjk >/dev/null 2>&1 && [ -x /usr/sbin/nginx ] \
    && command -v wrk >/dev/null; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "missing: chromium, fonts-noto-cjk, nginx or wrk (apt-get install them as root)" >&2
    return 0
  fi
  echo "installing Debian's chromium, fonts-noto-cjk, nginx and wrk"
  apt-get update -qq
  # nginx's package would start a daemon on port 80; a policy-rc.d refusing service starts (containers
  # have one already) is in place for the install and removed again.
  local own_policy="" installed=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  apt-get install -y -qq chromium fonts-noto-cjk nginx wrk >/dev/null || installed=$?
  if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  return "$installed"
}
