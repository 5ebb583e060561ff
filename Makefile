# sheaf: a plain GNU Makefile. `make`, `make check`, `make install PREFIX=... DESTDIR=...`,
# `make check-sanitize` (ASan+UBSan), `make fuzz`, `make bench`, `make clean`.

CC      ?= cc
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
PKGS    := libzip libxml-2.0 libcmark-gfm yaml-0.1 nettle libdeflate libidn2 libjpeg gumbo json-c libpng libwebp
# Opened at run time with dlopen when first needed (base/dynlib.h), not linked: libcurl (web
# addresses) and librsvg with cairo and fontconfig (the JPEG cover) load some 80 shared libraries,
# which made every start of sheaf cost 20 ms. Their headers still type-check every call.
DLOPEN_PKGS := libcurl librsvg-2.0 cairo fontconfig
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow \
           -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
# Asked of pkg-config on first use only, so that `make sample` can install the packages first.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS) $(DLOPEN_PKGS)))$(PKG_CFLAGS)
# Libraries without a pkg-config file; -ldl for dlopen.
EXTRA_LIBS := -lcmark-gfm-extensions -lunistring -lgif -lpthread -lm -ldl
PKG_LIBS   = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)) $(EXTRA_LIBS))$(PKG_LIBS)

# Variant: plain build in build/, sanitizer build in build/san.
# BUILD may be set to keep several build trees apart (e.g. make BUILD=build/mine).
BUILD ?= build
# The sheaf binary links mimalloc, a faster malloc for the millions of small allocations cmark
# and libxml2 make; sanitizer builds keep the C library's, which the sanitizers replace.
ifeq ($(SANITIZE),1)
  B        := $(BUILD)/san
  SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  ALLOC_LIBS :=
else
  B        := $(BUILD)
  SANFLAGS :=
  ALLOC_LIBS := -lmimalloc
endif
BIN := $(B)/sheaf

ALL_CFLAGS   = $(WARN) $(PKG_CFLAGS) -Isrc -I$(B) $(CFLAGS) $(SANFLAGS) -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS)

