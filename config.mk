# shipsync build configuration: edit here or override on the make command line.

VERSION   = 0.1.0

PREFIX    = /usr/local
BINDIR    = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
DATADIR   = $(PREFIX)/share/shipsync

CC        = cc
FUZZCC    = clang
PKG_CONFIG = pkg-config
PKGS      = libcurl libgit2 libcrypto libarchive

CFLAGS    = -O2 -g -Wall -Wextra
# DEVELOPER=1: fail on every warning and warn about more.
DEVFLAGS  = -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
LDFLAGS   = -Wl,--as-needed

# SANITIZE=address,undefined builds everything with those sanitizers (make check does).
SANITIZE  =
