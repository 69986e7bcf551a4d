#!/usr/bin/env bats
# What a user types is data: make bump, rollback and publish pass every value
# to their scripts as text, which neither make nor the shell ever runs, and
# a tag prefix or a version is never used as a pattern.

load ../lib/common
load helpers

setup() {
	make_project
	# The file a hostile value tries to create.
	M=$BATS_TEST_TMPDIR/ran
}

@test "hostile VERSIONs run nothing, and nothing is committed or tagged" {
	local v before
	before=$(snapshot)
	for v in "1.2.3';touch $M;'" "\$(shell touch $M)1.2.4" "1.2.5\$\$(touch $M)" "\`touch $M\`1.2.6" \
		"1.2.7\" ; touch $M ; \"" --help "-q 1.2.8" "1.2.9 1.3.0"; do
		run make -s bump VERSION="$v"
		[ "$status" -ne 0 ] || { echo "accepted '$v'"; return 1; }
		[ ! -e "$M" ] || { echo "'$v' ran a command"; return 1; }
		[[ "$output" == *"is not a SemVer 2.0.0 version"* ]] || { echo "'$v': $output"; return 1; }
	done
	[ "$(snapshot)" = "$before" ]
}

@test "a hostile VERSION from the environment runs nothing either" {
	local before
	before=$(snapshot)
	run env VERSION="\$(shell touch $M)1.2.4" make -s bump
	[ "$status" -ne 0 ]
	[ ! -e "$M" ]
	run env "VERSION=1.2.3';touch $M;'" make -s -e bump
	[ "$status" -ne 0 ]
	[ ! -e "$M" ]
	[ "$(snapshot)" = "$before" ]
}

@test "no other variable runs a make function or a shell command" {
	local var
	for var in TAG_PREFIX IMAGE CHANGELOG PYPROJECT COMPOSE_FILES VERSION_FILES PREID; do
		run make -s bump VERSION=prerelease "$var=\$(shell touch $M)x"
		[ ! -e "$M" ] || { echo "$var ran a make function: $output"; return 1; }
		run make -s bump VERSION=prerelease "$var=x';touch $M;'"
		[ ! -e "$M" ] || { echo "$var ran a shell command: $output"; return 1; }
		git reset -q --hard "$ORIG"
		git tag -l | grep -vx v1.2.0 | xargs -r git tag -d >/dev/null
	done
}

@test "rollback and publish take their values as data too" {
	run make -s rollback VERSION="\$(shell touch $M)1.2.0"
	[ "$status" -ne 0 ] && [ ! -e "$M" ]
	[[ "$output" == *"make rollback VERSION=1.2.3"* ]]
	run make -s rollback VERSION="1.2.0';touch $M;'"
	[ "$status" -ne 0 ] && [ ! -e "$M" ]
	for var in DRY_RUN DIST IMAGE TAG_PREFIX CI_WORKFLOW PYPI_REPOSITORY_URL \
		DOCKER_CONTEXT_app DOCKERFILE_app HEALTH_URL_app PLATFORMS_app; do
		run make -s publish "$var=\$(shell touch $M)x"
		[ "$status" -ne 0 ] && [ ! -e "$M" ] || { echo "$var: $output"; return 1; }
	done
	run make -s validate-merge "PARTS=\$(shell touch $M)x"
	[ "$status" -ne 0 ] && [ ! -e "$M" ] || { echo "PARTS: $output"; return 1; }
	git rev-parse -q --verify refs/tags/v1.2.0
}

@test "TAG_PREFIX is text: release/ finds release/2.0.0 as the version to bump from" {
	git tag -a release/1.0.0 -m "1.0.0"
	git tag -a release/2.0.0 -m "2.0.0"
	run make -s bump VERSION=patch TAG_PREFIX=release/
	[ "$status" -eq 0 ]
	git rev-parse -q --verify refs/tags/release/2.0.1
	! git rev-parse -q --verify refs/tags/release/1.2.1
	[ "$(toml-setver -g pyproject.toml)" = 2.0.1 ]
	run make -s version-check TAG_PREFIX=release/
	[ "$status" -eq 0 ]
}

@test "a TAG_PREFIX that cannot start a tag name is refused before anything changes" {
	local p before
	before=$(snapshot)
	for p in 'v*' 'v?' 'v[' 'a b' '-v' 'v..' $'v\n'; do
		run make -s bump VERSION=1.3.0 TAG_PREFIX="$p"
		[ "$status" -ne 0 ] || { echo "accepted '$p'"; return 1; }
		[[ "$output" == *"cannot start a git tag name"* ]] || { echo "'$p': $output"; return 1; }
	done
	[ "$(snapshot)" = "$before" ]
}

@test "VERSION_FILES: the current version is matched as text, + and . included" {
	sed -i 's/^version = "1.2.0"/version = "1.2.0+local.7"/' pyproject.toml
	mkdir -p src/acme
	printf '__version__ = "1.2.0+local.7"\n__version__ = "1x2x0+local.7"\nVERSION = "1.2.0+local.7"\n__version__ = "1.2.0+local.77"' >src/acme/__init__.py
	git add -A && git commit -q -m "a local version"
	run make -s bump VERSION=1.3.0 VERSION_FILES=src/acme/__init__.py
	[ "$status" -eq 0 ]
	[ "$(cat src/acme/__init__.py)" = "$(printf '__version__ = "1.3.0"\n__version__ = "1x2x0+local.7"\nVERSION = "1.2.0+local.7"\n__version__ = "1.2.0+local.77"')" ]
	# the file had no final newline, and still has none
	[ -n "$(tail -c 1 src/acme/__init__.py)" ]
}
