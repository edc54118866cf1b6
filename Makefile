# A thin wrapper around CMake. `make demo` and `make test` set everything up on a fresh
# Debian 12 machine: they install the missing Debian packages, configure, build, then run.

BUILD ?= build
CMAKE_ARGS ?=
JOBS ?= $(shell nproc)
# FUZZ=0 leaves the fuzz runs out of `make test` (CI's second, sanitized pass).
FUZZ ?= 1

# Build: compiler, CMake, the three libraries. Tests: jq-free JSON checks need nothing more,
# but the cross-checks use python3-sysv-ipc, setpriv and unshare (util-linux).
BUILD_DEPS := cmake g++ make libcli11-dev nlohmann-json3-dev libgtest-dev
TEST_DEPS := python3 python3-sysv-ipc util-linux gcc hyperfine time clang libclang-rt-14-dev scdoc groff-base man-db bash-completion zsh fish pkg-config

.PHONY: all deps test-deps configure build demo test fuzz bench clean

all: build

deps:
	@scripts/install-deps.sh $(BUILD_DEPS)

test-deps:
	@scripts/install-deps.sh $(BUILD_DEPS) $(TEST_DEPS)

configure: deps
	cmake -S . -B $(BUILD) $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	@scripts/demo.sh $(BUILD)/tools/shmtool/shmtool

test: test-deps configure
	cmake --build $(BUILD) -j$(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)
	@if [ "$(FUZZ)" = 1 ]; then $(MAKE) fuzz; fi

# The libFuzzer harnesses of every parser, about 20 s each from the committed seed corpus
# (clang; its own build, ctest label "fuzz").
fuzz: test-deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)-fuzz -DSHMTOOL_FUZZ=ON -DSHMTOOL_BUILD_TESTS=OFF
	cmake --build $(BUILD)-fuzz -j$(JOBS)
	ctest --test-dir $(BUILD)-fuzz -L fuzz --output-on-failure -j$(JOBS)

# The side-by-side benchmark (root: it works in a private IPC namespace). Writes
# bench/RESULTS.md and the Performance section of README.md.
bench: build
	@scripts/install-deps.sh hyperfine time
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
