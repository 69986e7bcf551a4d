#!/usr/bin/env bats
# tests/setup/fetch-vectors against archives served on 127.0.0.1: the
# upstream repositories at their pinned commits are stood in for by archives
# rebuilt from the shared copies of the suites (tests/vectors/mirror.py);
# a suite is kept only when every file has its recorded sha256.
load ../lib/common
bats_require_minimum_version 1.5.0

FETCH=$TOP/tests/setup/fetch-vectors
SETUP=$TOP/tests/setup/vectors

setup() {
	require curl node sha256sum || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	[ ! -f server.pid ] || { kill "$(cat server.pid)" 2>/dev/null; wait "$(cat server.pid)" 2>/dev/null; } || true
}

# Serve DIR over HTTP on 127.0.0.1; sets BASE. Requests go to server.log.
serve() {
	local port
	port=$(free_port)
	"$PY3" -m http.server --bind 127.0.0.1 --directory "$1" "$port" >server.log 2>&1 &
	echo $! >server.pid
	BASE=http://127.0.0.1:$port
	wait_port "$port"
}

# The suites of sha256sums, one a line.
suites() {
	cut -c67- "$SETUP/sha256sums" | cut -d/ -f1 | sort -u
}

# The archives of every pinned commit, rebuilt once from the shared copies
# when they are all there (the tests that need them say so through mirror).
setup_file() {
	local s
	for s in $(suites); do
		[ -d "$VECTORS/$s" ] || return 0
	done
	"$PY3" "$BATS_TEST_DIRNAME/mirror.py" "$SETUP/sources" "$SETUP/sha256sums" "$VECTORS" \
		"$BATS_FILE_TMPDIR/mirror"
}

# A copy of those archives in ./mirror.
mirror() {
	local s
	for s in $(suites); do
		require_vectors "$s" || return 1
	done
	[ -d "$TOP/tests/npm/node_modules/conventional-commits-parser" ] ||
		unmet "the npm tools are not installed (tests/setup/install-deps)" || return 1
	cp -r "$BATS_FILE_TMPDIR/mirror" mirror
}

