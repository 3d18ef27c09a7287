# nixl-tui build. `make` builds ./nixl-tui; `make test` runs every test; `make check`
# runs the same tests built with ASan+UBSan; `make bench` prints the benchmarks.
PKGS     := ncursesw libcurl openssl libcjson libxml-2.0 libfabric
PREFIX   ?= /usr/local
BUILD    ?= build
CC       ?= cc
WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Werror
CFLAGS   ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libfabric is opened at run time by src/efa/fi_dl.c, not linked: see there why
LDLIBS   += $(shell pkg-config --libs $(filter-out libfabric,$(PKGS)) 2>/dev/null) -ldl -lm
# float-cast-overflow: gcc leaves it out of "undefined" (clang, which builds the fuzzers, does not)
SAN      := -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined,float-cast-overflow

SRCS     := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
OBJS     := $(SRCS:%.c=$(BUILD)/%.o)
TEST_NAMES := $(basename $(notdir $(shell find tests -maxdepth 1 -name 'test_*.c' | sort)))
TESTBINS := $(TEST_NAMES:%=$(BUILD)/tests/%)
BENCHES  := $(basename $(notdir $(shell find bench -maxdepth 1 -name '*.c' 2>/dev/null | sort)))

.PHONY: all deps test check bench run install clean
all: nixl-tui

nixl-tui: $(BUILD)/nixl-tui
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/nixl-tui: $(BUILD)/src/main.o $(BUILD)/libnixl.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libnixl.a: $(OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# the EFA check script is embedded into this object with .incbin
$(BUILD)/src/efa/check_script.o: src/efa/scripts/efa_check.sh

$(BUILD)/tests/%: tests/%.c $(BUILD)/libnixl.a tests/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(BUILD)/libnixl.a $(LDLIBS) $(shell pkg-config --libs cmocka)

deps:
	@sh tools/deps.sh

test: $(BUILD)/nixl-tui $(TESTBINS)
	@sh tests/run.sh $(BUILD)

check:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" test

bench: all
	@sh bench/run.sh

include tests/fuzz/fuzz.mk

run:
	@sh tools/deps.sh
	@$(MAKE) --no-print-directory all
	@sh tools/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/nixl-tui
	install -m 755 nixl-tui $(DESTDIR)$(PREFIX)/bin/nixl-tui
	install -d $(DESTDIR)$(PREFIX)/share/nixl-tui/sandbox/awssim
	install -m 644 tools/sandbox/*.py tools/sandbox/README.md $(DESTDIR)$(PREFIX)/share/nixl-tui/sandbox/
	install -m 644 tools/sandbox/awssim/*.py $(DESTDIR)$(PREFIX)/share/nixl-tui/sandbox/awssim/

clean:
	rm -rf build build-asan nixl-tui

-include $(OBJS:.o=.d) $(BUILD)/src/main.d
