# shipsync: one non-recursive Makefile.
#
# Every directory tools/NAME/ is a tool: all its .c files link into build/bin/NAME.
# tools/NAME/NAME.c holds main(); the other files are the tool's core, which
# unit tests (tests/unit/NAME.c) and fuzz targets (tests/fuzz/NAME.c) link too.

include config.mk

.DELETE_ON_ERROR:
.SUFFIXES:

# Sanitized objects live apart so that switching builds never mixes them.
ifeq ($(SANITIZE),)
B = build
else
B = build/san
SANFLAGS = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE -Icommon $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS) \
              $(if $(DEVELOPER),$(DEVFLAGS)) -DSHIPSYNC_VERSION='"$(VERSION)"'
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS        = $(PKG_LIBS) -lpthread

TOOLS      := $(notdir $(patsubst %/,%,$(wildcard tools/*/)))
COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/%.o)
COMMON_LIB := $(B)/libcommon.a
BINS       := $(TOOLS:%=$(B)/bin/%)
UNIT_SRC   := $(wildcard tests/unit/*.c)
UNIT_BINS  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
MAN1       := $(wildcard man/*.1)
MAN7       := $(wildcard man/*.7)

all: $(BINS) mk/exitcode.sh build/shipsync-commit

# The commit this tree is, when it is a git checkout of its own (empty
# otherwise), rewritten only when it changes; make install keeps it for
# make workflow, which pins a project's CI to it. Recorded at build time:
# git refuses a root-run install in a tree root does not own.
build/shipsync-commit: FORCE
	@mkdir -p $(@D)
	@c=$$([ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ] && \
		git rev-parse --verify -q HEAD); \
	[ "$$c" = "$$(cat $@ 2>/dev/null)" ] || printf '%s\n' "$$c" >$@

# Sources of one tool, and its core (every source but the one holding main).
tool_src  = $(wildcard tools/$(1)/*.c)
tool_core = $(filter-out tools/$(1)/$(1).c,$(call tool_src,$(1)))
tool_hdr  = $(wildcard tools/$(1)/*.h)
# Object lists live in functions: a literal % in a pattern rule's
# prerequisites would be taken for the stem.
tool_obj      = $(patsubst %.c,$(B)/%.o,$(call tool_src,$(1)))
tool_core_obj = $(patsubst %.c,$(B)/%.o,$(call tool_core,$(1)))

$(B)/%.o: %.c $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(COMMON_LIB): $(COMMON_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

.SECONDEXPANSION:
$(B)/bin/%: $$(call tool_obj,$$*) $(COMMON_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# A tool's objects depend on its private headers too.
$(B)/tools/%.o: tools/%.c $$(wildcard $$(dir tools/$$*)*.h) $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# A unit test links common and, when it is named after a tool, that tool's core.
$(B)/tests/unit/%: $(B)/tests/unit/%.o $$(call tool_core_obj,$$*) $(COMMON_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Fuzz targets: clang's libFuzzer, always with the sanitizers, objects of their own.
FUZZ_SRC  := $(wildcard tests/fuzz/*.c)
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZFLAGS  = -std=c11 -D_GNU_SOURCE -Icommon $(PKG_CFLAGS) -O1 -g \
             -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
             -DSHIPSYNC_VERSION='"$(VERSION)"'
build/fuzz/%: tests/fuzz/%.c $$(call tool_core,$$*) $$(call tool_hdr,$$*) $(COMMON_SRC) $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) -o $@ $(filter %.c,$^) $(LIBS)

# Every tool's objects are kept: without this make takes the objects it
# reaches only through the pattern rule above as intermediate, deletes them
# after linking, and rebuilds all of a tool's objects when one source changes.
.SECONDARY: $(foreach t,$(TOOLS),$(call tool_obj,$(t)))

# The exit statuses of common/exitcode.h as shell variables, for mk/*.sh:
# one table for the tools and the scripts that test what the tools return.
mk/exitcode.sh: common/exitcode.h
	{ echo '# Generated from common/exitcode.h by the Makefile: edit that file instead.'; \
	  echo '# shellcheck shell=bash disable=SC2034'; \
	  sed -n 's/^[[:space:]]*\(EXIT_[A-Z]*\)[[:space:]]*=[[:space:]]*\([0-9]*\),.*/readonly \1=\2/p' $<; \
	} >$@.tmp && mv -f $@.tmp $@

units: $(UNIT_BINS)
fuzz: $(FUZZ_BINS)

# The one test command: installs what it needs, starts services, runs everything.
check:
	tests/run

# A sample project bumped, validated and published against local services.
demo: all
	tests/setup/install-deps
	SHIPSYNC_BIN=$(CURDIR)/build/bin tests/demo/demo.sh

lint-man:
	mandoc -Tlint -Wwarning $(MAN1) $(MAN7)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man7 $(DESTDIR)$(DATADIR)
	cp -f $(BINS) $(DESTDIR)$(BINDIR)/
	cd $(DESTDIR)$(BINDIR) && chmod 755 $(TOOLS)
	$(if $(MAN1),cp -f $(MAN1) $(DESTDIR)$(MANPREFIX)/man1/)
	$(if $(MAN7),cp -f $(MAN7) $(DESTDIR)$(MANPREFIX)/man7/)
	cp -f mk/*.mk mk/*.sh mk/*.yml $(DESTDIR)$(DATADIR)/
	chmod 755 $(DESTDIR)$(DATADIR)/*.sh
	if [ -s build/shipsync-commit ]; then cp -f build/shipsync-commit $(DESTDIR)$(DATADIR)/; \
	else rm -f $(DESTDIR)$(DATADIR)/shipsync-commit; fi

uninstall:
	cd $(DESTDIR)$(BINDIR) && rm -f $(TOOLS)
	$(if $(MAN1),cd $(DESTDIR)$(MANPREFIX)/man1 && rm -f $(notdir $(MAN1)))
	$(if $(MAN7),cd $(DESTDIR)$(MANPREFIX)/man7 && rm -f $(notdir $(MAN7)))
	cd $(DESTDIR)$(DATADIR) && rm -f $(notdir $(wildcard mk/*.mk mk/*.sh mk/*.yml)) exitcode.sh shipsync-commit
	-rmdir $(DESTDIR)$(DATADIR)

clean:
	rm -rf build mk/exitcode.sh

.PHONY: all units fuzz check demo lint-man install uninstall clean FORCE
