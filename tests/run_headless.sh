#!/usr/bin/env bash
# Run a command headless: a private D-Bus session holding an unlocked gnome-keyring (a real
# Secret Service), an accessibility bus, and a virtual X screen. Nothing touches the
# user's own keyring, data or screen.
set -euo pipefail
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/data" "$scratch/runtime" "$scratch/config" "$scratch/home"
chmod 700 "$scratch/runtime"
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" XDG_CONFIG_HOME="$scratch/config"
export NO_AT_BRIDGE=0 QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL
exec dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf %s test-password | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  if [ -x /usr/libexec/at-spi-bus-launcher ]; then
    /usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
  fi
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$@"
' bash "$@"
