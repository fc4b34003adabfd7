# Thin wrapper over meson. `make demo` and `make test` work on a fresh Debian
# machine: they install the packages first (apt-get; sudo when not root).
BUILD    ?= build
MLPVAR   := $(BUILD)/src/cli/mlpvar
PACKAGES := gcc make meson ninja-build pkg-config libopenblas-dev liblapacke-dev check \
            libopenmpi-dev openmpi-bin libyaml-dev gnuplot-nox python3 python3-torch clang-format \
            python3-pandas python3-yaml
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
OUT      ?= out
# One MPI rank per core plus the master, which mostly sleeps.
NP       ?= $(shell echo $$(( $$(nproc) + 1 )))
MPIRUN   ?= mpirun --oversubscribe -np $(NP)
ifeq ($(shell id -u),0)
export OMPI_ALLOW_RUN_AS_ROOT=1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
endif

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
	  grep -ho 'fuzz: [0-9]* cases[^"]*' $(BUILD)/meson-logs/testlog.txt | tail -1; \
	  echo "$$p passed, $$f failed"; exit $$rc

# The main job: the reproduction sweep on this machine's cores, then the
# analysis and its report. Interrupted, the same command resumes the sweep.
demo: build
	@mkdir -p $(OUT)
	$(MPIRUN) $(MLPVAR) sweep sweeps/reproduce-small.yaml --out $(OUT)/reproduce-small
	$(MLPVAR) analyze $(OUT)/reproduce-small
	@echo "report: $(OUT)/reproduce-small/report/report.md (open report.html in a browser)"

bench: build
	$(BUILD)/bench/bench_forward
	$(BUILD)/bench/bench_train
	bench/bench_scaling.sh $(MLPVAR)
	bench/bench_master.sh $(MLPVAR) $(BUILD)/bench/libslow_fsync.so

# The suite under AddressSanitizer and UBSan.
asan: deps
	@[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Dbuildtype=debug
	ninja -C build-asan && meson test -C build-asan --print-errorlogs; rc=$$?; \
	  grep -ho 'fuzz: [0-9]* cases[^"]*' build-asan/meson-logs/testlog.txt | tail -1; exit $$rc

clean:
	rm -rf $(BUILD) build-asan
