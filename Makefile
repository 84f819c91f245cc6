# Loket build. `make` builds ./loket; `make test` builds a sanitized copy and runs every test;
# `make run` serves the default flows; `make bench` prints the benchmark figures.
# Missing Debian packages are installed by scripts/deps.sh (as root) or named exactly (otherwise).

PKGS      := lua5.4 jansson sqlite3 libwebsockets openssl libcurl
CC        ?= cc
BUILD     ?= build/release
SANITIZER ?=
WARN      := -Wall -Wextra -Werror -Wshadow -Wundef -Wwrite-strings \
             -Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
ifneq ($(SANITIZER),)
ALL_CFLAGS += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=$(SANITIZER)
endif

SRCS      := $(sort $(wildcard engine/*.c))
OBJS      := $(SRCS:engine/%.c=$(BUILD)/engine/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/engine/main.o,$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRCS:= $(sort $(wildcard bench/*.c))
BENCH_BINS:= $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps build run test test-build bench clean
# Dependencies first, then a fresh make so pkg-config sees what was just installed.
all: deps
	@$(MAKE) --no-print-directory build

build: loket

deps:
	@scripts/deps.sh build

loket: $(BUILD)/loket
	@cp $< $@

# V=1 shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/loket: $(OBJS)
	@echo "  LD    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/engine/%.o: engine/%.c $(wildcard include/*.h) | $(BUILD)/engine
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/harness.h $(LIB_OBJS) | $(BUILD)/tests
	@echo "  TEST  $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIB_OBJS) | $(BUILD)/bench
	@echo "  BENCH $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

$(BUILD)/engine $(BUILD)/tests $(BUILD)/bench:
	@mkdir -p $@

test-build: $(BUILD)/loket $(UNIT_BINS)

# The README's test command: installs what is missing, builds with ASan+UBSan, runs everything.
test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory BUILD=build/test SANITIZER=address,undefined CFLAGS="-O1 -g" test-build
	@$(MAKE) --no-print-directory build
	@tests/run.sh build/test

run: all
	./loket serve

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build $(BENCH_BINS)
	@bench/run.sh $(BUILD)

clean:
	rm -rf build loket
