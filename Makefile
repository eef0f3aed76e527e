# policyminer - one place composes the flags. See README.md.
#   make            build ./policyminer
#   make run        install deps, build, run on corpora/ into out/
#   make test       install deps, build, unit + golden + bad-input + dict check, then ASan+UBSan
#   make bench      benchmarks (never part of test)
#   make install PREFIX=/usr/local DESTDIR=

VERSION := 0.1.0
CC      ?= cc
PKGS    := libxml-2.0 libpcre2-8 zlib jansson
BUILD   ?= build
OPT     ?= -O2 -g
SAN     ?=
PREFIX  ?= /usr/local
DESTDIR ?=
MPI     ?=

# make MPI=1: the same program built against Open MPI (mpirun -np N policyminer run ...);
# its own build tree, so plain and MPI objects never mix.
ifeq ($(MPI),1)
CC      := mpicc
BUILD   := build-mpi
MPI_DEF := -DPM_WITH_MPI
endif

# Hyperscan (Debian's libhyperscan-dev, amd64): the fast literal prefilter when present;
# `make HYPERSCAN=0` builds without it (the Aho-Corasick automaton then scans).
HYPERSCAN ?= $(shell pkg-config --exists libhs 2>/dev/null && echo 1 || echo 0)
ifeq ($(HYPERSCAN),1)
PKGS    += libhs
HS_DEF  := -DPM_WITH_HYPERSCAN
endif

# ISA-L (Debian's libisal-dev): a faster inflate, selected with `run --inflate isal`;
# zlib stays the default that always works. `make ISAL=0` builds without it.
ISAL ?= $(shell pkg-config --exists libisal 2>/dev/null && echo 1 || echo 0)
ifeq ($(ISAL),1)
PKGS    += libisal
ISAL_DEF := -DPM_WITH_ISAL
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -fopenmp \
             -DPM_VERSION='"$(VERSION)"' -DPM_DATADIR='"$(PREFIX)/share/policyminer"' $(MPI_DEF) $(HS_DEF) $(ISAL_DEF) \
             $(PKG_CFLAGS) $(OPT) $(SAN) -MMD -MP $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -fopenmp -lm $(SAN) $(LDFLAGS)

LIB_SRC  := $(sort $(filter-out pipeline/cli/%,$(wildcard pipeline/*/*.c)))
CLI_SRC  := $(sort $(wildcard pipeline/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB_A    := $(BUILD)/libpolicyminer.a
BIN      := $(BUILD)/policyminer

.PHONY: all deps run test test-unit test-golden test-dict test-distrib test-asan bench install clean
.PHONY: test-examples
.DELETE_ON_ERROR:

all: policyminer

# copy then rename: replacing a binary that is running must not fail (ETXTBSY)
policyminer: $(BIN)
	cp $(BIN) $@.tmp && mv -f $@.tmp $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB_A)
	$(CC) $(CFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIB_A) $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-unused-parameter -o $@ $< $(LIB_A) $(LDLIBS_ALL) -lcmocka

deps:
	@scripts/install-deps

run: deps
	@$(MAKE) --no-print-directory all
	./policyminer run -o out corpora/

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test-unit test-dict test-golden test-distrib
	@$(MAKE) --no-print-directory test-examples
	@$(MAKE) --no-print-directory test-eval
	@$(MAKE) --no-print-directory test-asan
	@echo "make test: all suites passed"

# Unit tests run from the repository root (they read tests/data and dictionaries/).
test-unit: $(TEST_BIN)
	@scripts/run-unit-tests $(TEST_BIN)

test-dict: $(BIN)
	$(BIN) dict check dictionaries

test-golden: $(BIN)
	@PM_BIN=$(BIN) scripts/golden-test
	@PM_BIN=$(BIN) tests/golden/formats/order-test.sh

# Shards + merge and refreshes (--state) against one clean run, byte for byte.
# With Open MPI present (install-deps installs it) the MPI build is checked too.
test-distrib: $(BIN)
	@if command -v mpicc >/dev/null 2>&1 && [ -z "$(SAN)" ]; then \
	  $(MAKE) --no-print-directory MPI=1 build-mpi/policyminer >/dev/null && \
	  PM_BIN=$(BIN) PM_MPI_BIN=build-mpi/policyminer scripts/distrib-test; \
	else PM_BIN=$(BIN) scripts/distrib-test; fi

# scripts/examples/diffusion_tables.py (pandas) on the golden diffusion case
test-examples: $(BIN)
	@PM_BIN=$(BIN) scripts/examples/test-examples

# Real documents with hand labels (tests/eval/LABELLING.md): issuer level and exact region
# code must stay at or above the accuracy the README reports.
.PHONY: test-eval
test-eval: $(BIN)
	@PM_BIN=$(BIN) python3 scripts/eval-real.py --min-level 98 --min-region 95

# The same suites under ASan+UBSan, in their own build tree.
test-asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  test-unit test-golden test-distrib

bench: deps
	@scripts/install-deps --bench
	@$(MAKE) --no-print-directory all
	@scripts/bench

install: policyminer
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/policyminer/dictionaries \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 policyminer $(DESTDIR)$(PREFIX)/bin/policyminer
	install -m 644 dictionaries/* $(DESTDIR)$(PREFIX)/share/policyminer/dictionaries/
	install -m 644 docs/policyminer.1 $(DESTDIR)$(PREFIX)/share/man/man1/policyminer.1

clean:
	rm -rf build build-asan build-mpi policyminer out

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
