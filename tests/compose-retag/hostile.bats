#!/usr/bin/env bats
# compose-retag on files it must refuse: exit 3 with file:line, every file unchanged.

load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup() {
	require compose-retag cmp python3
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'services:' '  app:' '    image: ghcr.io/acme/app:1.2.3' >good.yaml
	snapshot good.yaml
}

# Retag good.yaml and BAD together: must exit 3 naming BAD:LINE, changing neither.
refuses() {
	local line=$1
	snapshot bad.yaml
	run --separate-stderr compose-retag -s 2.0.0 -i ghcr.io/acme/app good.yaml bad.yaml
	status_is 3
	[[ $stderr == *"'bad.yaml:$line'"* ]] || { echo "stderr: $stderr" >&2; return 1; }
	[[ $stderr == *"nothing was changed"* ]]
	[ -z "$output" ]
	unchanged good.yaml bad.yaml
	no_temp_files .
}

@test "all or none: a malformed second file leaves the first unchanged" {
	printf '%s\n' 'services:' '  app:' '    image: "ghcr.io/acme/app:1.2.3' >bad.yaml
	refuses 3
}

@test "all or none: a good second file after a good first changes both" {
	cp good.yaml second.yaml
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app good.yaml second.yaml
	status_is 0
	grep -q 'app:2.0.0' good.yaml
	grep -q 'app:2.0.0' second.yaml
}

@test "all or none: a second file that cannot be read changes neither" {
	mkdir target.yaml
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app good.yaml target.yaml
	status_is 9
	unchanged good.yaml
	no_temp_files .
}

@test "a NUL byte is refused with its line" {
	printf 'services:\n  app:\n    image: ghcr.io/acme/app:1.2.3\0\n' >bad.yaml
	refuses 3
}

@test "a control character is refused" {
	printf 'services:\n  app:\n    image: ghcr.io/acme/\033app:1.2.3\n' >bad.yaml
	refuses 3
}

@test "a tab in the indentation is refused" {
	printf 'services:\n  app:\n\timage: ghcr.io/acme/app:1.2.3\n' >bad.yaml
	refuses 3
}

@test "a tab in a comment line or after a value is fine" {
	printf 'services:\n\t# a comment\n  app:\n    image:\tghcr.io/acme/app:1.2.3\t# ours\n' >ok.yaml
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app ok.yaml
	status_is 0
	[ "$(sed -n 4p ok.yaml)" = "$(printf '    image:\tghcr.io/acme/app:2.0.0\t# ours')" ]
}

@test "an unterminated double-quoted scalar is refused" {
	printf 'services:\n  app:\n    command: "never closed\n    image: ghcr.io/acme/app:1.2.3\n' >bad.yaml
	refuses 3
}

@test "an unterminated single-quoted scalar is refused" {
	printf "services:\n  app:\n    image: 'ghcr.io/acme/app:1.2.3\n" >bad.yaml
	refuses 3
}

@test "an unterminated flow mapping is refused" {
	printf 'services:\n  app: {image: ghcr.io/acme/app:1.2.3\n' >bad.yaml
	refuses 2
}

@test "a lone carriage return is refused" {
	printf 'services:\n  app:\r    image: ghcr.io/acme/app:1.2.3\n' >bad.yaml
	refuses 2
}

@test "a bad indentation is refused" {
	printf 'services:\n    app:\n      image: ghcr.io/acme/app:1.2.3\n  db:\n    image: postgres:16\n' >bad.yaml
	refuses 4
}

@test "a complex key is refused" {
	printf 'services:\n  ? app\n  : image: ghcr.io/acme/app:1.2.3\n' >bad.yaml
	refuses 2
}

@test "an image value over several lines is refused" {
	printf 'services:\n  app:\n    image: ghcr.io/acme/\n      app:1.2.3\n' >bad.yaml
	refuses 4
}

@test "an image alias to no anchor is refused" {
	printf 'services:\n  app:\n    image: *nowhere\n' >bad.yaml
	refuses 3
}

@test "a Unicode line separator is refused" {
	printf 'services:\n  app:\n    image: ghcr.io/acme/app:1.2.3\xe2\x80\xa8\n' >bad.yaml
	refuses 3
}

@test "a huge line is read without trouble" {
	{
		printf 'services:\n  app:\n    image: ghcr.io/acme/app:1.2.3\n    command: "'
		head -c 4000000 /dev/zero | tr '\0' x
		printf '"\n'
	} >big.yaml
	size=$(wc -c <big.yaml)
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app big.yaml
	status_is 0
	[ "$(sed -n 3p big.yaml)" = '    image: ghcr.io/acme/app:2.0.0' ]
	[ "$(wc -c <big.yaml)" -eq "$size" ]
}

@test "a huge image value is listed without trouble" {
	{
		printf 'services:\n  app:\n    image: ghcr.io/acme/'
		head -c 1000000 /dev/zero | tr '\0' a
		printf ':1.2.3\n'
	} >big.yaml
	run compose-retag -l -i ghcr.io/acme/app big.yaml
	status_is 0
	[[ $output == *other ]]
}

@test "deeply nested flow collections are refused, not a crash" {
	{ printf 'services: '; head -c 100000 /dev/zero | tr '\0' '['; echo; } >bad.yaml
	refuses 1
}

