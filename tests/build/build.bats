#!/usr/bin/env bats
# The build, the install layout and the conventions every tool shares.

bats_require_minimum_version 1.5.0
load ../lib/common

tools() {
	local d
	for d in "$TOP"/tools/*/; do basename "$d"; done
}

@test "make install puts tools, man pages and the make fragments under DESTDIR, uninstall removes them" {
	local dest=$BATS_TEST_TMPDIR/dest t
	run make -s -C "$TOP" install DESTDIR="$dest" PREFIX=/opt/shipsync
	[ "$status" -eq 0 ]
	for t in $(tools); do
		[ -x "$dest/opt/shipsync/bin/$t" ]
	done
	[ -f "$dest/opt/shipsync/share/shipsync/release.mk" ]
	# validate.sh sources the engine's functions from its own directory.
	[ -f "$dest/opt/shipsync/share/shipsync/engine.sh" ]
	[ -f "$dest/opt/shipsync/share/man/man7/shipsync.7" ]
	run make -s -C "$TOP" uninstall DESTDIR="$dest" PREFIX=/opt/shipsync
	[ "$status" -eq 0 ]
	[ -z "$(find "$dest" -type f)" ]
}

@test "every tool has a man page in section 1" {
	local t
	for t in $(tools); do
		[ -f "$TOP/man/$t.1" ] || { echo "no man page for $t"; return 1; }
	done
}

@test "every tool prints usage on --help and exits 0" {
	local t
	for t in $(tools); do
		run "$t" --help
		[ "$status" -eq 0 ] || { echo "$t --help exited $status"; return 1; }
		[[ "$output" == *"usage:"* ]] || { echo "$t --help prints no usage line"; return 1; }
	done
}

@test "every tool prints its version on --version" {
	local t version
	version=$(sed -n 's/^VERSION *= *//p' "$TOP/config.mk")
	for t in $(tools); do
		run "$t" --version
		[ "$status" -eq 0 ] && [[ "$output" == *"$version"* ]] || { echo "$t --version: $output"; return 1; }
	done
}

@test "every tool refuses an unknown option with exit 2 and a message on stderr" {
	local t
	for t in $(tools); do
		run --separate-stderr "$t" --no-such-option-anywhere
		[ "$status" -eq 2 ] || { echo "$t exited $status"; return 1; }
		[ -z "$output" ] || { echo "$t wrote to stdout: $output"; return 1; }
		[[ "$stderr" == *"$t"* ]] || { echo "$t: no prefixed message: $stderr"; return 1; }
	done
}

@test "banned libc calls do not compile" {
	local f
	for f in 'strcpy(d, s)' 'strcat(d, s)' 'sprintf(d, "%s", s)' 'strtok(d, s)' 'gets(d)'; do
		printf '#include <stdio.h>\n#include <string.h>\n#include "util.h"\nvoid f(char *d, const char *s) { (void)s; %s; }\n' "$f" >"$BATS_TEST_TMPDIR/b.c"
		run cc -std=c11 -I"$TOP/common" -c -o "$BATS_TEST_TMPDIR/b.o" "$BATS_TEST_TMPDIR/b.c"
		[ "$status" -ne 0 ] || { echo "$f compiled"; return 1; }
		[[ "$output" == *banned* ]]
	done
}

@test "the harness turns a missing tool into a failure when CI=true" {
	run env CI=true bash -c "source '$TOP/tests/lib/common.bash'; require shipsync-no-such-tool"
	[ "$status" -ne 0 ]
	[[ "$output" == *"CI=true"* ]]
}

@test "the harness reports a sanitizer error as a failure" {
	printf '#include <stdlib.h>\nint main(void) { char *p = malloc(4); p[4] = 1; return p[0]; }\n' >"$BATS_TEST_TMPDIR/bad.c"
	cc -fsanitize=address -g -o "$BATS_TEST_TMPDIR/bad" "$BATS_TEST_TMPDIR/bad.c"
	run "$BATS_TEST_TMPDIR/bad"
	[ "$status" -ne 0 ]
	# With the harness's ASAN_OPTIONS the report also lands in a file that fails the run.
	[ -n "${ASAN_OPTIONS:-}" ] || unmet "not run through tests/run, so no sanitizer log directory"
	local dir=${ASAN_OPTIONS#*log_path=}
	dir=$(dirname "${dir%%:*}")
	local f
	for f in "$dir"/asan.*; do
		grep -q heap-buffer-overflow "$f" && rm -f "$f" && return 0
	done
	echo "no sanitizer report file in $dir"
	return 1
}
