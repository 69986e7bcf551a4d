#!/usr/bin/env bats
# The make layer as built and installed: shellcheck-clean scripts, exit
# statuses from the one table, kept objects, benchmarks run by bench/run.

load ../lib/common

@test "mk/*.sh are shellcheck-clean" {
	require shellcheck
	run shellcheck -S warning "$TOP"/mk/*.sh
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ -z "$output" ]
}

@test "mk/exitcode.sh names every exit status of common/exitcode.h, with its value" {
	local name value n=0
	[ -f "$TOP/mk/exitcode.sh" ]
	while read -r name value; do
		run bash -c '. "$1" && eval "echo \${$2}"' _ "$TOP/mk/exitcode.sh" "$name"
		[ "$output" = "$value" ] || { echo "$name: '$output', not '$value'"; return 1; }
		n=$((n + 1))
	done < <(awk '$1 ~ /^EXIT_[A-Z]+$/ && $2 == "=" { sub(/,.*/, "", $3); print $1, $3 }' "$TOP/common/exitcode.h")
	[ "$n" -ge 10 ]
	[ "$(grep -c '^readonly EXIT_' "$TOP/mk/exitcode.sh")" -eq "$n" ]
}

@test "a tool's objects are kept: one changed source recompiles one object" {
	local t src n
	for t in oci-push pypi-upload healthwait; do
		make -s -C "$TOP" SANITIZE=address,undefined DEVELOPER=1 "build/san/bin/$t"
		for src in "$TOP"/tools/$t/*.c; do
			[ -f "$TOP/build/san/tools/$t/$(basename "$src" .c).o" ] || { echo "no object for $src"; return 1; }
		done
		src=$(ls "$TOP"/tools/$t/*.c | grep -v "/$t.c$" | head -n 1)
		n=$(make -n -C "$TOP" -W "${src#"$TOP"/}" SANITIZE=address,undefined DEVELOPER=1 "build/san/bin/$t" | grep -c -- ' -c -o ')
		[ "$n" -eq 1 ] || { echo "$t: changing $src recompiles $n objects"; return 1; }
	done
}

@test "bench/run runs the benchmarks, not the library they source" {
	local d=$BATS_TEST_TMPDIR/tree
	mkdir -p "$d/bench"
	cp "$TOP/bench/run" "$TOP/bench/lib.sh" "$d/bench/"
	printf 'all:\n' >"$d/Makefile"
	printf 'echo "the one benchmark ran"\n' >"$d/bench/one.sh"
	run "$d/bench/run"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '== one\nthe one benchmark ran')" ]
	run "$d/bench/run" lib
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the installed make fragments work on their own" {
	local dest=$BATS_TEST_TMPDIR/dest p=$BATS_TEST_TMPDIR/proj
	run make -s -C "$TOP" install DESTDIR="$dest" PREFIX=/opt/shipsync
	[ "$status" -eq 0 ]
	for f in release.mk defaults.mk bump.mk validate.mk publish.mk lib.sh exitcode.sh bump.sh \
		workflow.mk workflow.sh fetch-dist.sh release.yml shipsync-commit; do
		[ -f "$dest/opt/shipsync/share/shipsync/$f" ] || { echo "$f is not installed"; return 1; }
	done
	mkdir -p "$p" && cd "$p"
	git init -q -b main
	printf '[project]\nname = "a"\nversion = "1.0.0"\n' >pyproject.toml
	printf '# Changelog\n\n## [1.0.0] - 2026-01-01\n' >CHANGELOG.md
	printf 'include %s/opt/shipsync/share/shipsync/release.mk\n' "$dest" >Makefile
	git add -A && git -c user.name=T -c user.email=t@example.com commit -q -m init
	git -c user.name=T -c user.email=t@example.com tag -a v1.0.0 -m v1.0.0
	PATH=$dest/opt/shipsync/bin:$PATH run make -s version-check
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"tag at HEAD"*v1.0.0*ok* ]]
	# make workflow pins CI to the commit shipsync was installed from
	PATH=$dest/opt/shipsync/bin:$PATH run make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	grep -qx "  SHIPSYNC_COMMIT: '$(git -C "$TOP" rev-parse HEAD)'" .github/workflows/release.yml
	run make -s -C "$TOP" uninstall DESTDIR="$dest" PREFIX=/opt/shipsync
	[ "$status" -eq 0 ]
	[ -z "$(find "$dest" -type f)" ]
}