@test "quotes and escapes in an own image are read as YAML reads them" {
	printf '%s\n' 'services:' '  app:' '    image: "ghcr.io/acme/app:1.2.3\x2dslim"' \
		'  b:' "    image: 'ghcr.io/acme/app:1.2.3-it''s'" >ok.yaml
	run compose-retag -l -i ghcr.io/acme/app ok.yaml
	[ "${lines[0]}" = "$(printf 'ok.yaml:3\tghcr.io/acme/app:1.2.3-slim\town')" ]
	[ "${lines[1]}" = "$(printf "ok.yaml:5\tghcr.io/acme/app:1.2.3-it's\town")" ]
	compose-retag -s 2.0.0 -i ghcr.io/acme/app ok.yaml
	grep -qF '"ghcr.io/acme/app:2.0.0\x2dslim"' ok.yaml
	grep -qF "'ghcr.io/acme/app:2.0.0-it''s'" ok.yaml
}

@test "an escape inside the version is refused, exit 6" {
	printf '%s\n' 'services:' '  app:' '    image: "ghcr.io/acme/app:1\x2e2.3"' >ok.yaml
	snapshot ok.yaml
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app ok.yaml
	status_is 6
	unchanged ok.yaml
}

@test "an empty file and a comment-only file have no images" {
	: >empty.yaml
	printf '# nothing\n' >comment.yaml
	run compose-retag -l empty.yaml comment.yaml
	status_is 0
	[ -z "$output" ]
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app empty.yaml comment.yaml
	status_is 8
}

@test "random bytes never change a file" {
	for i in 1 2 3 4 5 6 7 8; do
		head -c 2000 /dev/urandom >noise.yaml
		cp noise.yaml noise.orig
		run compose-retag -s 2.0.0 -i ghcr.io/acme/app noise.yaml
		[ "$status" -eq 3 ] || [ "$status" -eq 8 ]
		cmp noise.orig noise.yaml
	done
}

@test "a suffix that would run into the new version is refused, exit 6" {
	printf '%s\n' 'services:' '  app:' '    image: ghcr.io/acme/app:1.2.3-rc.1-rc.2' \
		'  worker:' '    image: ghcr.io/acme/app:1.2.3-rc.1.5' >ok.yaml
	snapshot ok.yaml
	run --separate-stderr compose-retag -s 2.0.0 -i ghcr.io/acme/app ok.yaml
	status_is 6
	[[ $stderr == *"'ok.yaml:3'"*"read as part of the new one"* ]]
	[[ $stderr == *"'ok.yaml:5'"* ]]
	unchanged ok.yaml
}

@test "every retag reads back at the new version, and again is a no-op" {
	printf '%s\n' 'services:' \
		'  a:' '    image: ghcr.io/acme/app:1.2.3-b.1-alpine' \
		'  b:' "    image: '\${REGISTRY:-ghcr.io}/acme/app:v\${APP_TAG:-1.2.3}-slim'" \
		'  c:' '    image: ghcr.io/acme/app:1.2.3rc1' \
		'  d:' '    image: ghcr.io/acme/app:1.2.3-dev' >ok.yaml
	for v in 1.2.4-b.1 1.2.4 2.0.0-rc.1 2.0.0 2.0.0.dev3 2.0.0-post.1; do
		compose-retag -s "$v" -i ghcr.io/acme/app ok.yaml
		run compose-retag -c "$v" -i ghcr.io/acme/app ok.yaml
		status_is 0
		cp ok.yaml again.yaml
		compose-retag -s "$v" -i ghcr.io/acme/app again.yaml
		cmp ok.yaml again.yaml
	done
	[ "$(sed -n 3p ok.yaml)" = '    image: ghcr.io/acme/app:2.0.0-post.1-alpine' ]
	[ "$(sed -n 5p ok.yaml)" = "    image: '\${REGISTRY:-ghcr.io}/acme/app:v\${APP_TAG:-2.0.0-post.1}-slim'" ]
	[ "$(sed -n 9p ok.yaml)" = '    image: ghcr.io/acme/app:2.0.0-post.1-dev' ]
}

@test "a version that a tag cannot read back whole is a usage error" {
	for v in 1.2.3-x.7 1.2.3-rc 2024.01_b; do
		run --separate-stderr compose-retag -s "$v" -i ghcr.io/acme/app good.yaml
		status_is 2
		[[ $stderr == *"at most one pre- or post-release"* ]]
	done
	unchanged good.yaml
}

@test "control characters in an image value never reach the terminal" {
	printf '%s\n' 'services:' '  app:' '    image: "ghcr.io/acme/app:1.2.3\e[31m@sha256:00"' \
		'  b:' '    image: "ghcr.io/acme/app\0x:1.2.3"' >bad.yaml
	snapshot bad.yaml
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app bad.yaml
	status_is 6
	[[ $output != *$'\e'* ]]
	[[ $output == *'1.2.3?[31m@sha256:00'* ]]
	run compose-retag -l -i ghcr.io/acme/app bad.yaml
	[ "${lines[1]}" = "$(printf 'bad.yaml:5\tghcr.io/acme/app?x:1.2.3\tother')" ]
	unchanged bad.yaml
}