# src/ is grouped by stage: base, model, readers, passes, writers, checker; book.c is the
# pipeline; cli/ the command line.
STAGES   := base model readers passes writers checker
LIB_SRC  := $(wildcard src/*.c) $(foreach d,$(STAGES),$(wildcard src/$(d)/*.c))
CLI_SRC  := $(wildcard src/cli/*.c)
LIB_OBJ  := $(LIB_SRC:src/%.c=$(B)/obj/%.o) $(B)/obj/embedded.o
CLI_OBJ  := $(CLI_SRC:src/%.c=$(B)/obj/%.o)
EMBEDDED := $(sort $(wildcard templates/*) $(wildcard styles/*))

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(B)/tests/tools/%)

.PHONY: check-render check-kindle
.PHONY: all check check-plain check-unit check-e2e check-sanitize check-differential bench-check install uninstall clean fuzz bench sample \
        format

all: $(BIN)
ifeq ($(B),build)
all: sheaf
sheaf: $(BIN)
	cp $(BIN) sheaf
endif

$(BIN): $(CLI_OBJ) $(B)/libsheaf.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libsheaf.a $(PKG_LIBS) $(ALLOC_LIBS)

$(B)/libsheaf.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/obj/%.o: src/%.c | $(B)/obj
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Templates and stylesheets are compiled into the binary (no files needed at run time).
$(B)/embed: src/tools/embed.c | $(B)/obj
	$(CC) -O2 -o $@ $<

$(B)/embedded.c: $(B)/embed $(EMBEDDED)
	$(B)/embed $(EMBEDDED) > $@.tmp && mv $@.tmp $@

$(B)/obj/embedded.o: $(B)/embedded.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/obj $(B)/tests $(B)/tests/tools:
	mkdir -p $@

# Unit tests (cmocka), one binary per tests/unit/test_*.c, linked with the library.
$(B)/tests/%: tests/unit/%.c $(B)/libsheaf.a | $(B)/tests
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libsheaf.a $(PKG_LIBS) -lcmocka $(ALL_LDFLAGS)

# Test helpers (fixture generators written for the project).
$(B)/tests/tools/%: tests/tools/%.c $(B)/libsheaf.a | $(B)/tests/tools
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libsheaf.a $(PKG_LIBS) $(ALL_LDFLAGS)

check-unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

check-e2e: $(BIN) $(TOOL_BIN)
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) \
	  SHEAF_EPUB_OUT=$(abspath $(B)/test-epubs) tests/run-e2e

# The whole suite, after installing any missing test tools (tests/install-deps): unit tests,
# end-to-end tests, epubcheck over every book they produced, then the same unit and end-to-end
# tests under AddressSanitizer and UndefinedBehaviorSanitizer.
check:
	tests/install-deps test
	$(MAKE) --no-print-directory check-plain
	$(MAKE) --no-print-directory check-render
	$(MAKE) --no-print-directory check-sanitize
	@echo "make check: all tests passed"

check-plain: all
	rm -rf $(B)/test-epubs
	$(MAKE) --no-print-directory check-unit
	$(MAKE) --no-print-directory check-e2e
	tests/epubcheck-all $(B)/test-epubs
	$(MAKE) --no-print-directory check-differential

# Every test book's documents in headless Chromium at phone and tablet size, light and dark:
# nothing wider than the page, title page centred, captions under their images; screenshots in
# $(B)/render for a person to look at. Needs the books check-plain made.
check-render:
	tests/render-check $(B)/test-epubs $(B)/render

# calibre's Kindle conversion of sample books (slow: not part of make check): no warnings, and
# ebook-meta finds the cover in the EPUB and in the AZW3.
check-kindle: $(BIN)
	SHEAF=$(abspath $(BIN)) tests/kindle-check $(B)/kindle

# sheaf check and epubcheck agree on the verdict for the suite's broken and valid books.
check-differential: $(BIN) $(TOOL_BIN)
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) tests/differential

# epubcheck already ran on the plain build's books.
# Library memory kept until exit (fontconfig, pango, GLib under librsvg) is not a leak of ours.
LSAN_ENV := LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0
check-sanitize:
	$(MAKE) --no-print-directory SANITIZE=1 all
	$(LSAN_ENV) $(MAKE) --no-print-directory SANITIZE=1 check-unit
	$(LSAN_ENV) $(MAKE) --no-print-directory SANITIZE=1 check-e2e

FUZZ_SECONDS ?= 60
fuzz:
	tests/fuzz/run $(FUZZ_SECONDS)

# Speed and memory figures (never asserted by tests): the build at several sizes, pandoc side by
# side, sheaf check against epubcheck, fetching web pages (parallel against one after
# another, from a local test server), speaker turns found in the transcript fixtures, and web
# pages against Readability.js.
bench: all $(TOOL_BIN)
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) tests/bench/bench.sh
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) tests/bench/check-bench.sh
	SHEAF=$(abspath $(BIN)) tests/bench/design.sh
	SHEAF=$(abspath $(BIN)) tests/bench/hostile.sh
	SHEAF=$(abspath $(BIN)) tests/bench/suite-agreement.sh
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) tests/bench/fetch.sh
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) tests/bench/turns.sh
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) tests/bench/web.sh
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) tests/bench/captions.sh
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) tests/bench/check-scaling.sh

bench-check: all $(TOOL_BIN)
	SHEAF=$(abspath $(BIN)) SHEAF_TOOLS=$(abspath $(B)/tests/tools) tests/bench/check-bench.sh

# Set up (missing Debian packages), build, and turn the sample interview shipped under tests/
# into a checked book.
sample:
	tests/install-deps build
	$(MAKE) --no-print-directory all
	./sheaf build tests/fixtures/sample-interview.md -o sample-interview.epub
	./sheaf check sample-interview.epub

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 sheaf $(DESTDIR)$(BINDIR)/sheaf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sheaf

# For scripts that build the library their own way (tests/fuzz/run): `make -s print-LIB_SRC`.
print-%:
	@echo $($*)

format:
	clang-format -i src/*.c src/*.h src/*/*.c src/*/*.h tests/unit/*.c tests/tools/*.c

clean:
	rm -rf build sheaf sample-interview.epub

-include $(wildcard $(B)/obj/*.d $(B)/obj/*/*.d $(B)/tests/*.d)
