# Thin wrapper over meson. `make demo` and `make test` work on a fresh Debian
# machine: they install the packages first (apt-get; sudo when not root).
BUILD    ?= build
MLPVAR   := $(BUILD)/src/cli/mlpvar
PACKAGES := gcc make meson ninja-build pkg-config libopenblas-dev liblapacke-dev check \
            libopenmpi-dev openmpi-bin libyaml-dev gnuplot-nox python3 python3-torch
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
OUT      ?= out

.PHONY: all deps build test demo bench asan clean

all: build

deps:
	@dpkg -s $(PACKAGES) >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(PACKAGES); }

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD)
	ninja -C $(BUILD)

# Runs the whole suite, then prints one closing line "N passed, N failed".
test: build
	@meson test -C $(BUILD) --print-errorlogs; rc=$$?; \
	  log=$(BUILD)/meson-logs/testlog.json; \
	  p=$$(grep -c '"result": "OK"' $$log); f=$$(grep -vc '"result": "\(OK\|SKIP\)"' $$log); \
	  echo "$$p passed, $$f failed"; exit $$rc

# The main job (until the sweep engine lands): variability and collapse to
# constant against depth for ReLU and abs at a budget of 10000 parameters.
demo: build
	@mkdir -p $(OUT)
	$(MLPVAR) measure --activation relu,abs --budget 10000 \
	  --depth 1,2,3,4,6,8,12,16,24,32,48,64 --n 64 --grid 128 --csv $(OUT)/measure.csv
	$(MLPVAR) landscape --activation relu,abs --budget 10000 --depth 1,4,16,64 --png $(OUT)/gallery.png
	@echo "results: $(OUT)/measure.csv and $(OUT)/gallery.png"

bench: build
	$(BUILD)/bench/bench_forward

# The suite under AddressSanitizer and UBSan.
asan: deps
	@[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Dbuildtype=debug
	ninja -C build-asan && meson test -C build-asan --print-errorlogs

clean:
	rm -rf $(BUILD) build-asan
