# SPDX-License-Identifier: GPL-2.0-or-later
# sluice - top-level build.
#
# Targets: all check demo bench fuzz install uninstall deps clean.
# Objects go to $(B) (build/, or build-san/ with SANITIZE=1, build-fuzz/
# for the libFuzzer harnesses) so the three builds never mix.
# Each folder adds its own programs in its Makefile.inc, all in one
# style: <PROG>_SRCS (a wildcard of the folder, less its main),
# <PROG>_OBJS from it, a $(LINK) rule, PROGS += and MANS +=.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
DOCDIR    ?= $(PREFIX)/share/doc/sluice
UNITDIR   ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc/sluice
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
LOGROTATEDIR ?= /etc/logrotate.d
POSTFIX_DIR ?=

ifeq ($(SANITIZE),1)
B         ?= build-san
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
B         ?= build
SANFLAGS  :=
endif

CC        ?= cc
PKGS      := glib-2.0 hiredis
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# CFLAGS and LDFLAGS are the builder's (make CFLAGS=-O0 replaces them);
# what the build cannot do without is in SL_CFLAGS and SL_LDFLAGS, which
# a folder extends for its own objects (target-specific SL_CFLAGS +=).
CFLAGS    ?= -O2 -g
LDFLAGS   ?=
SL_CFLAGS := -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	     -DSLUICE_VERSION='"$(VERSION)"' -Icommon $(PKG_CFLAGS) $(SANFLAGS)
SL_LDFLAGS := $(SANFLAGS)
LINK       = $(CC) $(SL_LDFLAGS) $(LDFLAGS)
LIBSLUICE := $(B)/libsluice.a

.PHONY: all check unit integration demo bench fuzz install uninstall deps clean
all:

# Every .c in common/ is part of the core library.
CORE_SRCS := $(wildcard common/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(B)/%.o)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(SL_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBSLUICE): $(CORE_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

PROGS :=
MANS :=
include nft-expr/Makefile.inc policyd/Makefile.inc milter/Makefile.inc
include examples/sim/Makefile.inc

# Unit tests: one C program per tests/unit/*.c, linked with the core.
# A test may link daemon objects too: UNIT_OBJS_<name> (and libraries,
# UNIT_LIBS_<name>) in a Makefile.inc; the objects are prerequisites
# through the second expansion below, so a clean tree builds them.
UNIT_SRCS  := $(wildcard tests/unit/*.c)
UNIT_TESTS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%.t)
.SECONDEXPANSION:
$(UNIT_TESTS): $(B)/tests/unit/%.t: $(B)/tests/unit/%.o $(LIBSLUICE) $$(UNIT_OBJS_$$*)
	$(LINK) -o $@ $< $(UNIT_OBJS_$*) $(LIBSLUICE) $(PKG_LIBS) $(UNIT_LIBS_$*) -lm

all: $(LIBSLUICE) $(PROGS) $(UNIT_TESTS)

deps:
	@sh mk/deps.sh

# Integration tests find the programs through SLUICE_BUILD. They spend
# most of their time waiting (for releases, timeouts, peers), and each
# builds its own namespaces, Postfix and sockets under unique names, so
# prove runs PROVE_JOBS of them at once (PROVE_JOBS=1 for one at a time).
# Under SANITIZE=1 every process of the run (unit tests, and the daemons
# the integration tests start, whose exit status a test may not see)
# writes its AddressSanitizer or LeakSanitizer report to $(B)/asan/, and
# any report there fails the check (mk/sanreport.sh prints them).
PROVE_JOBS ?= 3
ifeq ($(SANITIZE),1)
SAN_DIR   := $(abspath $(B))/asan
CHECK_ENV := ASAN_OPTIONS=log_path=$(SAN_DIR)/report
endif
check: deps
	$(MAKE) all
	$(if $(SAN_DIR),rm -rf $(SAN_DIR) && mkdir -m 1777 -p $(SAN_DIR))
	SLUICE_BUILD=$(abspath $(B)) SLUICE_TOP=$(CURDIR) $(CHECK_ENV) \
	  prove --timer -f -j$(PROVE_JOBS) $(UNIT_TESTS) $(sort $(wildcard tests/integration/*.t)); \
	  rc=$$?; $(if $(SAN_DIR),sh mk/sanreport.sh $(SAN_DIR) || rc=1;) exit $$rc

unit: all
	prove -f $(UNIT_TESTS)

demo: deps
	$(MAKE) all
	SLUICE_BUILD=$(abspath $(B)) SLUICE_TOP=$(CURDIR) sh examples/lab/demo.sh $(if $(FULL),full)

bench: deps
	$(MAKE) all
	SLUICE_BUILD=$(abspath $(B)) SLUICE_TOP=$(CURDIR) sh tests/bench/run.sh

include mk/fuzz.mk

# install: programs, man pages, examples, units, the sluice user
# (sysusers.d), directories (tmpfiles.d), logrotate; sluice.conf only
# when absent (mk/install.sh). uninstall removes all of it except
# sluice.conf, /var/lib/sluice, /var/log/sluice and the user.
INST_SBIN  := $(notdir $(PROGS)) sluice-postfix-setup
INST_MANS  := $(MANS) examples/postfix/sluice-postfix-setup.8
INST_UNITS := $(notdir $(wildcard examples/systemd/*.service))
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DOCDIR)/examples \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	  $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(LOGROTATEDIR)
	install -m 755 $(PROGS) examples/postfix/sluice-postfix-setup \
	  $(DESTDIR)$(SBINDIR)
	for m in $(INST_MANS); do s=$${m##*.}; \
	  install -d $(DESTDIR)$(MANDIR)/man$$s && \
	  install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done
	cp -R examples/. $(DESTDIR)$(DOCDIR)/examples
	for u in $(INST_UNITS); do \
	  sed 's|/usr/local/sbin|$(SBINDIR)|g' examples/systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u; \
	  chmod 644 $(DESTDIR)$(UNITDIR)/$$u; done
	install -m 644 examples/systemd/sluice.sysusers $(DESTDIR)$(SYSUSERSDIR)/sluice.conf
	install -m 644 examples/systemd/sluice.tmpfiles $(DESTDIR)$(TMPFILESDIR)/sluice.conf
	install -m 644 examples/logrotate/sluice $(DESTDIR)$(LOGROTATEDIR)/sluice
	DESTDIR='$(DESTDIR)' SYSCONFDIR='$(SYSCONFDIR)' SYSUSERSDIR='$(SYSUSERSDIR)' \
	  TMPFILESDIR='$(TMPFILESDIR)' POSTFIX_DIR='$(POSTFIX_DIR)' sh mk/install.sh

uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(INST_SBIN)) \
	  $(addprefix $(DESTDIR)$(UNITDIR)/,$(INST_UNITS)) \
	  $(DESTDIR)$(SYSUSERSDIR)/sluice.conf $(DESTDIR)$(TMPFILESDIR)/sluice.conf \
	  $(DESTDIR)$(LOGROTATEDIR)/sluice
	for m in $(INST_MANS); do \
	  s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	rm -rf $(DESTDIR)$(DOCDIR)
	@echo "uninstall: kept $(DESTDIR)$(SYSCONFDIR)/sluice.conf," \
	  "$(DESTDIR)/var/lib/sluice, $(DESTDIR)/var/log/sluice and the user sluice"

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(B) -name '*.d' 2>/dev/null)