# An archive of REPOSITORY at COMMIT holding FILE (upstream path) with TEXT.
fake_archive() {
	local repo=$1 commit=$2 file=$3 text=$4 top
	top=${repo#*/}-$commit
	mkdir -p "fake/$top/$(dirname "$file")" "fake/srv/$repo/archive"
	printf '%s' "$text" >"fake/$top/$file"
	tar -czf "fake/srv/$repo/archive/$commit.tar.gz" -C fake "$top"
}

# The pinned row of sources for PATH: "repository commit from".
pinned() {
	awk -v p="$1" '$1 == p { print $2, $3, $4 }' "$SETUP/sources"
}

@test "lays out every suite from the pinned archives, identical to the shared copies" {
	mirror
	serve mirror
	run "$FETCH" -d out -s "$BASE"
	echo "$output"
	[ "$status" -eq 0 ]
	diff -r -x README.md -x .gitattributes "$VECTORS" out
	# one download per pinned repository and commit, each by its full commit
	local want
	want=$(awk '!/^#/ && NF && $2 != "-" { print "/" $2 "/archive/" $3 ".tar.gz" }' "$SETUP/sources" | sort -u)
	[ "$(grep -o 'GET [^ ]*' server.log | cut -c5- | sort)" = "$want" ]
	[ "$(echo "$want" | wc -l)" -eq 8 ]
	# no work directory is left behind
	[ -z "$(find out -maxdepth 1 -name '.fetch.*')" ]
}

@test "the semver suite keeps only strict rows with string inputs" {
	mirror
	tar -xzOf mirror/npm/node-semver/archive/*.tar.gz | grep -q 'loose: true'
	serve mirror
	run "$FETCH" -d out -s "$BASE" semver
	[ "$status" -eq 0 ]
	! grep -q 'regexp\|loose\|v9.9.9\|includePrerelease' out/semver/*.json
	cmp out/semver/invalid.json "$VECTORS/semver/invalid.json"
	[ ! -e out/toml-test ]
}

@test "a suite already intact is not downloaded again" {
	mirror
	serve mirror
	"$FETCH" -d out -s "$BASE" oci-image-spec toml-test
	: >server.log
	run "$FETCH" -d out -s http://127.0.0.1:1 oci-image-spec toml-test
	[ "$status" -eq 0 ]
	[ ! -s server.log ]
}

@test "a damaged file in a suite already there makes it fetched again" {
	mirror
	serve mirror
	"$FETCH" -d out -s "$BASE" keep-a-changelog
	echo tampered >>out/keep-a-changelog/oscarotero/changelog.md
	run "$FETCH" -d out -s "$BASE" keep-a-changelog
	[ "$status" -eq 0 ]
	cmp out/keep-a-changelog/oscarotero/changelog.md "$VECTORS/keep-a-changelog/oscarotero/changelog.md"
}

@test "-c passes on the shared copies of every suite" {
	local s
	for s in $(suites); do
		require_vectors "$s" || return 1
	done
	run "$FETCH" -c -d "$VECTORS"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "-c names the file that does not match and fails" {
	mkdir -p copy/oci-image-spec
	echo '{}' >copy/oci-image-spec/defs.json
	run "$FETCH" -c -d copy oci-image-spec
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"oci-image-spec/defs.json: FAILED"* ]]
	[[ $output == *"oci-image-spec/config-schema.json"* ]]
	run "$FETCH" -c -d copy semver
	[ "$status" -eq 1 ]
	[[ $output == *"semver: missing"* ]]
}

@test "an archive that lacks a file is refused and changes nothing" {
	read -r repo commit from < <(pinned oci-image-spec/)
	fake_archive "$repo" "$commit" "${from}defs.json" '{"tampered": true}'
	serve fake/srv
	mkdir -p out/oci-image-spec
	echo before >out/oci-image-spec/defs.json
	run "$FETCH" -d out -s "$BASE" oci-image-spec
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"upstream has no 'schema/config-schema.json'"* ]]
	[ "$(cat out/oci-image-spec/defs.json)" = before ]
	[ -z "$(find out -maxdepth 1 -name '.fetch.*')" ]
}

@test "a tampered byte in a complete archive fails the checksum, naming the file" {
	mirror
	local tgz top
	tgz=$(ls mirror/opencontainers/image-spec/archive/*.tar.gz)
	mkdir x && tar -xzf "$tgz" -C x
	top=$(ls x)
	sed -i 's/"type": "string"/"type": "integer"/' "x/$top/schema/defs-descriptor.json"
	tar -czf "$tgz" -C x "$top"
	serve mirror
	run "$FETCH" -d out -s "$BASE" oci-image-spec
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"oci-image-spec/defs-descriptor.json: FAILED"* ]]
	[[ $output == *"nothing was changed"* ]]
	[ ! -e out/oci-image-spec ]
	[ -z "$(find out -maxdepth 1 -name '.fetch.*')" ]
}

@test "a dead server or a missing archive fails, naming the repository and commit" {
	run "$FETCH" -d out -s "http://127.0.0.1:$(free_port)" toml-test
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"downloading toml-lang/toml-test at ce08da1ddb075d1c7596d663c7fcba9a2ae02c5c failed"* ]]
	mkdir empty
	serve empty
	run "$FETCH" -d out -s "$BASE" semver
	[ "$status" -eq 1 ]
	[[ $output == *"downloading npm/node-semver at 6e05b7637396ac66522cff8731f07cfe0ef49a29 failed"* ]]
	[ -z "$(ls -A out)" ]
}

@test "an unknown suite and an unknown option are refused" {
	run "$FETCH" -d out nosuch
	[ "$status" -eq 1 ]
	[[ $output == *"no conformance suite 'nosuch'"*"semver"* ]]
	run "$FETCH" -x
	[ "$status" -eq 2 ]
	[[ $output == *usage:* ]]
}

@test "every pinned commit is a full commit and every checksummed file has a source" {
	local path repo commit from
	while read -r path repo commit from; do
		[ "$repo" = - ] || [[ $commit =~ ^[0-9a-f]{40}$ ]] || { echo "$path: $commit"; return 1; }
	done < <(grep -v '^#' "$SETUP/sources" | grep .)
	# each checksummed file has exactly one row to come from
	awk 'NR == FNR { if (!/^#/ && NF) row[++n] = $1; next }
		{
			f = substr($0, 67); m = 0
			for (i = 1; i <= n; i++)
				if (f == row[i] || (substr(row[i], length(row[i])) == "/" && index(f, row[i]) == 1))
					m++
			if (m != 1) { print f ": " m " sources"; bad = 1 }
		}
		END { exit bad }' "$SETUP/sources" "$SETUP/sha256sums"
}
