#!/usr/bin/env bats
# compose-retag on fixture projects: own images change, third-party ones never.

load ../lib/common
load helpers
bats_require_minimum_version 1.5.0

setup() {
	require compose-retag cmp python3
}

@test "a multi-service project: only the own image's versions change, byte for byte" {
	use_fixture project
	run --separate-stderr compose-retag -s 2.0.0 -i ghcr.io/acme/app compose.yaml
	status_is 0
	cmp compose.yaml.2.0.0 compose.yaml
}

@test "third-party and same-organisation images keep their tags" {
	use_fixture project
	compose-retag -s 2.0.0 -i ghcr.io/acme/app compose.yaml
	grep -q 'image: postgres:16$' compose.yaml
	grep -q 'image: redis:7-alpine$' compose.yaml
	grep -q '"ghcr.io/acme/app-worker:1.2.3"' compose.yaml
	grep -q 'image: ghcr.io/acme/other:1.2.3$' compose.yaml
	grep -q 'nginx:latest' compose.yaml
}

@test "image text in strings, commands and block scalars is not touched" {
	use_fixture project
	compose-retag -s 2.0.0 -i ghcr.io/acme/app compose.yaml
	grep -q 'NOTE: "image: ghcr.io/acme/app:1.2.3 stays as it is"' compose.yaml
	grep -q '"--image", "image: ghcr.io/acme/app:1.2.3"' compose.yaml
	grep -q '^      image: ghcr.io/acme/app:1.2.3$' compose.yaml
}

@test "the retagged project has the same YAML structure except the own images" {
	use_fixture project
	cp compose.yaml before.yaml
	compose-retag -s 2.0.0 -i ghcr.io/acme/app compose.yaml
	run python3 "$BATS_TEST_DIRNAME/same-structure.py" before.yaml compose.yaml ghcr.io/acme/app 2.0.0
	status_is 0
	# x-common, its merge into app, api, cron and docs
	[ "$output" = 5 ]
}

@test "the alias of an anchored scalar changes the anchor once" {
	use_fixture project
	compose-retag -s 2.0.0 -i ghcr.io/acme/app-worker compose.yaml
	grep -q '^x-tag: &worker-image "ghcr.io/acme/app-worker:2.0.0"$' compose.yaml
	grep -q 'image: \*worker-image$' compose.yaml
	grep -q 'image: ghcr.io/acme/app:1.2.3   #' compose.yaml
}

@test "--list reports the anchor's line for an alias, in file order" {
	use_fixture project
	run --separate-stderr compose-retag -l -i ghcr.io/acme/app compose.yaml
	status_is 0
	[ "${lines[0]}" = "$(printf 'compose.yaml:5\tghcr.io/acme/app:1.2.3\town')" ]
	[ "${lines[1]}" = "$(printf 'compose.yaml:10\tghcr.io/acme/app-worker:1.2.3\tother')" ]
	[ "${lines[2]}" = "$(printf 'compose.yaml:20\tghcr.io/acme/app:v1.2.3-slim\town')" ]
	[ "${#lines[@]}" -eq 9 ]
}

@test "--check accepts a v prefix and a -suffix around the version" {
	use_fixture project
	run compose-retag -c 1.2.3 -i ghcr.io/acme/app compose.yaml
	status_is 1
	# only the pre-release is behind 1.2.3
	[ "$output" = "$(printf 'compose.yaml:25\tghcr.io/acme/app:1.2.3-rc.1')" ]
	compose-retag -s 1.2.3 -i ghcr.io/acme/app compose.yaml
	run compose-retag -c 1.2.3 -i ghcr.io/acme/app compose.yaml
	status_is 0
}

@test "several documents in one file are all read" {
	use_fixture project
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app compose.prod.yaml
	status_is 0
	[ "$(grep -c 'image: ghcr.io/acme/app:2.0.0$' compose.prod.yaml)" -eq 2 ]
	grep -q 'com.acme.image: "ghcr.io/acme/app:1.2.3"' compose.prod.yaml
	grep -q '^\.\.\.$' compose.prod.yaml
}

@test "CRLF line ends are kept and the result equals the LF result" {
	use_fixture project
	sed 's/$/\r/' compose.yaml >crlf.yaml
	compose-retag -s 2.0.0 -i ghcr.io/acme/app crlf.yaml
	sed 's/$/\r/' compose.yaml.2.0.0 >want.yaml
	cmp want.yaml crlf.yaml
}

