# Longnan: `make run` sets up, builds and serves; `make test` runs every test.
# Both install what is missing on Debian 12 first (scripts/setup.sh).

PRESET ?= dev
BIN := build/$(PRESET)/apps/longnan/longnan
DB ?= sqlite:var/longnan.db
PORT ?= 8080

.PHONY: setup build web run test test-asan fuzz bench clean

setup:
	@bash scripts/setup.sh

build: setup
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET)
	@$(MAKE) --no-print-directory web

web:
	@bash scripts/web.sh

# demo-data changes nothing when the database holds data already.
run: build
	@$(BIN) demo-data --db $(DB)
	$(BIN) serve --db $(DB) --port $(PORT)

test: build
	@bash scripts/test.sh $(BIN)

# The same tests against an AddressSanitizer + UndefinedBehaviorSanitizer build.
test-asan: setup web
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@bash scripts/test.sh build/asan/apps/longnan/longnan

# Fuzzes the CSV, XLSX, JSON and text parsers (clang + libFuzzer) for FUZZ_SECONDS each;
# new inputs go to a scratch directory, crashes are reported and left in build/fuzz/.
FUZZ_SECONDS ?= 60
fuzz:
	@bash scripts/setup.sh clang
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	@for target in csv xlsx json text; do \
	  mkdir -p build/fuzz/scratch/$$target; \
	  build/fuzz/tests/fuzz/$${target}_fuzzer build/fuzz/scratch/$$target tests/fuzz/corpus/$$target \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -artifact_prefix=build/fuzz/$$target- || exit 1; \
	done

bench: build
	@bash bench/read_path.sh $(BIN)
	@bash bench/flash_sale.sh
	@bash bench/routing.sh

clean:
	rm -rf build web/dist
