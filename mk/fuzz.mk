# SPDX-License-Identifier: GPL-2.0-or-later
# fuzz.mk - libFuzzer harnesses, built with clang into build-fuzz/.
#
# Each tests/fuzz/NAME.c defines LLVMFuzzerTestOneInput; FUZZ_OBJS_NAME
# (set in a Makefile.inc) names daemon sources it needs besides the core,
# FUZZ_CFLAGS_NAME and FUZZ_LIBS_NAME the flags and libraries they add.
# Each harness runs FUZZ_SECONDS on its seed corpus tests/fuzz/NAME/;
# a crash stops make with the reproducer in build-fuzz/crash-NAME-*.

FUZZ_SECONDS ?= 20
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/%.c=%)
FZ := build-fuzz
FUZZ_CFLAGS := -O1 -g -std=gnu11 -D_GNU_SOURCE -DSLUICE_VERSION='"$(VERSION)"' \
	-Icommon $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined

$(FZ)/%: tests/fuzz/%.c $(CORE_SRCS) $$(FUZZ_OBJS_$$*)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) $(FUZZ_CFLAGS_$*) -o $@ $< $(CORE_SRCS) $(FUZZ_OBJS_$*) $(PKG_LIBS) $(FUZZ_LIBS_$*) -lm

fuzz: deps $(FUZZ_NAMES:%=$(FZ)/%)
	@set -e; for n in $(FUZZ_NAMES); do \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  mkdir -p $(FZ)/corpus-$$n; \
	  seeds=; [ -d tests/fuzz/$$n ] && seeds=tests/fuzz/$$n; \
	  $(FZ)/$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
	    -artifact_prefix=$(FZ)/crash-$$n- $(FZ)/corpus-$$n $$seeds \
	    2>$(FZ)/$$n.log || { tail -40 $(FZ)/$$n.log; exit 1; }; \
	  tail -1 $(FZ)/$$n.log; \
	done
