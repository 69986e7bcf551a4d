#!/usr/bin/env bats
# compose-retag --build: how the project's own images are built, as compose
# reads their build sections.

load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup() {
	require compose-retag
	cd "$BATS_TEST_TMPDIR"
	mkdir -p proj/web
	cat >proj/compose.yaml <<-'YML'
	services:
	  app:
	    image: ghcr.io/acme/app:1.0.0
	    build:
	      context: .
	      target: app
	      args:
	        BASE: ${BASE:-busybox}
	        EMPTY_OK: ${UNSET_FOR_TEST-}
	  worker:
	    image: "ghcr.io/acme/worker:1.0.0"
	    build: {target: worker, args: ["LEVEL=${LEVEL:-info}", FROM_ENV]}
	  web:
	    image: ghcr.io/acme/web:${TAG:-1.0.0}
	    build: ./web
	  db:
	    image: postgres:16
	    build: ./db
	YML
	own=(-i ghcr.io/acme/app -i ghcr.io/acme/worker -i ghcr.io/acme/web -i ghcr.io/acme/proxy)
}

@test "prints each own image's context, Dockerfile, target and args, defaults applied" {
	run --separate-stderr env -u BASE -u LEVEL -u FROM_ENV compose-retag "${own[@]}" -b proj/compose.yaml
	status_is 0
	[ "$output" = "$(printf '%s\t%s\t%s\n' \
		ghcr.io/acme/app context proj ghcr.io/acme/app dockerfile proj/Dockerfile \
		ghcr.io/acme/app target app ghcr.io/acme/app arg BASE=busybox ghcr.io/acme/app arg EMPTY_OK= \
		ghcr.io/acme/worker context proj ghcr.io/acme/worker dockerfile proj/Dockerfile \
		ghcr.io/acme/worker target worker ghcr.io/acme/worker arg LEVEL=info \
		ghcr.io/acme/web context proj/./web ghcr.io/acme/web dockerfile proj/./web/Dockerfile)" ]
	[ -z "$stderr" ]
}

@test "the environment overrides a default, and a bare argument name takes its variable" {
	run env BASE=alpine LEVEL= FROM_ENV='a b' compose-retag -i ghcr.io/acme/app -i ghcr.io/acme/worker -b proj/compose.yaml
	status_is 0
	[[ $output == *$'ghcr.io/acme/app\targ\tBASE=alpine'* ]]
	# ${LEVEL:-info}: empty counts as unset
	[[ $output == *$'ghcr.io/acme/worker\targ\tLEVEL=info'* ]]
	[[ $output == *$'ghcr.io/acme/worker\targ\tFROM_ENV=a b'* ]]
}

@test "a third-party image's build section is never printed" {
	run compose-retag -i ghcr.io/acme/app -b proj/compose.yaml
	status_is 0
	[[ $output != *db* ]] && [[ $output != *postgres* ]]
}

@test "a later file overrides an earlier one, paths stay relative to the first file" {
	cat >proj/compose.override.yaml <<-'YML'
	services:
	  app:
	    build:
	      dockerfile: app.Dockerfile
	      args:
	        BASE: override
	YML
	run compose-retag -i ghcr.io/acme/app -b proj/compose.yaml proj/compose.override.yaml
	status_is 0
	[[ $output == *$'ghcr.io/acme/app\tdockerfile\tproj/app.Dockerfile'* ]]
	[[ $output == *$'ghcr.io/acme/app\targ\tBASE=override'* ]]
	[ "$(grep -c BASE= <<<"$output")" -eq 1 ]
}

@test "a required variable that is not set is bad input, named with its line" {
	printf '%s\n' 'services:' '  app:' '    image: ghcr.io/acme/app' '    build:' \
		'      args:' '        TOKEN: ${TOKEN:?set TOKEN}' >compose.yaml
	run env -u TOKEN compose-retag -i ghcr.io/acme/app -b compose.yaml
	status_is 3
	[[ $output == *"compose.yaml:6"*"variable 'TOKEN' is required: set TOKEN"* ]]
}

@test "a value with a control character is refused, not printed as two records" {
	printf '%s\n' 'services:' '  app:' '    image: ghcr.io/acme/app' '    build:' \
		'      target: "a\tb"' >compose.yaml
	run --separate-stderr compose-retag -i ghcr.io/acme/app -b compose.yaml
	status_is 3
	[ -z "$output" ]
	[[ $stderr == *"control character"* ]]
}

@test "a URL context, a block scalar and an alias are refused" {
	printf '%s\n' 'services:' '  app:' '    image: ghcr.io/acme/app' \
		'    build: https://example.invalid/app.git' >url.yaml
	run compose-retag -i ghcr.io/acme/app -b url.yaml
	status_is 3
	[[ $output == *"is not a directory"* ]]
	printf '%s\n' 'services:' '  app:' '    image: ghcr.io/acme/app' '    build:' \
		'      target: |' '        app' >block.yaml
	run compose-retag -i ghcr.io/acme/app -b block.yaml
	status_is 3
	[[ $output == *"block.yaml:5"* ]]
	printf '%s\n' 'x-t: &t app' 'services:' '  app:' '    image: ghcr.io/acme/app' '    build:' \
		'      target: *t' >alias.yaml
	run compose-retag -i ghcr.io/acme/app -b alias.yaml
	status_is 3
	[[ $output == *"alias.yaml:6"* ]]
}

@test "--build without --image is a usage error" {
	run compose-retag -b proj/compose.yaml
	status_is 2
}

@test "an alias or merge key in another service's build section does not stop an own image's" {
	printf '%s\n' 'x-b: &b {context: ./other}' 'services:' '  other:' '    image: other/thing' '    build: *b' \
		'  merged:' '    image: other/merged' '    build:' '      <<: *b' '  app:' '    image: ghcr.io/acme/app' \
		'    build: ./app' >compose.yaml
	run --separate-stderr compose-retag -i ghcr.io/acme/app -b compose.yaml
	status_is 0
	[ "$output" = "$(printf 'ghcr.io/acme/app\tcontext\t./app\nghcr.io/acme/app\tdockerfile\t./app/Dockerfile')" ]
	# The own image's own merge key is refused, with its line: a target it would miss.
	run --separate-stderr compose-retag -i other/merged -b compose.yaml
	status_is 3
	[[ $stderr == *"compose.yaml:9"*"service 'merged'"*"uses a merge key (<<)"* ]]
}
