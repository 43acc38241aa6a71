# rankfile — the only commands a newcomer needs: `make run` and `make test`.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
BIN := $(TARGET_DIR)/release/rankfile
SITE_ROOT := $(CURDIR)/target/site
DATA_DIR ?= $(CURDIR)/data
# Tools installed by .ci/install-tools.sh: wasm-opt from npm comes first, never Debian's.
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: help tools wasm-target build run test lint unit integration e2e bench clean

help:
	@echo "make run    build, migrate, seed a demo campaign and serve on http://127.0.0.1:3000"
	@echo "make test   fmt, clippy, unit tests, integration stories (SQLite + PostgreSQL), browser tests"
	@echo "make lint | unit | integration | e2e | bench | build | tools | clean"

tools: wasm-target
	@./.ci/install-tools.sh

# The hydrate build's clippy (in lint) needs the target before the rest of the tools.
wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || \
	  rustup target add wasm32-unknown-unknown

build: tools
	cargo leptos build --release --precompress --split

run: build
	@mkdir -p "$(DATA_DIR)"
	RANKFILE_DATA_DIR="$(DATA_DIR)" RANKFILE_SITE_ROOT="$(SITE_ROOT)" "$(BIN)" demo
	@echo
	@echo "  rankfile: open http://127.0.0.1:3000  (Ctrl-C stops it)"
	@echo
	RANKFILE_DATA_DIR="$(DATA_DIR)" RANKFILE_SITE_ROOT="$(SITE_ROOT)" exec "$(BIN)" serve

test: lint unit integration e2e

lint: wasm-target
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

# The service worker's outbox has unit tests of its own, run by Node's test runner.
unit:
	cargo test --workspace --lib --bins
	node --test server/src/offline/

# Every story runs on SQLite and on PostgreSQL (127.0.0.1:5432, or RANKFILE_TEST_PG_URL).
integration:
	cargo test -p rankfile-tests --tests

# Figures for BENCHMARKS.md (release profile, Markdown on stdout): import and chart
# render, logging a one-on-one at a fixed rate, the heat map, structure-test marks and
# tally, the vote forecast and path, then eight clients on the heavy pages against
# /healthz. Quick sizes by default (5,000 coworkers, 50,000 ratings, 5 s of load: a few
# minutes once built); FULL=1 runs the issues' sizes (100,000 coworkers, 1,000,000
# ratings, 60 s of load; most of an hour). Every bench runs SQLite and PostgreSQL unless
# RANKFILE_BENCH_BACKEND=sqlite (or postgres) says otherwise.
ifeq ($(FULL),1)
BENCH_ENV := RANKFILE_BENCH_COWORKERS=100000 RANKFILE_BENCH_RATINGS=1000000 RANKFILE_BENCH_SECS=60
else
BENCH_ENV := RANKFILE_BENCH_COWORKERS=5000 RANKFILE_BENCH_RATINGS=50000 RANKFILE_BENCH_SECS=5
endif
BENCHES := map loop heat structure forecast load

bench:
	@for b in $(BENCHES); do \
	  echo "## bench $$b ($(BENCH_ENV))"; \
	  env $(BENCH_ENV) cargo bench -q -p rankfile-tests --bench $$b; \
	done

# E2E_REPEAT=5 runs every browser test five times in a row (a flaky test shows itself).
e2e: build
	@if [ ! -x "$${RANKFILE_CHROMIUM:-/usr/bin/chromium}" ]; then \
	  if [ -n "$${CI:-}" ]; then echo "Chromium is required in CI: apt-get install -y chromium" >&2; exit 1; fi; \
	  echo "SKIPPED browser tests: no /usr/bin/chromium (apt-get install -y chromium)"; exit 0; \
	fi; \
	cd end2end && npm ci --no-audit --no-fund --silent && \
	  RANKFILE_BIN="$(BIN)" npx playwright test --repeat-each=$${E2E_REPEAT:-1}

clean:
	cargo clean
	rm -rf target/site end2end/.data end2end/node_modules .tools
