# libFuzzer targets, one per tests/fuzz/fuzz_NAME.c (tests/fuzz/README.md).
# `make fuzz [FUZZ_SECONDS=N]` builds the product again with clang and the fuzzer's
# coverage hooks into build-fuzz/ and runs each target N seconds; the same targets,
# linked with replay.c instead of libFuzzer ($(BUILD)/fuzz/replay_NAME), replay their
# seeds and every past crash under `make test` / `make check` (tests/fuzz/test_replay.sh).
FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer \
                -fno-sanitize-recover=undefined
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)

# Seeds besides tests/fuzz/corpus/NAME and tests/fuzz/regress/NAME: the real outputs
# the unit tests read.
FUZZ_SEEDS_efa  := tests/fixtures/efa
FUZZ_SEEDS_xml  := tests/fixtures/aws
FUZZ_SEEDS_json := tests/fixtures/aws/moto tests/fixtures/aws/json-errors \
                   tests/fixtures/aws/cli-examples
fuzz_seeds = tests/fuzz/corpus/$(1) tests/fuzz/regress/$(1) $(FUZZ_SEEDS_$(1))

.PHONY: fuzz
fuzz: $(FUZZ_BINS)
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) \
		$(foreach n,$(FUZZ_NAMES),'$(n)=$(strip $(call fuzz_seeds,$(n)))')

# The library is the top Makefile's, built by a second make with BUILD=$(FUZZ_BUILD),
# which tracks its objects' dependencies as usual.
ifneq ($(BUILD),$(FUZZ_BUILD))
.PHONY: $(FUZZ_BUILD)/libnixl.a
$(FUZZ_BUILD)/libnixl.a:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
		CFLAGS="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" $@
endif

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/replies.h $(FUZZ_BUILD)/libnixl.a
	$(FUZZ_CC) $(filter-out -O2,$(CFLAGS)) -O1 $(FUZZ_SAN) -fsanitize=fuzzer -Itests/fuzz \
		-o $@ $< $(FUZZ_BUILD)/libnixl.a $(LDLIBS)

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/replies.h \
                      $(BUILD)/libnixl.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/fuzz -DFUZZ_NAME='"fuzz_$*"' \
		-DFUZZ_DIRS='"$(strip $(call fuzz_seeds,$*))"' -o $@ $< tests/fuzz/replay.c \
		$(BUILD)/libnixl.a $(LDLIBS)

test: $(FUZZ_REPLAYS)

.PHONY: fuzz-clean
clean: fuzz-clean
fuzz-clean:
	rm -rf $(FUZZ_BUILD)
