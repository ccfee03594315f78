# tuncheck — plain GNU make; every library through pkg-config.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
PKG_CONFIG ?= pkg-config

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -MMD -MP
ifdef WERROR
WARN += -Werror
endif
ifdef SANITIZE
CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

B := build$(if $(SANITIZE),-san)
# Debian package for each pkg-config module (Fedora: see README.md).
PKGS := libmnl libseccomp liburing libpcap
pkg_deb = $(patsubst libmnl,libmnl-dev,$(patsubst libseccomp,libseccomp-dev,$(patsubst liburing,liburing-dev,$(patsubst libpcap,libpcap-dev,$(patsubst cmocka,libcmocka-dev,$(1))))))

NODEP_GOALS := deps clean format format-check help fuzz kernels
ifneq ($(filter-out $(NODEP_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(shell command -v $(PKG_CONFIG)),)
$(error pkg-config not found: run 'sudo sh ci/deps.sh' (Debian/Ubuntu) or see README.md)
endif
$(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),,\
	$(error $(p) not found by pkg-config: install $(call pkg_deb,$(p)) ('sudo make deps')) ))
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libpcap is for the unit test only (it reads our pcapng files back, an
# independent reader): tuncheck writes pcapng itself (harness/job/capture.c),
# which libpcap cannot.
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(filter-out libpcap,$(PKGS)) 2>/dev/null)
ALL_CFLAGS = $(WARN) -D_GNU_SOURCE $(CFLAGS) -Iinclude -Iharness/cli -Iharness/case -Iharness/run -Iharness/job -Iharness/vm -Inetns -Ibackends $(PKG_CFLAGS)

