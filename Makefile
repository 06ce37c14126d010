# gongkai - build, demo and test. `make demo` and `make check` are the two
# commands a newcomer needs; both install what is missing first.

CC      ?= cc
include mk/pkgs.mk
WARN    := -Wall -Wextra -Werror -Wpedantic -Wstrict-prototypes -Wvla -Wno-unused-parameter \
           -Wshadow -Wformat=2 -Wno-format-nonliteral
CSTD    := -std=c17 -D_GNU_SOURCE
PKGCF   := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

# variants: release (bin/gongkai) and asan (build/asan/gongkai)
REL_CFLAGS  := $(CSTD) $(WARN) -O2 -g $(PKGCF) -Isrc -Ibuild/gen
ASAN_CFLAGS := $(CSTD) $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer $(PKGCF) -Isrc -Ibuild/gen

SRCS      := $(sort $(wildcard src/core/*.c src/store/*.c src/domain/*/*.c src/render/*.c src/http/*.c src/cli/*.c))
MAIN      := src/main.c
ASSETS    := $(sort $(wildcard templates/*.html static/* src/store/migrations/*.sql))
UNIT_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))

REL_OBJS  := $(SRCS:%.c=build/rel/%.o) build/rel/gen/assets.o
ASAN_OBJS := $(SRCS:%.c=build/asan/%.o) build/asan/gen/assets.o
REL_LIB   := build/rel/libgk.a
ASAN_LIB  := build/asan/libgk.a
REL_UNITS := $(UNIT_SRCS:tests/unit/%.c=build/rel/unit/%)
ASAN_UNITS:= $(UNIT_SRCS:tests/unit/%.c=build/asan/unit/%)
# each fuzz/fuzz_<t>.c also builds as a corpus replayer (no libFuzzer needed)
FUZZ_SRCS    := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_REPLAYS := $(FUZZ_SRCS:fuzz/fuzz_%.c=build/asan/fuzz/replay_%)

.PHONY: all deps demo check check-pg check-unit check-http check-browser check-fuzz clean bench fuzz fmt
all: bin/gongkai

deps:
	@tools/deps.sh

bin/gongkai: build/rel/src/main.o $(REL_LIB)
	@mkdir -p bin
	$(CC) $(REL_CFLAGS) -o $@ $^ $(PKGLIBS)

build/asan/gongkai: build/asan/src/main.o $(ASAN_LIB)
	$(CC) $(ASAN_CFLAGS) -o $@ $^ $(PKGLIBS)

$(REL_LIB): $(REL_OBJS)
	@rm -f $@
	ar rcs $@ $^
$(ASAN_LIB): $(ASAN_OBJS)
	@rm -f $@
	ar rcs $@ $^

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC  $<"
	@$(CC) $(REL_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC  $< (asan)"
	@$(CC) $(ASAN_CFLAGS) -MMD -MP -c -o $@ $<

build/rel/gen/assets.o: build/gen/assets.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -c -o $@ $<
build/asan/gen/assets.o: build/gen/assets.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -c -o $@ $<

# templates, static files and migrations are compiled into the binary
build/gen/assets.c: build/embed $(ASSETS)
	@mkdir -p build/gen
	build/embed $(ASSETS) > $@.tmp && mv $@.tmp $@
build/embed: tools/embed.c
	@mkdir -p build
	$(CC) $(CSTD) $(WARN) -O1 -o $@ $<

build/rel/unit/%: tests/unit/%.c $(REL_LIB)
	@mkdir -p $(dir $@)
	@echo "LD  $@"
	@$(CC) $(REL_CFLAGS) -Itests/unit -o $@ $< $(REL_LIB) $(PKGLIBS) -lcmocka
build/asan/unit/%: tests/unit/%.c $(ASAN_LIB)
	@mkdir -p $(dir $@)
	@echo "LD  $@"
	@$(CC) $(ASAN_CFLAGS) -Itests/unit -o $@ $< $(ASAN_LIB) $(PKGLIBS) -lcmocka

# tools/check.sh runs build/asan/fuzz/replay_<t> over fuzz/corpus/<t>/;
# the libFuzzer builds (clang) are in fuzz/Makefile: `make fuzz`
build/asan/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(ASAN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -o $@ $< fuzz/replay.c $(ASAN_LIB) $(PKGLIBS)

demo: deps bin/gongkai
	@tools/demo.sh

# every test, twice built: release and ASan/UBSan. Integration and browser
# tests run against the sanitizer build.
check: deps bin/gongkai build/asan/gongkai $(REL_UNITS) $(ASAN_UNITS) $(FUZZ_REPLAYS)
	@tools/check.sh

# the store unit tests against a throw-away PostgreSQL 15 cluster
# (tools/pg.sh; GONGKAI_TEST_PG gives each test a fresh database)
STORE_UNITS := $(filter build/rel/unit/store/%,$(REL_UNITS)) $(filter build/asan/unit/store/%,$(ASAN_UNITS))
check-pg: deps $(STORE_UNITS)
	@tools/check-pg.sh

# build every libFuzzer target (clang) and run each for FUZZ_TIME seconds,
# merging new coverage into fuzz/corpus/<t>/: make fuzz FUZZ_TIME=600
FUZZ_TIME ?= 30
fuzz:
	@$(MAKE) -C fuzz run FUZZ_TIME=$(FUZZ_TIME)

bench: bin/gongkai
	$(MAKE) -C bench
	bench/run.sh

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
