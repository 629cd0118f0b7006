# The two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Leptos reads this at compile time; keeping it identical for every cargo call avoids
# rebuilding between clippy, tests and the release build.
export LEPTOS_OUTPUT_NAME := breachcheck
# One-shot builds gain nothing from incremental caches, which grow by gigabytes.
export CARGO_INCREMENTAL := 0
PG_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: help setup setup-test setup-bench build run test tree-before fmt-check clippy unit-test integration-test \
        integration-test-sqlite integration-test-postgres e2e bench screenshots cluster \
        cluster-down

help:
	@echo "make run    build (release) and serve on http://127.0.0.1:3000 with SQLite in data/"
	@echo "make test   formatting, clippy, unit, integration (SQLite + PostgreSQL) and browser tests"
	@echo "make screenshots  rewrite the README's pictures (docs/screenshot-*.png) from the release build"
	@echo "make bench  import throughput and memory (SQLite, PostgreSQL vs psql \\copy); a list of"
	@echo "            ten million published and asked (time, query plan); notice"
	@echo "            page and a static file vs nginx"
	@echo "            (req/s, p99, ratio); answered lookups vs raw argon2 at 32 and 128"
	@echo "            connections, server memory; a flood with a second client timed"
	@echo "make cluster  two replicas on PostgreSQL behind nginx on http://127.0.0.1:3000"
	@echo "            (logs in target/cluster/); make cluster-down stops them"

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --browser

setup-bench:
	@scripts/setup.sh --bench

build: setup
	@scripts/build-site.sh

run: build
	@echo "==> serving on http://127.0.0.1:3000 (Ctrl-C stops)"
	BREACHCHECK_SITE_ROOT=target/site ./target/release/breachcheck serve

test: tree-before setup-test fmt-check clippy unit-test integration-test build e2e
	@echo "==> the work tree is as make test found it"
	@if [ -f $(TREE_BEFORE) ] && [ "$$($(TREE_STATE))" != "$$(cat $(TREE_BEFORE))" ]; then \
	  echo "make test changed the work tree (git status now):"; git status --short; exit 1; fi
	@echo "==> all tests passed"

# What `git status` and `git diff` say, as one hash: `make test` must leave both as it found
# them (nothing written into the tree but ignored build output), whatever was there before.
TREE_STATE := { git status --porcelain=v1 --untracked-files=all; git diff --binary; } | sha256sum
TREE_BEFORE := target/tree-before-test

tree-before:
	@mkdir -p target; rm -f $(TREE_BEFORE)
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then $(TREE_STATE) > $(TREE_BEFORE); \
	else echo "==> not a git checkout: the work tree is not compared after the tests"; fi

fmt-check:
	@echo "==> cargo fmt --check"
	cargo fmt --all -- --check

clippy:
	@echo "==> clippy, server-side build (ssr)"
	cargo clippy --workspace --all-targets -- -D warnings
	@echo "==> clippy, browser build (hydrate, wasm32)"
	cargo clippy -p app --all-targets --features hydrate --target wasm32-unknown-unknown -- -D warnings

unit-test:
	@echo "==> unit tests"
	cargo test --workspace --lib --bins

integration-test: integration-test-sqlite integration-test-postgres

# In parallel, each test with its own application and database (see
# server/tests/api/main.rs); the metrics tests are a binary of their own, since the metrics
# recorder is the process's.
API_TESTS := cargo test -p server --test api --test metrics

integration-test-sqlite:
	@echo "==> integration tests against SQLite"
	BREACHCHECK_TEST_DATABASE=sqlite $(API_TESTS)

integration-test-postgres:
	@echo "==> integration tests against PostgreSQL ($(PG_ADMIN_URL))"
	@pg_isready -q -d "$(PG_ADMIN_URL)" || { \
	  echo "PostgreSQL is not reachable at $(PG_ADMIN_URL)."; \
	  echo "Start it with: pg_ctlcluster --skip-systemctl-redirect \$$(ls /etc/postgresql) main start"; \
	  exit 1; }
	BREACHCHECK_TEST_DATABASE=postgres BREACHCHECK_TEST_PG_URL="$(PG_ADMIN_URL)" \
	  $(API_TESTS) --test replicas

e2e:
	@scripts/e2e.sh

# The browser tests leave docs/ alone; this rewrites the README's pictures.
screenshots: setup-test build
	@echo "==> rewriting docs/screenshot-*.png (the home page and the staff console)"
	@BREACHCHECK_SCREENSHOTS=1 scripts/e2e.sh -g "README screenshot"

# A local cluster to try: PostgreSQL's database, two replicas and nginx in front
# (see docs/DEPLOY.md); `make cluster-down` stops it.
cluster: setup-test build
	@scripts/cluster.sh up

cluster-down:
	@scripts/cluster.sh down

bench: setup-bench
	@echo "==> import benchmark (release build)"
	cargo bench -p breachcheck --bench import --features server
	@echo "==> a list of ten million (release build): import, publication, lookups and their plan"
	cargo bench -p server --bench big_list
	@echo "==> pages benchmark (release build): notice page and a static file vs nginx"
	cargo bench -p server --bench notice_page
	@echo "==> lookups benchmark (release build): answered lookups vs raw argon2, memory"
	cargo bench -p server --bench lookups
	@echo "==> flood benchmark (release build): a second client timed during a flood"
	cargo bench -p server --bench flood
