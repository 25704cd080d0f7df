# `make test` is the one test command: README and CI both run it.
BROWSER_TESTS = TestPlaygroundInABrowser|TestPlaygroundFormsShortcutsHomeAndFiles|TestPlaygroundDemoLinksLeadToTheCards

.PHONY: test build lint bench fuzz loadtest play screenshots redis-server chromium

# The Redis-backed packages run twice: on one redis-server, then on a
# three-master Redis Cluster (no CROSSSLOT anywhere); the store's tests a
# third time on an embedded miniredis, which runs every script unchanged
# (what a playground may run on). One package at a
# time: the end-to-end tests hold the bot to Slack's 3-second ack deadline
# while sockets drop, on two cores, and other packages' tests running
# beside them would only measure the machine.
#
# The playground's browser tests drive Debian's chromium, installed like
# redis-server when missing; they run once (their Redis is the embedded one).
test: redis-server chromium
	go test -p 1 -race -count=1 ./...
	PRIOBOT_TEST_REDIS=cluster go test -p 1 -race -count=1 -skip '$(BROWSER_TESTS)' ./e2e ./bot ./store/...
	PRIOBOT_TEST_REDIS=mini go test -race -count=1 ./store

# Benchmarks with real Redis; figures are reported in the README.
bench: redis-server
	go test -run '^$$' -bench . -benchtime $(or $(BENCHTIME),2s) ./...

# The real binary under load through the emulator, with real Redis; prints a table.
loadtest: redis-server
	go run ./cmd/loadtest $(LOADTEST)

# Every parser's fuzz target, for a bounded time each.
fuzz:
	go test -run '^$$' -fuzz FuzzParsers -fuzztime $(or $(FUZZTIME),30s) ./prio/
	go test -run '^$$' -fuzz FuzzTitleFrom -fuzztime $(or $(FUZZTIME),30s) ./prio/
	go test -run '^$$' -fuzz FuzzParseFramework -fuzztime $(or $(FUZZTIME),30s) ./prio/
	go test -run '^$$' -fuzz FuzzParseStart -fuzztime $(or $(FUZZTIME),30s) ./poker/
	go test -run '^$$' -fuzz FuzzParse -fuzztime $(or $(FUZZTIME),30s) ./ratings/
	go test -run '^$$' -fuzz FuzzParse -fuzztime $(or $(FUZZTIME),30s) ./weekly/
	go test -run '^$$' -fuzz FuzzActionValues -fuzztime $(or $(FUZZTIME),30s) ./commands/
	go test -run '^$$' -fuzz FuzzParseURL -fuzztime $(or $(FUZZTIME),30s) ./webhook/
	go test -run '^$$' -fuzz FuzzParsers -fuzztime $(or $(FUZZTIME),30s) ./tracker/

build:
	CGO_ENABLED=0 go build -trimpath -o priobot .

# priobot in a browser, without Slack: the bot, an emulated workspace with
# a demo backlog, and an embedded Redis, on http://127.0.0.1:8090.
play:
	go run ./cmd/playground -demo $(PLAY)

# The README's playground screenshots, taken by the browser test, and its matrix example.
screenshots: chromium
	PLAYGROUND_SCREENSHOTS=$(CURDIR)/docs go test -count=1 -run '$(BROWSER_TESTS)' ./e2e
	MATRIX_EXAMPLE=$(CURDIR)/docs/matrix-example.png go test -count=1 -run TestMatrixExample ./matrix

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	go vet ./...

# Tests start their own redis-server and chromium; install them when
# missing and we may.
redis-server chromium:
	@command -v $@ >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing $@ with apt-get"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $@ >/dev/null; \
		else \
			echo "$@ is missing: install it (e.g. sudo apt-get install $@) and run make test again" >&2; exit 1; \
		fi; }
