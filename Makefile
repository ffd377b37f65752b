# The platform's commands. `make help` lists them.
SHELL := /bin/bash
MVN ?= mvn
MVN_FLAGS ?= -B -ntp -Dstyle.color=never
# Extra arguments for the dev platform, e.g. `make run RUN_ARGS="--kafka-port 19092"`.
RUN_ARGS ?=
# The demo domains, each a module under streams-apps/ that builds the domain's jar.
DEMO_DOMAINS := orders sales kitchen inventory clickstream
comma := ,
empty :=
space := $(empty) $(empty)

.DEFAULT_GOAL := help
.PHONY: help run test bench chaos build clean schema-check

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

build: ## Compile and package every module, without tests
	$(MVN) $(MVN_FLAGS) -q install -DskipTests

run: ## Build what is needed and start the whole platform locally (Ctrl-C stops it)
	@$(MVN) $(MVN_FLAGS) -q -pl platform/dev -am package -DskipTests
	@exec java -cp "platform/dev/target/classes:$$(cat platform/dev/target/classpath.txt)" \
		io.datamesh.dev.MeshDev --home .mesh $(RUN_ARGS)

test: ## Run every test (unit, topology and integration with a real broker)
	$(MVN) $(MVN_FLAGS) verify

schema-check: ## Check the demo domains' public schemas against their published versions (the build gate)
	@$(MVN) $(MVN_FLAGS) -q -pl platform/cli,$(subst $(space),$(comma),$(addprefix streams-apps/,$(DEMO_DOMAINS))) -am package -DskipTests
	@bin/mesh schema check --published schemas/published $(foreach d,$(DEMO_DOMAINS),--jar streams-apps/$(d)/target/mesh-app-$(d)-*.jar)

bench: ## Measure throughput and latency; prints a table and writes bench/results/latest.md
	@bench/run

chaos: ## Run faults against real components under load (kill -9, poison) and write bench/results/chaos.md
	@bench/chaos

clean: ## Remove build output and the local platform state in .mesh/
	$(MVN) $(MVN_FLAGS) -q clean
	rm -rf .mesh
