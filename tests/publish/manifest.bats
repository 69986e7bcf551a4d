#!/usr/bin/env bats
# make publish ships only files directly inside DIST that validate tested:
# a manifest name with a directory, .., or a leading dash is refused before
# any credential is looked at or any service is asked anything.

load ../lib/common

setup() {
	require git make sha256sum compose-retag
	zeros=$(printf '0%.0s' {1..64})
	P=$BATS_TEST_TMPDIR/proj
	mkdir -p "$P/dist"
	cd "$P"
	git init -q -b main
	git config user.name Tester
	git config user.email tester@example.com
	printf '[project]\nname = "acme-app"\nversion = "1.0.0"\n' >pyproject.toml
	printf '# Changelog\n\n## [1.0.0] - 2026-01-01\n\n### Added\n- First release.\n' >CHANGELOG.md
	printf 'include %s/mk/release.mk\n' "$TOP" >Makefile
	printf 'dist/\nsecret.txt\n' >.gitignore
	git add -A
	git commit -q -m "feat: first release"
	git tag -a v1.0.0 -m v1.0.0
	echo "not for the release" >secret.txt
	echo sdist >dist/acme_app-1.0.0.tar.gz
	unset GITHUB_TOKEN GH_TOKEN PYPI_TOKEN TWINE_PASSWORD ACTIONS_ID_TOKEN_REQUEST_URL
	export HOME=$BATS_TEST_TMPDIR
}

# manifest LINE...: dist/shipsync-manifest for 1.0.0 with the sdist and LINEs.
manifest() {
	{
		printf 'shipsync-manifest 2\nversion 1.0.0\ncommit %s\nplatforms linux/amd64\n' "$(git rev-parse HEAD)"
		line dist/acme_app-1.0.0.tar.gz acme_app-1.0.0.tar.gz
		[ $# -eq 0 ] || printf '%s\n' "$@"
	} >dist/shipsync-manifest
}

# line FILE NAME: the manifest line of FILE's bytes under NAME.
line() { printf '%s %s %s\n' "$(sha256sum "$1" | cut -d ' ' -f 1)" "$(stat -c %s "$1")" "$2"; }

@test "a manifest that validate wrote passes the manifest checks" {
	manifest
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"no GITHUB_TOKEN or GH_TOKEN"* ]] || { echo "$output"; return 1; }
}

@test "a ../ name in the manifest is refused, and the file it names is not read" {
	local name
	for name in ../secret.txt ../../proj/secret.txt "$P/secret.txt" ./../secret.txt sub/x.whl .. . -n --help; do
		manifest "$(line secret.txt "$name")"
		run make -s publish
		[ "$status" -ne 0 ] || { echo "accepted '$name'"; return 1; }
		[[ "$output" == *"'$name' is not a plain file name in './dist'"* ]] || { echo "'$name': $output"; return 1; }
	done
}

@test "an image line with a name outside DIST, or a bad platform, is refused" {
	manifest "image ghcr.io/acme/app linux/amd64 sha256:$zeros ../secret.txt"
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"'../secret.txt' is not a plain file name"* ]]
	cp secret.txt dist/image-linux-amd64.tar
	manifest "image ghcr.io/acme/app linux/amd64=/etc/passwd sha256:$zeros image-linux-amd64.tar" "$(line dist/image-linux-amd64.tar image-linux-amd64.tar)"
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"is not a platform"* ]]
	manifest "image ghcr.io/acme/app linux/amd64 sha256:0000 image-linux-amd64.tar" "$(line dist/image-linux-amd64.tar image-linux-amd64.tar)"
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"'sha256:0000' is not an image digest"* ]]
	manifest "image ghcr.io/acme/app linux/amd64 sha256:$zeros image-linux-amd64.tar"
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"names the image 'image-linux-amd64.tar' without its sha256"* ]]
	# An image of a repository that IMAGE does not name is never pushed anywhere.
	manifest "image ghcr.io/evil/app linux/amd64 sha256:$zeros image-linux-amd64.tar" "$(line dist/image-linux-amd64.tar image-linux-amd64.tar)"
	run make -s publish IMAGE=ghcr.io/acme/app
	[ "$status" -ne 0 ]
	[[ "$output" == *"holds the image 'ghcr.io/evil/app', which IMAGE does not name"* ]]
	# An own image without an archive is not published as if it were the only one.
	manifest "image ghcr.io/acme/app linux/amd64 sha256:$zeros image-linux-amd64.tar" "$(line dist/image-linux-amd64.tar image-linux-amd64.tar)"
	run make -s publish IMAGE="ghcr.io/acme/app ghcr.io/acme/web"
	[ "$status" -ne 0 ]
	[[ "$output" == *"IMAGE names ghcr.io/acme/web, which './dist/shipsync-manifest' has no archive of"* ]]
}

@test "a file in DIST that is a link, or has other bytes, is refused" {
	ln -s ../secret.txt dist/acme_app-1.0.0-py3-none-any.whl
	manifest "$(line secret.txt acme_app-1.0.0-py3-none-any.whl)"
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"is a symbolic link"* ]]
	rm dist/acme_app-1.0.0-py3-none-any.whl
	manifest "$(line secret.txt acme_app-1.0.0-py3-none-any.whl)"
	echo "other bytes" >dist/acme_app-1.0.0-py3-none-any.whl
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"is not what validate tested"* ]]
}

@test "a manifest of an older format, or of another commit, is refused" {
	manifest
	sed -i '1s/.*/shipsync-manifest 1/' dist/shipsync-manifest
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"was written by another shipsync (format '1')"* ]] || { echo "$output"; return 1; }
	manifest
	sed -i "s/^commit .*/commit $(printf 'a%.0s' {1..40})/" dist/shipsync-manifest
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"was validated at commit 'aaaa"*", not at v1.0.0"* ]] || { echo "$output"; return 1; }
}

@test "a malformed manifest line, or a manifest of another version, is refused" {
	manifest "d41d8cd9 12 acme_app-1.0.0-py3-none-any.whl"
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"is not a line validate writes"* ]]
	manifest
	sed -i 's/^version 1.0.0$/version 0.9.0/' dist/shipsync-manifest
	run make -s publish
	[ "$status" -ne 0 ]
	[[ "$output" == *"is for version '0.9.0', not 1.0.0"* ]] || { echo "$output"; return 1; }
}
