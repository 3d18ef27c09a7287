# nixl-tui build. `make` builds ./nixl-tui; `make test` runs every test, `make test-unit`
# the in-process ones; `make check` runs the tests built with ASan+UBSan (SUITE=unit for
# the unit set); `make bench` prints the benchmarks.
PKGS     := ncursesw libcurl openssl libcjson libxml-2.0 libfabric
PREFIX   ?= /usr/local
BUILD    ?= build
CC       ?= cc
SUITE    ?= all
WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes
# Warnings stop the build in CI and in `make check` only: a user's newer compiler may warn
# about something new, and that must not stop them from building.
WERROR   ?= $(if $(filter true 1,$(CI)),1,)
ifeq ($(WERROR),1)
WARN     += -Werror
endif

# Every pkg-config module must be there before anything is compiled; otherwise say which,
# and the Debian package that has it (`make deps` installs them). Not for the goals that
# install them or need no compiler.
PKG_DEBS := ncursesw:libncurses-dev libcurl:libcurl4-openssl-dev openssl:libssl-dev \
            libcjson:libcjson-dev libxml-2.0:libxml2-dev libfabric:libfabric-dev
TEST_DEBS := cmocka:libcmocka-dev
NO_CHECK_GOALS := deps run clean
ifneq ($(MAKECMDGOALS),)
ifeq ($(filter-out $(NO_CHECK_GOALS),$(MAKECMDGOALS)),)
SKIP_PKG_CHECK := 1
endif
endif
ifneq ($(SKIP_PKG_CHECK),1)
ifeq ($(shell command -v pkg-config),)
$(error pkg-config is not installed: apt-get install pkg-config (or run `make deps`))
endif
NEED_DEBS := $(PKG_DEBS) $(if $(filter test test-unit check bench,$(MAKECMDGOALS)),$(TEST_DEBS))
MISSING  := $(strip $(foreach p,$(NEED_DEBS),$(if $(shell pkg-config --exists $(firstword $(subst :, ,$(p))) && echo y),,$(p))))
ifneq ($(MISSING),)
$(error missing pkg-config modules: $(foreach p,$(MISSING),$(firstword $(subst :, ,$(p))) (Debian package $(lastword $(subst :, ,$(p))))); run `make deps` or apt-get install $(foreach p,$(MISSING),$(lastword $(subst :, ,$(p)))))
endif
endif
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

.PHONY: all deps test test-unit check bench run stop-sandbox install clean
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
# and so are the task runner and the default task file
$(BUILD)/src/setup/runner.o: src/setup/scripts/task_runner.sh src/setup/tasks/nixl-node.json
$(BUILD)/src/setup/mlflow.o: src/setup/scripts/mlflow_check.sh

# -MMD: a test program is rebuilt when any header it includes changes
$(BUILD)/tests/%: tests/%.c $(BUILD)/libnixl.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -MMD -MP -MF $@.d -o $@ $< $(BUILD)/libnixl.a $(LDLIBS) $(shell pkg-config --libs cmocka)

deps:
	@sh tools/deps.sh

test: $(BUILD)/nixl-tui $(TESTBINS)
	@SUITE=$(SUITE) sh tests/run.sh $(BUILD)

# the in-process tests only: seconds, no servers, no external tools
test-unit: $(BUILD)/nixl-tui $(TESTBINS)
	@SUITE=unit sh tests/run.sh $(BUILD)

check:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" WERROR=1 SUITE=$(SUITE) test

bench: all
	@sh bench/run.sh

include tests/fuzz/fuzz.mk

run:
	@sh tools/deps.sh
	@$(MAKE) --no-print-directory all
	@sh tools/run.sh

# the sandbox make run leaves running for the next make run
stop-sandbox:
	@sh tools/run.sh --stop-sandbox

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/nixl-tui
	install -m 755 nixl-tui $(DESTDIR)$(PREFIX)/bin/nixl-tui
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions
	./nixl-tui help --man > $(DESTDIR)$(PREFIX)/share/man/man1/nixl-tui.1
	./nixl-tui help --completion bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/nixl-tui
	./nixl-tui help --completion zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_nixl-tui
	install -d $(DESTDIR)$(PREFIX)/share/nixl-tui/sandbox/awssim
	install -m 644 tools/sandbox/*.py tools/sandbox/README.md $(DESTDIR)$(PREFIX)/share/nixl-tui/sandbox/
	install -m 644 tools/sandbox/awssim/*.py $(DESTDIR)$(PREFIX)/share/nixl-tui/sandbox/awssim/

clean:
	rm -rf build build-asan nixl-tui

-include $(OBJS:.o=.d) $(BUILD)/src/main.d $(TESTBINS:=.d)
