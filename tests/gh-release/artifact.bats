#!/usr/bin/env bats
# gh-release download-artifact: the artifact of the tag's successful release
# run, fetched through GitHub's redirect to its storage host (which must get
# no token), unpacked with nothing but plain files, checked against its
# manifest, and moved into place whole or not at all.
load ../lib/common
# The API's redirect to storage must reach the client: see start_github.
GITHUB_API_PROXY=binproxy
load helpers
bats_require_minimum_version 1.5.0

# mkzip OUT ENTRY...: a zip made with Python's zipfile. ENTRY is NAME=FILE
# (a file), NAME/ (a directory) or NAME@TARGET (a symbolic link).
mkzip() {
	"$PY3" - "$@" <<-'PY'
	import sys, zipfile
	out, entries = sys.argv[1], sys.argv[2:]
	with zipfile.ZipFile(out, "w") as z:
	    for e in entries:
	        if "@" in e:
	            name, target = e.split("@", 1)
	            info = zipfile.ZipInfo(name)
	            info.create_system = 3
	            info.external_attr = (0o120777 << 16)
	            z.writestr(info, target)
	        elif e.endswith("/"):
	            z.writestr(zipfile.ZipInfo(e), b"")
	        else:
	            name, path = e.split("=", 1)
	            with open(path, "rb") as f:
	                z.writestr(zipfile.ZipInfo(name), f.read())
	PY
}

# What validate and the merge keep: dists, an image archive, the manifest.
make_dist() {
	mkdir -p src
	printf 'sdist bytes\n' >src/app-1.0.0.tar.gz
	printf 'wheel bytes\n' >src/app-1.0.0-py3-none-any.whl
	head -c 200000 /dev/urandom >src/image-linux-amd64.tar
	{
		printf 'shipsync-manifest 1\nversion 1.0.0\n'
		local f
		for f in app-1.0.0.tar.gz app-1.0.0-py3-none-any.whl image-linux-amd64.tar; do
			printf '%s %s %s\n' "$(sha256sum <"src/$f" | cut -d ' ' -f 1)" "$(stat -c %s "src/$f")" "$f"
		done
		printf 'image linux/amd64 sha256:%064d image-linux-amd64.tar\n' 0
	} >src/shipsync-manifest
}

ENTRIES=(shipsync-manifest=src/shipsync-manifest app-1.0.0.tar.gz=src/app-1.0.0.tar.gz
	app-1.0.0-py3-none-any.whl=src/app-1.0.0-py3-none-any.whl image-linux-amd64.tar=src/image-linux-amd64.tar)

# seed_artifact ZIP [CONCLUSION [EXTRA-ARTIFACT-JSON]]: tag v1.0.0 at SHA_A, a release run with the artifact.
seed_artifact() {
	seed_tag v1.0.0
	gh_control /seed "{\"runs\": [{\"id\": 700, \"head_sha\": \"$SHA_A\", \"status\": \"completed\",
		\"conclusion\": \"${2:-success}\", \"artifacts\": [{\"name\": \"shipsync-dist\", \"file\": \"$PWD/$1\"${3:+, $3}}]}]}"
}

# Nothing was left behind: no dist, no half-made directory beside it.
nothing_left() {
	[ ! -e dist ] && [ -z "$(find . -maxdepth 1 -name 'dist.*')" ]
}

@test "downloads the tag's artifact, checked against its manifest; the storage host gets no token" {
	make_dist
	mkzip a.zip "${ENTRIES[@]}"
	seed_artifact a.zip
	run --separate-stderr gh-release download-artifact --commit $SHA_A v1.0.0 dist
	echo "$stderr"
	[ "$status" -eq 0 ]
	local f
	for f in shipsync-manifest app-1.0.0.tar.gz app-1.0.0-py3-none-any.whl image-linux-amd64.tar; do
		cmp "src/$f" "dist/$f" || return 1
	done
	[ "$(ls dist | wc -l)" -eq 4 ]
	[ -z "$(find . -maxdepth 1 -name 'dist.download-*')" ]
	# the API got the token, the storage host behind the redirect did not
	[ "$(state "[(e['host'], e['authorization']) for e in log if 'zip' in e['path']]")" = '[["api", true], ["storage", false]]' ]
	[ "$(state "[e['path'] for e in log if 'artifacts' in e['path']][0]")" = \
		"/repos/acme/app/actions/runs/700/artifacts?name=shipsync-dist&per_page=100" ]
	no_token_in "$stderr"
}

@test "an empty directory is filled (named with or without its slash); one that holds anything is refused" {
	make_dist
	mkzip a.zip "${ENTRIES[@]}"
	seed_artifact a.zip
	mkdir dist
	run --separate-stderr gh-release download-artifact v1.0.0 dist/
	[ "$status" -eq 0 ]
	cmp src/shipsync-manifest dist/shipsync-manifest
	[ -z "$(find . -name '*.download-*')" ]
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 6 ]
	[[ $stderr == *"'dist' is there and is not an empty directory"* ]]
	: >file
	run --separate-stderr gh-release download-artifact v1.0.0 file
	[ "$status" -eq 6 ]
	[ ! -s file ]
}

