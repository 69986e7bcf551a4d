#!/usr/bin/env bats
# compose-retag: options, modes and exit codes.

load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup() {
	require compose-retag cmp
	cd "$BATS_TEST_TMPDIR"
	cat >compose.yaml <<-'YML'
	services:
	  app:
	    image: ghcr.io/acme/app:1.2.3
	  db:
	    image: postgres:16
	YML
	snapshot compose.yaml
}

@test "--help prints the usage on stdout and exits 0" {
	run --separate-stderr compose-retag --help
	status_is 0
	[[ $output == "usage: compose-retag "* ]]
	[ -z "$stderr" ]
}

@test "--version names the tool and the toolkit" {
	run compose-retag --version
	status_is 0
	[[ $output =~ ^compose-retag\ \(shipsync\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "no mode is a usage error" {
	run compose-retag -i ghcr.io/acme/app compose.yaml
	status_is 2
	[[ $output == *usage:* ]]
}

@test "two modes at once are a usage error" {
	run compose-retag -i ghcr.io/acme/app -l -c 1.2.3 compose.yaml
	status_is 2
}

@test "an unknown option is a usage error" {
	run compose-retag --frobnicate -l compose.yaml
	status_is 2
}

@test "--set without --image is a usage error and changes nothing" {
	run compose-retag --set 2.0.0 compose.yaml
	status_is 2
	[[ $output == *"--image"* ]]
	unchanged compose.yaml
}

@test "--image with a tag is refused" {
	run compose-retag -i ghcr.io/acme/app:1.2.3 -s 2.0.0 compose.yaml
	status_is 2
	[[ $output == *"repository alone"* ]]
	unchanged compose.yaml
}

@test "--image with a digest is refused" {
	run compose-retag -i ghcr.io/acme/app@sha256:abcd -s 2.0.0 compose.yaml
	status_is 2
	unchanged compose.yaml
}

@test "a version that is no Docker tag is refused" {
	for v in v2.0.0 2.0.0+build.1 "2.0 0" "" ".1" "-1" "2.0.0/x" "$(printf '2\x01')"; do
		run compose-retag -i ghcr.io/acme/app -s "$v" compose.yaml
		status_is 2
	done
	run compose-retag -i ghcr.io/acme/app -s "$(printf '1%.0s' $(seq 1 129))" compose.yaml
	status_is 2
	unchanged compose.yaml
}

@test "no file is a usage error" {
	run compose-retag -i ghcr.io/acme/app -s 2.0.0
	status_is 2
}

@test "-o with two files is a usage error" {
	cp compose.yaml second.yaml
	run compose-retag -i ghcr.io/acme/app -s 2.0.0 -o - compose.yaml second.yaml
	status_is 2
	unchanged compose.yaml
}

@test "-n without --set is a usage error" {
	run compose-retag -n -i ghcr.io/acme/app -c 1.2.3 compose.yaml
	status_is 2
}

@test "--list prints file:line, image and own or other, tab-separated" {
	run --separate-stderr compose-retag --list --image ghcr.io/acme/app compose.yaml
	status_is 0
	[ "$output" = "$(printf 'compose.yaml:3\tghcr.io/acme/app:1.2.3\town\ncompose.yaml:5\tpostgres:16\tother')" ]
	[ -z "$stderr" ]
}

@test "--list without --image calls every image other" {
	run compose-retag -l compose.yaml
	status_is 0
	[ "$(printf '%s\n' "$output" | cut -f3 | sort -u)" = other ]
}

@test "--set rewrites the own image in place and nothing else" {
	run --separate-stderr compose-retag --set 2.0.0 --image ghcr.io/acme/app compose.yaml
	status_is 0
	[ -z "$output" ] && [ -z "$stderr" ]
	sed 's/app:1\.2\.3/app:2.0.0/' "$BATS_TEST_TMPDIR/.orig/compose.yaml" >want
	cmp want compose.yaml
	no_temp_files .
}

@test "--set keeps the file mode" {
	chmod 640 compose.yaml
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app compose.yaml
	status_is 0
	[ "$(stat -c %a compose.yaml)" = 640 ]
}

@test "--set to the version already there leaves the file byte for byte" {
	touch -d '2020-01-01 00:00' compose.yaml
	run compose-retag -s 1.2.3 -i ghcr.io/acme/app compose.yaml
	status_is 0
	unchanged compose.yaml
	[ "$(stat -c %Y compose.yaml)" = "$(date -d '2020-01-01 00:00' +%s)" ]
}

@test "-v says which image gets which version" {
	run --separate-stderr compose-retag -v -s 2.0.0 -i ghcr.io/acme/app compose.yaml
	status_is 0
	[ -z "$output" ]
	[[ $stderr == *"compose.yaml:3"*"2.0.0"* ]]
}

@test "-o - writes the result to stdout and leaves the file" {
	run --separate-stderr compose-retag -s 2.0.0 -i ghcr.io/acme/app -o - compose.yaml
	status_is 0
	[[ $output == *"ghcr.io/acme/app:2.0.0"* ]]
	[[ $output == *"postgres:16"* ]]
	unchanged compose.yaml
}

@test "-o FILE writes the result there" {
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app -o out.yaml compose.yaml
	status_is 0
	grep -q 'ghcr.io/acme/app:2.0.0' out.yaml
	unchanged compose.yaml
}

@test "an input of - is a filter from stdin to stdout" {
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app - <compose.yaml
	status_is 0
	[ "$output" = "$(sed 's/app:1\.2\.3/app:2.0.0/' compose.yaml)" ]
}

@test "--check exits 0 when every own image is at the version" {
	run --separate-stderr compose-retag --check 1.2.3 --image ghcr.io/acme/app compose.yaml
	status_is 0
	[ -z "$output" ]
}

@test "--check exits 1 and lists the own images behind" {
	run --separate-stderr compose-retag --check 1.3.0 --image ghcr.io/acme/app compose.yaml
	status_is 1
	[ "$output" = "$(printf 'compose.yaml:3\tghcr.io/acme/app:1.2.3')" ]
}

@test "--check never counts a third-party image" {
	run compose-retag -c 16 -i ghcr.io/acme/app compose.yaml
	status_is 1
	[[ $output != *postgres* ]]
}

@test "--set with no own image in any file exits 8 and changes nothing" {
	run compose-retag -s 2.0.0 -i ghcr.io/acme/nothing compose.yaml
	status_is 8
	[[ $output == *"no image"* ]]
	unchanged compose.yaml
}

@test "--check with no own image exits 8" {
	run compose-retag -c 2.0.0 -i ghcr.io/acme/nothing compose.yaml
	status_is 8
}

@test "a file that does not exist exits 9 and changes no other file" {
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app compose.yaml missing.yaml
	status_is 9
	[[ $output == *"missing.yaml"* ]]
	unchanged compose.yaml
}

@test "-n prints each changed line before and after and changes nothing" {
	run --separate-stderr compose-retag -n -s 2.0.0 -i ghcr.io/acme/app compose.yaml
	status_is 0
	[ "$output" = "$(printf '%s\n' 'compose.yaml:3: -    image: ghcr.io/acme/app:1.2.3' 'compose.yaml:3: +    image: ghcr.io/acme/app:2.0.0')" ]
	unchanged compose.yaml
}