@test "a monorepo: several own images across sub-directories, one command" {
	use_fixture monorepo
	run --separate-stderr compose-retag -s 1.0.0 -i ghcr.io/acme/api -i ghcr.io/acme/web \
		compose.yaml services/api/compose.yaml services/web/docker-compose.yml
	status_is 0
	grep -q 'image: ${API_IMAGE-ghcr.io/acme/api}:${API_TAG:-1.0.0}$' services/api/compose.yaml
	grep -q 'image: "GHCR.IO/acme/web:1.0.0"' services/web/docker-compose.yml
	grep -q 'image: ghcr.io/acme/web-worker:0.9.0' services/web/docker-compose.yml
	grep -q 'image: nginx:1.25' services/web/docker-compose.yml
	grep -q 'image: postgres:16' services/api/compose.yaml
	grep -q 'image: acme/docs:0.9.0' compose.yaml
}

@test "a monorepo file without own images is not rewritten" {
	use_fixture monorepo
	snapshot compose.yaml
	compose-retag -s 1.0.0 -i ghcr.io/acme/api compose.yaml services/api/compose.yaml
	unchanged compose.yaml
	grep -q 'API_TAG:-1.0.0' services/api/compose.yaml
}

@test "Docker Hub names are one repository in every spelling" {
	use_fixture monorepo
	for own in app library/app docker.io/library/app index.docker.io/library/app DOCKER.IO/library/app; do
		run compose-retag -l -i "$own" compose.yaml
		status_is 0
		[[ $output == *"library/app:0.9.0"$'\t'own* ]]
	done
	run compose-retag -l -i docker.io/acme/docs compose.yaml
	[[ $output == *"acme/docs:0.9.0"$'\t'own* ]]
	run compose-retag -l -i docker.io/app compose.yaml
	[[ $output == *"library/app:0.9.0"$'\t'own* ]]
	run compose-retag -l -i acme/app compose.yaml
	[[ $output == *"library/app:0.9.0"$'\t'other* ]]
}

@test "a registry host matches without regard to case; a path in upper case is no repository" {
	use_fixture monorepo
	run compose-retag -l -i ghcr.io/acme/web services/web/docker-compose.yml
	[[ ${lines[0]} == *own ]]
	run compose-retag -l -i GHCR.IO/acme/web services/web/docker-compose.yml
	[[ ${lines[0]} == *own ]]
	run compose-retag -l -i ghcr.io/ACME/web services/web/docker-compose.yml
	[ "$status" -eq 2 ]
	[[ $output == *"'ghcr.io/ACME/web' is not an image repository"* ]]
}

@test "an own image pinned by digest is reported, exit 6, nothing changed" {
	use_fixture pinned
	snapshot compose.yaml compose.dev.yaml
	run --separate-stderr compose-retag -s 2.0.0 -i ghcr.io/acme/app compose.yaml compose.dev.yaml
	status_is 6
	[[ $stderr == *"compose.yaml:3"*"pinned by digest"* ]]
	unchanged compose.yaml compose.dev.yaml
}

@test "--check reports a digest-pinned own image with exit 6" {
	use_fixture pinned
	run --separate-stderr compose-retag -c 1.2.3 -i ghcr.io/acme/app compose.yaml
	status_is 6
	[[ $stderr == *"pinned by digest"* ]]
}

@test "a third-party image pinned by digest is no concern" {
	use_fixture pinned
	run compose-retag -s 2.0.0 -i ghcr.io/acme/app compose.dev.yaml
	status_is 0
	grep -q 'postgres:16@sha256:fedcba98' compose.yaml
}

write() { printf '%s\n' "$@" >compose.yaml; }

@test "interpolation: the version inside a default changes, with :- and -" {
	cd "$BATS_TEST_TMPDIR"
	write 'services:' '  a:' '    image: ${REG:-ghcr.io/org/app}:${TAG:-1.2.3}' \
	      '  b:' '    image: ${REG-ghcr.io/org/app}:${TAG-1.2.3}' \
	      '  c:' '    image: ${IMAGE:-ghcr.io/org/app:1.2.3}'
	compose-retag -s 1.3.0 -i ghcr.io/org/app compose.yaml
	[ "$(cat compose.yaml)" = "$(printf '%s\n' 'services:' '  a:' '    image: ${REG:-ghcr.io/org/app}:${TAG:-1.3.0}' \
	      '  b:' '    image: ${REG-ghcr.io/org/app}:${TAG-1.3.0}' \
	      '  c:' '    image: ${IMAGE:-ghcr.io/org/app:1.3.0}')" ]
}

@test "interpolation: a tag from a variable without a default is refused, exit 6" {
	cd "$BATS_TEST_TMPDIR"
	write 'services:' '  a:' '    image: ghcr.io/org/app:${TAG}'
	snapshot compose.yaml
	run --separate-stderr compose-retag -s 1.3.0 -i ghcr.io/org/app compose.yaml
	status_is 6
	[[ $stderr == *"variable without a default"* ]]
	unchanged compose.yaml
}