@test "a file changed after validation (sha256 or size mismatch) is refused, leaving nothing" {
	make_dist
	cp src/app-1.0.0.tar.gz orig
	printf 'tampered bytes\n' >src/app-1.0.0.tar.gz
	mkzip a.zip "${ENTRIES[@]}"
	seed_artifact a.zip
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 3 ]
	[[ $stderr == *"'app-1.0.0.tar.gz' in the artifact is not what its manifest says"* ]]
	nothing_left
}

@test "bytes from the storage host that are not the artifact GitHub recorded are refused" {
	make_dist
	mkzip a.zip "${ENTRIES[@]}"
	printf 'more\n' >>src/app-1.0.0-py3-none-any.whl
	mkzip other.zip "${ENTRIES[@]}"
	seed_artifact a.zip success "\"serve\": \"$PWD/other.zip\""
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 3 ]
	[[ $stderr == *"the downloaded artifact's sha256 is not the sha256:"* ]]
	nothing_left
	# without a recorded digest the manifest still catches it
	gh_control /reset '{}'
	seed_artifact a.zip success "\"serve\": \"$PWD/other.zip\", \"digest\": false"
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 3 ]
	[[ $stderr == *"'app-1.0.0-py3-none-any.whl' in the artifact is not what its manifest says"* ]]
	nothing_left
}

@test "absolute paths, .., links, duplicates and unlisted files are refused, leaving nothing" {
	local bad
	make_dist
	printf 'x\n' >x
	for bad in /etc/evil=x ../evil=x sub/../../evil=x link@/etc/passwd \
		app-1.0.0.tar.gz=x extra.txt=x; do
		rm -f bad.zip
		mkzip bad.zip "${ENTRIES[@]}" "$bad" 2>/dev/null
		gh_control /reset '{}'
		seed_artifact bad.zip
		run --separate-stderr gh-release download-artifact v1.0.0 dist
		echo "$bad: $status $stderr"
		[ "$status" -eq 3 ] || return 1
		case $bad in
		*@*) [[ $stderr == *"is a link or a special file"* ]] ;;
		app-*) [[ $stderr == *"holds 'app-1.0.0.tar.gz' twice"* ]] ;;
		extra*) [[ $stderr == *"'extra.txt' is in the artifact but not in its manifest"* ]] ;;
		*) [[ $stderr == *"is not a plain relative path"* ]] ;;
		esac || return 1
		nothing_left || return 1
	done
	[ ! -e ../evil ] && [ ! -e evil ]
	# no manifest at all
	mkzip bad.zip app-1.0.0.tar.gz=src/app-1.0.0.tar.gz
	gh_control /reset '{}'
	seed_artifact bad.zip
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 3 ]
	[[ $stderr == *"no readable 'shipsync-manifest'"* ]]
	# not a zip
	gh_control /reset '{}'
	seed_artifact src/app-1.0.0.tar.gz
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 3 ]
	nothing_left
}

@test "directories in the artifact are made; a file may sit in one" {
	make_dist
	mkdir -p src/sub
	mv src/image-linux-amd64.tar src/sub/
	sed -i 's| image-linux-amd64.tar$| sub/image-linux-amd64.tar|' src/shipsync-manifest
	mkzip a.zip sub/ sub/image-linux-amd64.tar=src/sub/image-linux-amd64.tar "${ENTRIES[@]:0:3}"
	seed_artifact a.zip
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	echo "$stderr"
	[ "$status" -eq 0 ]
	cmp src/sub/image-linux-amd64.tar dist/sub/image-linux-amd64.tar
}

@test "no passed run, no artifact, or a tag moved elsewhere: nothing is downloaded" {
	make_dist
	mkzip a.zip "${ENTRIES[@]}"
	seed_artifact a.zip failure
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 1 ]
	[[ $stderr == *"concluded 'failure'"* ]]
	gh_control /reset '{}'
	seed_tag v1.0.0
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 8 ]
	[[ $stderr == *"no run of release.yml for commit $SHA_A"* ]]
	gh_control /seed "{\"runs\": [{\"id\": 701, \"head_sha\": \"$SHA_A\", \"status\": \"in_progress\", \"conclusion\": null}]}"
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 7 ]
	gh_control /seed "{\"runs\": [{\"id\": 701, \"head_sha\": \"$SHA_A\", \"status\": \"completed\", \"conclusion\": \"success\"}]}"
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 8 ]
	[[ $stderr == *"run 701 kept no artifact 'shipsync-dist'"* ]]
	gh_control /reset '{}'
	seed_artifact a.zip success '"expired": true'
	run --separate-stderr gh-release download-artifact v1.0.0 dist
	[ "$status" -eq 8 ]
	run --separate-stderr gh-release download-artifact --commit $SHA_B v1.0.0 dist
	[ "$status" -eq 6 ]
	[[ $stderr == *"is commit $SHA_A on GitHub but $SHA_B here"* ]]
	nothing_left
	[ "$(state "len([e for e in log if 'zip' in e['path']])")" -eq 0 ]
}