HARNESS_SRC := $(wildcard harness/*/*.c)
NETNS_SRC := $(wildcard netns/*.c)
BACKEND_SRC := $(wildcard backends/*.c)
SRC := $(HARNESS_SRC) $(NETNS_SRC) $(BACKEND_SRC)
OBJ := $(SRC:%.c=$(B)/%.o)
LIB_OBJ := $(filter-out $(B)/harness/cli/main.o,$(OBJ))

all: $(B)/tuncheck

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The kernel matrix's guest PID 1: static (it runs before any root is
# mounted), libc only, embedded in tuncheck by harness/vm/vm.c.
$(B)/tuncheck-init: harness/vm/guest/init.c harness/vm/channel.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_GNU_SOURCE $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(CFLAGS)) -static -o $@ $<

$(B)/harness/vm/vm.o: $(B)/tuncheck-init
$(B)/harness/vm/vm.o: ALL_CFLAGS += -DVM_INIT_PATH='"$(B)/tuncheck-init"'

$(B)/tuncheck: $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread -ldl -rdynamic

# Unit tests: one binary per module, linked against the module's objects.
TEST_SRC := $(wildcard tests/test_*.c)
TESTS := $(TEST_SRC:tests/%.c=$(B)/tests/%)
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -c -o $@ $<

# Each test links only the objects of the module(s) it tests, listed in
# tests/<name>.mk as OBJ_<name> (with WRAP_<name> for -Wl,--wrap= mocks).
-include $(wildcard tests/*.mk)
.SECONDEXPANSION:
$(B)/tests/%: $(B)/tests/%.o $$(OBJ_$$*)
	$(CC) $(LDFLAGS) $(WRAP_$*) -o $@ $< $(OBJ_$*) $(PKG_LIBS) $(LIBS_$*) $(CMOCKA_LIBS) -lpthread -ldl

tests: $(TESTS)

check-cmocka-exists:
	@$(PKG_CONFIG) --exists cmocka || { echo "cmocka not found by pkg-config: install libcmocka-dev ('sudo make deps')" >&2; exit 1; }

# Jobs mostly wait out their windows, so make run/check overlap 6 of them
# on this 2-core machine (tuncheck's own default is the CPU count).
# -j for run and check: empty, the default (tuncheck picks it from memory,
# descriptors and processes: jobs mostly sleep out their windows)
JOBS ?=
run: $(B)/tuncheck
	$(B)/tuncheck run $(if $(JOBS),-j $(JOBS)) cases

# Debian's 5.10, 6.1 and 6.12 kernels with modules, for the kernel matrix
# (run --kernel): no root, no installation.
KERNELS_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/tuncheck/kernels
kernels:
	sh ci/kernels.sh $(KERNELS_DIR)

# The shipped matrix on the host's kernel and on each fetched kernel under
# QEMU, then the broken-kernel selftests (ci/check-kernels.sh).
ACCEL ?= auto
check-kernels: $(B)/tuncheck
	@JOBS=$(or $(JOBS),6) ACCEL=$(ACCEL) sh ci/check-kernels.sh $(B) $(KERNELS_DIR) $(KERNELS)

# The matrix 20 times at the default -j under a 2-CPU load: unexpected
# verdicts (goal: none) and wall time beside the longest job (ci/flaky.sh).
flaky: $(B)/tuncheck
	sh ci/flaky.sh $(B) $(FLAKY_RUNS)
FLAKY_RUNS ?= 20

# Benchmarks: ratios against raw reference loops, never part of check.
bench: $(B)/tuncheck
	$(B)/tuncheck bench
	python3 ci/scale.py $(B) $(or $(SCALE_CASES),1000)

PLUGINS := $(patsubst tests/plugins/%.c,$(B)/tests/plugins/%.so,$(wildcard tests/plugins/*.c)) \
	$(patsubst tests/hostile/%.c,$(B)/tests/hostile/%.so,$(wildcard tests/hostile/*.c)) \
	$(B)/minimal/minimal.so
check: check-cmocka-exists $(B)/tuncheck $(TESTS) $(PLUGINS) examples
	@JOBS=$(JOBS) REPORTS=$(REPORTS) sh ci/check.sh $(B) $(TESTS)

# The test plugins misbehave on purpose (a NULL store must be a SIGSEGV,
# not UBSan's report): never sanitized, even in a SANITIZE build.
PLUGIN_CFLAGS = $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(CFLAGS))

# Deliberately broken plugins for the isolation selftests (selftests.tsv).
$(B)/tests/plugins/%.so: tests/plugins/%.c include/tuncheck/backend.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(PLUGIN_CFLAGS) -Iinclude -fPIC -shared -o $@ $<

# The version JSON and JUnit reports carry: git's description of the tree.
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(B)/harness/run/report.o: ALL_CFLAGS += -DTUNCHECK_VERSION='"$(VERSION)"'

# The README's minimal plugin, built as it says (against the source tree).
$(B)/minimal/minimal.so: examples/minimal_plugin.c include/tuncheck/backend.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(PLUGIN_CFLAGS) -Iinclude -shared -fPIC -o $@ $<

# Hostile plugins for the containment checks (tests/hostile, ci/hostile.sh).
$(B)/tests/hostile/%.so: tests/hostile/%.c include/tuncheck/backend.h
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(PLUGIN_CFLAGS) -Iinclude -fPIC -shared -o $@ $<

# The out-of-tree example plugin, built as its users would: against a
# staged `make install`, through pkg-config only.  Without libuv it is not
# built, and ci/check.sh reports its run as skipped.
STAGE = $(abspath $(B))/stage
# Go's toolchain for examples/go_reader (standard library only, offline)
GO ?= go
examples: $(B)/tuncheck
	@rm -rf $(STAGE) $(B)/examples && mkdir -p $(B)/examples
	@$(MAKE) -s install DESTDIR=$(STAGE) PREFIX=/usr
	@if $(PKG_CONFIG) --exists libuv; then \
		PKG_CONFIG_PATH=$(STAGE)/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(STAGE) \
		$(MAKE) -s -C examples/uv_backend O=$(abspath $(B))/examples \
			CC="$(CC)" CFLAGS="$(CFLAGS)" $(if $(WERROR),WERROR=1); \
	else \
		echo "examples: libuv not found by pkg-config: uv_backend.so not built (install libuv1-dev)"; \
	fi
	@if command -v $(GO) >/dev/null; then \
		cd examples/go_reader && GOCACHE=$(abspath $(B))/go/cache \
		GOPATH=$(abspath $(B))/go/path GOPROXY=off GO111MODULE=on \
		GOFLAGS="-buildvcs=false -modcacherw" \
		$(GO) build -trimpath -o $(abspath $(B))/examples/go_reader .; \
	else \
		echo "examples: $(GO) not found: go_reader not built (make deps installs golang-go)"; \
	fi

deps:
	sh ci/deps.sh

# libFuzzer (clang) on every parser of untrusted input: the case parser,
# variant expansion and the exec protocol, FUZZ_TIME seconds each.
FUZZ_TIME ?= 60
fuzz:
	sh ci/fuzz.sh $(FUZZ_TIME) $(B)

# relative to ${prefix} where they can be: pkg-config --define-prefix works
PC_INCLUDEDIR = $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))
PC_LIBDIR = $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
install: $(B)/tuncheck
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCLUDEDIR)/tuncheck $(DESTDIR)$(PKGCONFIGDIR)
	install -m 0755 $(B)/tuncheck $(DESTDIR)$(BINDIR)/tuncheck
	install -m 0644 include/tuncheck/*.h $(DESTDIR)$(INCLUDEDIR)/tuncheck/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 docs/tuncheck.1 $(DESTDIR)$(MANDIR)/man1/tuncheck.1
	install -m 0644 contrib/tuncheck.bash $(DESTDIR)$(BASHCOMPDIR)/tuncheck
	sed -e 's|@PREFIX@|$(PREFIX)|;s|@INCLUDEDIR@|$(PC_INCLUDEDIR)|;s|@LIBDIR@|$(PC_LIBDIR)|' \
		tuncheck.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/tuncheck.pc

FORMAT_SRC = $(SRC) $(wildcard harness/*/*.h harness/vm/guest/*.c netns/*.h backends/*.h include/tuncheck/*.h tests/*.c tests/plugins/*.c tests/hostile/*.c examples/uv_backend/*.c examples/*.c)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

# both build directories: plain and SANITIZE=...
clean:
	rm -rf build build-san

help:
	@echo "make                 build build/tuncheck"
	@echo "make run             the whole case matrix (JOBS=N: -j N)"
	@echo "make check           unit tests, matrix, selftests, mutants, hostile backends"
	@echo "                     (REPORTS=DIR: JUnit and HTML of the matrix run there)"
	@echo "make SANITIZE=address,undefined check   the same under ASan and UBSan"
	@echo "make bench           round trips, per-job overhead, the 1000-case scaling run"
	@echo "make flaky           the matrix 20 times under CPU load: unexpected verdicts"
	@echo "make fuzz            libFuzzer on every parser (FUZZ_TIME=seconds each)"
	@echo "make kernels check-kernels   Debian's kernels under QEMU (ACCEL=tcg)"
	@echo "make examples        the plugin and runtime examples (Go, Node.js, libuv)"
	@echo "make deps            install the build dependencies (Debian/Ubuntu, as root)"
	@echo "make format format-check install clean"

.PHONY: help all run bench check deps install clean tests format format-check check-cmocka-exists examples fuzz kernels flaky check-kernels
-include $(OBJ:.o=.d) $(TESTS:%=%.d)
