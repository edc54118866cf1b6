# A thin wrapper around CMake. `make demo` and `make test` set everything up on a fresh
# Debian 12 machine: they install the missing Debian packages, configure, build, then run.

BUILD ?= build
# make demo and make package: an optimised build of the binary, its pages and completions,
# without the tests (scripts/build-release.sh). make test and make build use $(BUILD).
RELEASE_BUILD ?= build-release
CMAKE_ARGS ?=
JOBS ?= $(shell nproc)
# FUZZ=0 leaves the fuzz runs out of `make test` (CI's second, sanitized pass).
FUZZ ?= 1

# Build: compiler, CMake, the three libraries. Tests: jq-free JSON checks need nothing more,
# but the cross-checks use python3-sysv-ipc, setpriv and unshare (util-linux); the package
# test needs dpkg-dev (dpkg-shlibdeps), file and lintian.
BUILD_DEPS := cmake g++ make libcli11-dev nlohmann-json3-dev libgtest-dev
TEST_DEPS := python3 python3-sysv-ipc prometheus util-linux gcc hyperfine time lsof clang libclang-rt-14-dev scdoc groff-base man-db bash-completion zsh fish pkg-config dpkg-dev file lintian
# The demo: the binary and its manual pages (scdoc), and man to show one. No GoogleTest.
DEMO_DEPS := cmake g++ make libcli11-dev nlohmann-json3-dev scdoc man-db pkg-config
PACKAGE_DEPS := $(DEMO_DEPS) dpkg-dev file lintian

export CMAKE_ARGS JOBS

.PHONY: all deps test-deps configure build demo package test fuzz bench clean

all: build

deps:
	@scripts/install-deps.sh $(BUILD_DEPS)

test-deps:
	@scripts/install-deps.sh $(BUILD_DEPS) $(TEST_DEPS)

configure: deps
	cmake -S . -B $(BUILD) $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# Builds only the binary and the manual pages, quietly (the log only if it fails), then runs
# scripts/demo.sh, which also works with the test build: scripts/demo.sh build/tools/shmtool/shmtool build/man
demo:
	@scripts/install-deps.sh $(DEMO_DEPS)
	@scripts/build-release.sh $(RELEASE_BUILD) shmtool man
	@scripts/demo.sh $(RELEASE_BUILD)/tools/shmtool/shmtool $(RELEASE_BUILD)/man

# ./shmtool_VERSION_ARCH.deb, made by CPack's DEB generator, checked with lintian.
package:
	@scripts/install-deps.sh $(PACKAGE_DEPS)
	@scripts/package.sh $(RELEASE_BUILD)

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
	@scripts/install-deps.sh hyperfine time lsof
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(RELEASE_BUILD)