@test "--artifact and --workflow pick another; --dry-run says what it would fetch and fetches nothing" {
	make_dist
	mkzip a.zip "${ENTRIES[@]}"
	seed_tag v1.0.0
	gh_control /seed "{\"runs\": [{\"id\": 702, \"head_sha\": \"$SHA_A\", \"path\": \".github/workflows/ship.yml\",
		\"workflow_id\": 2, \"conclusion\": \"success\", \"artifacts\": [{\"name\": \"dist-all\", \"file\": \"$PWD/a.zip\"}]}]}"
	run --separate-stderr gh-release -n download-artifact -W ship.yml -A dist-all v1.0.0 dist
	[ "$status" -eq 0 ]
	[[ $output == "download artifact 'dist-all' ("*" bytes) of run 702 of ship.yml into dist" ]]
	nothing_left
	run --separate-stderr gh-release download-artifact -W ship.yml -A dist-all v1.0.0 dist
	[ "$status" -eq 0 ]
	cmp src/image-linux-amd64.tar dist/image-linux-amd64.tar
}

@test "refuses bad arguments before asking anything" {
	run gh-release download-artifact v1.0.0
	[ "$status" -eq 2 ]
	run gh-release download-artifact v1.0.0 ''
	[ "$status" -eq 2 ]
	run gh-release download-artifact -A '' v1.0.0 dist
	[ "$status" -eq 2 ]
	run gh-release download-artifact --wait 5 v1.0.0 dist
	[ "$status" -eq 2 ]
	run gh-release get -A x v1.0.0
	[ "$status" -eq 2 ]
	[ "$(state "len(log)")" -eq 0 ]
}

# tagged_project RUN-ID: a project in ./proj (entered) that includes
# release.mk, tagged v1.0.0 at its one commit, as GitHub knows it too, with
# a successful release run RUN-ID holding the artifact a.zip; sets head.
tagged_project() {
	make_dist
	mkzip a.zip "${ENTRIES[@]}"
	mkdir proj && cd proj
	git init -q .
	printf 'include %s/mk/release.mk\n' "$TOP" >Makefile
	git add Makefile
	git -c user.name=t -c user.email=t@example.com commit -q -m release
	git -c user.name=t -c user.email=t@example.com tag -a v1.0.0 -m v1.0.0
	head=$(git rev-parse HEAD)
	seed_tag v1.0.0 "$head"
	gh_control /seed "{\"runs\": [{\"id\": $1, \"head_sha\": \"$head\", \"conclusion\": \"success\",
		\"artifacts\": [{\"name\": \"shipsync-dist\", \"file\": \"$PWD/../a.zip\"}]}]}"
}

@test "make fetch-dist puts what CI validated for the tag at HEAD into DIST, or refuses a tag moved" {
	local head
	tagged_project 703
	run make -s fetch-dist DRY_RUN=1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"download artifact 'shipsync-dist' ("*" of run 703 of release.yml into ./dist"* ]]
	[ ! -e dist ]
	run make -s fetch-dist DIST=out/ci-dist
	echo "$output"
	[ "$status" -eq 0 ]
	cmp ../src/image-linux-amd64.tar out/ci-dist/image-linux-amd64.tar
	# GitHub's tag at another commit than HEAD: nothing is fetched
	seed_tag v1.0.0 $SHA_B
	run make -s fetch-dist
	[ "$status" -ne 0 ]
	[[ $output == *"is commit $SHA_B on GitHub but $head here"* ]]
	[ ! -e dist ]
	git tag -d v1.0.0 >/dev/null
	run make -s fetch-dist
	[ "$status" -ne 0 ]
	[[ $output == *"no vX.Y.Z tag at HEAD"* ]]
}

@test "make publish with no manifest in DIST fetches what CI validated first, unless LOCAL_VALIDATE" {
	local head
	tagged_project 704
	run make -s publish DRY_RUN=1 LOCAL_VALIDATE=1
	[ "$status" -ne 0 ]
	[[ $output == *"no './dist/shipsync-manifest': run make validate for v1.0.0 first (LOCAL_VALIDATE is set)"* ]]
	[ ! -e dist ]
	# The fetch happens before anything else reads DIST; this bare project
	# then fails its version check, after the artifact is in place.
	run make -s publish DRY_RUN=1
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"publish: no './dist/shipsync-manifest': fetching what CI validated for v1.0.0"* ]]
	[[ $output == *"fetch-dist: './dist' holds what CI validated for v1.0.0"* ]]
	cmp ../src/image-linux-amd64.tar dist/image-linux-amd64.tar
	cmp ../src/shipsync-manifest dist/shipsync-manifest
}

@test "the proxies refused no exchange of this file" {
	[ -z "$(github_violations "$BATS_FILE_TMPDIR/github")" ]
}