@test "interpolation: a repository without a default is warned about, never claimed" {
	cd "$BATS_TEST_TMPDIR"
	write 'services:' '  a:' '    image: ${REGISTRY}/org/app:1.2.3' '  b:' '    image: ghcr.io/org/app:1.2.3'
	run --separate-stderr compose-retag -s 1.3.0 -i ghcr.io/org/app compose.yaml
	status_is 0
	[[ $stderr == *"compose.yaml:3"*"cannot tell"* ]]
	grep -q 'image: ${REGISTRY}/org/app:1.2.3$' compose.yaml
	grep -q 'image: ghcr.io/org/app:1.3.0$' compose.yaml
}

@test "interpolation: \$\$ is a dollar and \${VAR} in a suffix is kept" {
	cd "$BATS_TEST_TMPDIR"
	write 'services:' '  a:' '    image: "ghcr.io/org/app:1.2.3-$${FLAVOUR}"' '  b:' '    image: ghcr.io/org/app:v1.2.3-${FLAVOUR:-slim}'
	compose-retag -s 2.0.0 -i ghcr.io/org/app compose.yaml
	grep -qF 'image: "ghcr.io/org/app:2.0.0-$${FLAVOUR}"' compose.yaml
	grep -qF 'image: ghcr.io/org/app:v2.0.0-${FLAVOUR:-slim}' compose.yaml
}

@test "interpolation: a version split across variables is refused, exit 6" {
	cd "$BATS_TEST_TMPDIR"
	write 'services:' '  a:' '    image: ghcr.io/org/app:1.${MINOR:-2}.3'
	snapshot compose.yaml
	run compose-retag -s 2.0.0 -i ghcr.io/org/app compose.yaml
	status_is 6
	unchanged compose.yaml
}

@test "interpolation: a bad variable reference is a data error, exit 3" {
	cd "$BATS_TEST_TMPDIR"
	write 'services:' '  a:' '    image: ghcr.io/org/app:${TAG:-1.2.3'
	snapshot compose.yaml
	run compose-retag -s 2.0.0 -i ghcr.io/org/app compose.yaml
	status_is 3
	[[ $output == *"compose.yaml:3"* ]]
	unchanged compose.yaml
}

@test "an own image without a tag gets one; latest is replaced" {
	cd "$BATS_TEST_TMPDIR"
	write 'services:' '  a:' '    image: ghcr.io/org/app' '  b:' "    image: 'ghcr.io/org/app:latest'" '  c:' '    image: redis:latest'
	compose-retag -s 2.0.0 -i ghcr.io/org/app compose.yaml
	grep -q '^    image: ghcr.io/org/app:2.0.0$' compose.yaml
	grep -q "^    image: 'ghcr.io/org/app:2.0.0'$" compose.yaml
	grep -q '^    image: redis:latest$' compose.yaml
}

@test "a registry with a port is not mistaken for a tag" {
	cd "$BATS_TEST_TMPDIR"
	write 'services:' '  a:' '    image: localhost:5000/app' '  b:' '    image: registry.local:5000/app:1.0.0 # local'
	compose-retag -s 2.0.0 -i localhost:5000/app -i REGISTRY.local:5000/app compose.yaml
	grep -q '^    image: localhost:5000/app:2.0.0$' compose.yaml
	grep -q '^    image: registry.local:5000/app:2.0.0 # local$' compose.yaml
}

@test "quoted keys, tags, merge keys and flow mappings are read" {
	cd "$BATS_TEST_TMPDIR"
	write 'x-base: &base {image: "ghcr.io/org/app:1.0.0", restart: always}' \
	      'services:' \
	      '  "a": !override' \
	      '    <<: *base' \
	      "    'image': !!str ghcr.io/org/app:1.0.0" \
	      '  b: {<<: *base, command: [sh, -c, "echo image: ghcr.io/org/app:1.0.0"]}' \
	      '  c:' \
	      '    image:' \
	      '      ghcr.io/org/app:1.0.0' \
	      '  d:' \
	      '  - image: ghcr.io/org/app:1.0.0'
	cp compose.yaml before.yaml
	compose-retag -s 1.1.0 -i ghcr.io/org/app compose.yaml
	run python3 "$BATS_TEST_DIRNAME/same-structure.py" before.yaml compose.yaml ghcr.io/org/app 1.1.0
	status_is 0
	# x-base, a, c, and b through its merge key
	[ "$output" = 4 ]
	grep -q 'echo image: ghcr.io/org/app:1.0.0' compose.yaml
	# d is a sequence, not a service mapping: its image is not a service image
	grep -q -- '- image: ghcr.io/org/app:1.0.0' compose.yaml
}
