# Two commands for a fresh Debian/Ubuntu machine (see README.md):
#   make run    install everything, system packages included, and start the app
#   make test   install everything, build the frozen app and run the whole suite headless
# Also: make package (the frozen app in dist/self-audit, see packaging/README.md),
# make bench (speed targets), make validate (checklists against the policies).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
POLICIES ?= ../shared/policies
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# What Qt needs for a real window (xcb) on a bare Debian/Ubuntu.
RUN_DEBS := python3 python3-venv python3-pip libegl1 libgl1 libfontconfig1 libglib2.0-0 \
  libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 \
  libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 \
  libxcb-xinerama0 fonts-dejavu-core
# What the headless suite needs besides: a virtual screen, a keyring, PDF tools, a screen-reader bus.
TEST_DEBS := xvfb xauth dbus dbus-x11 gnome-keyring poppler-utils qpdf libnss3-tools openssl \
  at-spi2-core python3-pyatspi
# What PyInstaller needs on Linux: objdump to read libraries, strip to shrink them.
PACKAGE_DEBS := binutils

SOURCES := $(shell find app checklists resources -type f -not -name '*.pyc' 2>/dev/null) pyproject.toml
# The frozen app: one folder, built from the source checkout by packaging/self-audit.spec.
FROZEN := dist/self-audit/self-audit
PACKAGING := $(wildcard packaging/*.spec packaging/*.py)

.PHONY: run test bench validate package system-run system-test system-package clean

run: system-run $(VENV)/.installed-run
	$(VENV)/bin/self-audit

# The suite smoke-tests the frozen app this builds (tests/test_frozen_app.py); it is rebuilt only
# when the app, its files or the packaging changed since the last build.
test: system-test system-package $(VENV)/.created
	$(PY) -m pip install --quiet --upgrade --force-reinstall --no-deps . && $(PY) -m pip install --quiet ".[test,package]"
	$(MAKE) --no-print-directory $(FROZEN)
	SELF_AUDIT_TEST_INSTALLED=1 SELF_AUDIT_FROZEN_APP=$(CURDIR)/$(FROZEN) tests/run_headless.sh $(VENV)/bin/pytest

package: system-package $(VENV)/.created
	$(PY) -m pip install --quiet ".[package]"
	$(MAKE) --no-print-directory $(FROZEN)

$(FROZEN): $(SOURCES) $(PACKAGING)
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/self-audit.spec
	@touch $@
	@echo "Built $(FROZEN): $$(du -sh dist/self-audit | cut -f1) (at most 200 MB)"

bench: system-test $(VENV)/.created
	$(PY) -m pip install --quiet ".[test]" pytest-benchmark
	tests/run_headless.sh $(VENV)/bin/pytest tests/perf -p no:cacheprovider --import-mode=importlib -o addopts="" -q

validate: $(VENV)/.installed-run
	$(VENV)/bin/self-audit checklists validate checklists/*.toml --policies $(POLICIES)

# The Debian packages given that are not installed yet (with sudo when not root).
define install_debs
@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
if [ -n "$$missing" ]; then echo "Installing system packages: $$missing"; \
  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi
endef

system-run:
	$(call install_debs,$(RUN_DEBS))

system-test: system-run
	$(call install_debs,$(TEST_DEBS))

system-package: system-run
	$(call install_debs,$(PACKAGE_DEBS))

# A Python of 3.11 or newer: the first found of these.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)

$(VENV)/.created:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (on Ubuntu 22.04: sudo apt install python3.11 python3.11-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed-run: $(VENV)/.created $(SOURCES)
	$(PY) -m pip install --quiet --upgrade --force-reinstall --no-deps . && $(PY) -m pip install --quiet .
	touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info
