#!/usr/bin/env bats
# The release workflow `make workflow` writes, run job by job on this
# machine (runner.py) for a tag a maintainer made with `make bump`: a
# validate leg per platform, each on a machine of its own, the merge, then
# the publish job with what Actions gives it (the run's token, the
# registry's secrets, trusted publishing for the index) against the local
# registry, the test index and the GitHub stand-in. Then the same with the
# publish job turned off, and the maintainer publishing CI's artifact.
# Every machine (each job, and the maintainer's) installs shipsync from
# this tree's commit, as the workflow fetches it.
load ../lib/common
load ../pypi-index/lib
# gh-release download-artifact must see the API's redirect: see start_github.
GITHUB_API_PROXY=binproxy
load ../lib/github
bats_require_minimum_version 1.5.0

RUNNER=$BATS_TEST_DIRNAME/runner.py

# on_machine DIR COMMAND...: COMMAND with DIR/usr-local as its /usr/local.
on_machine() {
	local m=$1
	shift
	mkdir -p "$m/usr-local"
	unshare --mount --propagation private -- \
		sh -c 'mount --bind "$1" /usr/local && shift && exec "$@"' machine "$m/usr-local" "$@"
}

# maint COMMAND...: a command in the maintainer's checkout, on their machine.
maint() {
	(cd "$W/maint/app" && on_machine "$W/maint" "$@")
}

# push_tag TAG: the maintainer pushes main and TAG to GitHub (the bare
# repository, and the stand-in's tag), and TAG_SHA is its commit.
push_tag() {
	git -C "$W/maint/app" push -q origin main "$1"
	TAG_SHA=$(git -C "$W/maint/app" rev-parse "$1^{commit}")
	gh_control /seed "{\"tags\": {\"$1\": {\"sha\": \"$TAG_SHA\", \"annotated\": true}}}"
}

# run_workflow ID TAG [RUNNER-OPTION...]: the workflow file as the tag holds it, run for the tag's push.
run_workflow() {
	local id=$1 tag=$2 root=$W/run-$1
	shift 2
	mkdir -p "$root"
	git -C "$W/server/acme/app" show "$tag:.github/workflows/release.yml" >"$root/release.yml"
	run --separate-stderr "$PY3" "$RUNNER" "$root/release.yml" --root "$root" --server "$W/server" \
		--repository acme/app --ref "refs/tags/$tag" --sha "$TAG_SHA" --run-id "$id" \
		--control "$GH_CONTROL" --api-url "$GITHUB_API_URL" \
		--write-token "$GITHUB_TOKEN" --read-token "$GH_READONLY_TOKEN" \
		--secret REGISTRY_USERNAME=tester --secret "REGISTRY_PASSWORD=$REGISTRY_PASSWORD" \
		--id-token-url "$INDEX/_actions/idtoken?api-version=2.0" --id-token-request-token "$OIDC_REQUEST" \
		--env "DOCKER_HOST=$DOCKER_HOST" --env "GITHUB_UPLOADS_URL=$GITHUB_UPLOADS_URL" "$@"
	echo "$output"
	echo "$stderr"
}

setup_file() {
	need_docker || return 1
	require unshare git make docker-registry curl || return 1
	"$PY3" -c 'import yaml' 2>/dev/null || unmet "python3-yaml is not installed" || return 1
	git -C "$TOP" rev-parse --verify -q HEAD >/dev/null || unmet "shipsync's tree is not a git checkout" || return 1
	export W=$BATS_FILE_TMPDIR
	on_machine "$W/probe" true 2>/dev/null ||
		unmet "each machine needs a mount namespace of its own (unshare, as root)" || return 1
	export OIDC_REQUEST=oidc-request-$RANDOM$RANDOM OIDC_ID=oidc-id-$RANDOM$RANDOM
	start_registry "$W/registry" htpasswd
	start_index "$W/index" --oidc --oidc-request-token "$OIDC_REQUEST" --oidc-id-token "$OIDC_ID"
	start_github "$W/github"
	export REGISTRY REGISTRY_PASSWORD INDEX INDEX_TOKEN

	# shipsync on GitHub: this tree's commit, uncommitted changes included.
	SHIPSYNC_SHA=$(git -C "$TOP" stash create)
	[ -n "$SHIPSYNC_SHA" ] || SHIPSYNC_SHA=$(git -C "$TOP" rev-parse HEAD)
	export SHIPSYNC_SHA
	git init -q --bare -b main "$W/server/acme/shipsync"
	git -C "$TOP" push -q "$W/server/acme/shipsync" "$SHIPSYNC_SHA:refs/heads/main"
	git init -q --bare -b main "$W/server/acme/app"

	# The maintainer's machine: shipsync installed from that commit.
	git clone -q "$W/server/acme/shipsync" "$W/maint/shipsync"
	on_machine "$W/maint" make -s -C "$W/maint/shipsync" -j"$(nproc)" all install >"$W/maint-install.log" 2>&1 ||
		{ cat "$W/maint-install.log" >&2; return 1; }

	# Their project: one image for two platforms, a Makefile that sets
	# PLATFORMS and DIST itself, the workflow from `make workflow`.
	local app=$W/maint/app
	cp -r "$TOP/tests/validate/fixture" "$app"
	busybox_context "$app"
	sed -i 's/^version = .*/version = "0.9.0"/' "$app/pyproject.toml"
	cat >"$app/Makefile" <<-EOT
	IMAGE = $REGISTRY/acme/app
	PLATFORMS = linux/amd64 linux/arm64
	DIST = build/dist
	PYPI_REPOSITORY_URL = $INDEX/legacy/
	include /usr/local/share/shipsync/release.mk
	EOT
	printf '# Changelog\n\n## [Unreleased]\n\n### Added\n- A health endpoint.\n' >"$app/CHANGELOG.md"
	printf 'build/\n' >"$app/.gitignore"
	git -C "$app" init -q -b main
	git -C "$app" config user.name Maintainer
	git -C "$app" config user.email maintainer@example.com
	git -C "$app" remote add origin "$W/server/acme/app"
	git -C "$app" add -A
	git -C "$app" commit -q -m "feat: the app"
	git -C "$app" tag -a v0.9.0 -m v0.9.0
	maint make -s workflow SHIPSYNC_REPOSITORY=acme/shipsync >&2
	git -C "$app" add .github
	git -C "$app" commit -q -m "ci: the release workflow"
}

teardown_file() {
	stop_github "$W/github"
	stop_index "$W/index"
	stop_registry "$W/registry"
}

# manifest_images FILE: "platform config-digest" of each image line of a
# shipsync manifest or partial manifest.
manifest_images() {
	awk '$1 == "image" { print $3, $4 }' "$1" | sort
}

# registry_images NAME TAG: "platform config-digest" of each manifest of the index NAME:TAG.
registry_images() {
	"$PY3" - "http://$REGISTRY" "acme/$1" "$2" "tester:$REGISTRY_PASSWORD" <<-'PY'
	import base64, json, sys, urllib.request
	base, repo, tag, cred = sys.argv[1:]
	auth = "Basic " + base64.b64encode(cred.encode()).decode()
	def get(ref, accept):
	    req = urllib.request.Request(f"{base}/v2/{repo}/manifests/{ref}",
	                                 headers={"Authorization": auth, "Accept": accept})
	    return json.load(urllib.request.urlopen(req))
	index = get(tag, "application/vnd.oci.image.index.v1+json")
	for m in index["manifests"]:
	    p = m["platform"]
	    image = get(m["digest"], m["mediaType"])
	    print(f"{p['os']}/{p['architecture']}", image["config"]["digest"])
	PY
}

# index_files VERSION: "filename sha256 user" of every stored upload of VERSION.
index_files() {
	index_query "'\n'.join(sorted(
		r['filename'] + ' ' + dict(r['fields'])['sha256_digest'] + ' ' + r['user']
		for r in u if r['status'] == 200 and dict(r['fields']).get('version') == '$1'))"
}

# dist_files DIR: "filename sha256" of the sdist and wheel in DIR.
dist_files() {
	(cd "$1" && sha256sum -- *.tar.gz *.whl | awk '{ print $2, $1 }' | sort)
}

no_secret_in() {
	local s
	for s in "$GITHUB_TOKEN" "$REGISTRY_PASSWORD" "$INDEX_TOKEN" "$OIDC_ID"; do
		if grep -qF -- "$s" <<<"$1"; then
			echo "a secret appears in the output" >&2
			return 1
		fi
	done
}

@test "a tag push runs validate per platform, the merge, then publish ships exactly what was validated" {
	maint make -s bump VERSION=1.0.0 >&2
	push_tag v1.0.0
	run_workflow 9001 v1.0.0
	[ "$status" -eq 0 ]
	local root=$W/run-9001 a=$W/run-9001/artifacts
	[[ $output == *"runner: run 9001 concluded success: validate success, merge success, publish success"* ]]
	[[ $output == *"job validate linux/arm64 on ubuntu-24.04-arm"* ]]
	[[ $output == *"job publish on ubuntu-24.04 in environment release"* ]]
	# Each leg validated its own platform only, though the Makefile names both.
	[ "$(manifest_images "$a/shipsync-partial-linux-amd64/shipsync-partial" | cut -d ' ' -f 1)" = linux/amd64 ]
	[ "$(manifest_images "$a/shipsync-partial-linux-arm64/shipsync-partial" | cut -d ' ' -f 1)" = linux/arm64 ]
	# Every job built shipsync from the pinned commit, with Debian's packages.
	local job
	for job in validate-1 validate-2 merge publish; do
		grep -qx libcurl4-openssl-dev "$root/$job/apt-get.log" || return 1
		[ "$(cat "$root/$job/usr-local/share/shipsync/shipsync-commit")" = "$SHIPSYNC_SHA" ] || return 1
	done
	# The merge: both platforms, the dists built once.
	[ "$(manifest_images "$a/shipsync-dist/shipsync-manifest" | cut -d ' ' -f 1 | paste -sd ' ')" = \
		"linux/amd64 linux/arm64" ]
	grep -q '^version 1.0.0$' "$a/shipsync-dist/shipsync-manifest"
	# What the registry and the index hold is what the merge kept.
	[ "$(registry_images app 1.0.0)" = "$(manifest_images "$a/shipsync-dist/shipsync-manifest")" ]
	[ "$(index_files 1.0.0)" = "$(dist_files "$a/shipsync-dist" | sed 's/$/ trusted-publisher/')" ]
	# The release, and the report in the publish job's summary.
	gh-release get v1.0.0 >/dev/null
	[ "$(curl -fsS "$GH_CONTROL/state" | "$PY3" -c 'import json,sys; print([r["draft"] for r in json.load(sys.stdin)["releases"]])')" = "[False]" ]
	grep -q "| release |" "$root/publish/summary.md"
	grep -qF "$(registry_images app 1.0.0 | head -1 | cut -d ' ' -f 2 | cut -c 1-12)" "$a/shipsync-dist/shipsync-manifest"
	no_secret_in "$output$stderr"
	[ -z "$(github_violations "$W/github")" ]
}

@test "with the publish job off, the maintainer's make publish ships CI's artifact for the tag" {
	maint make -s bump VERSION=1.1.0 >&2
	push_tag v1.1.0
	run_workflow 9002 v1.1.0 --var SHIPSYNC_LOCAL_PUBLISH=true
	[ "$status" -eq 0 ]
	local a=$W/run-9002/artifacts
	[[ $output == *"job publish skipped: its if: is false"* ]]
	[[ $output == *"runner: run 9002 concluded success: validate success, merge success, publish skipped"* ]]
	[ -z "$(index_files 1.1.0)" ]
	! gh-release get v1.1.0 >/dev/null 2>&1
	# The maintainer: no dist here; make publish fetches CI's and ships it.
	[ ! -e "$W/maint/app/build/dist" ]
	run maint env GITHUB_TOKEN="$GITHUB_TOKEN" GITHUB_API_URL="$GITHUB_API_URL" \
		GITHUB_UPLOADS_URL="$GITHUB_UPLOADS_URL" GITHUB_REPOSITORY=acme/app \
		PYPI_TOKEN="$INDEX_TOKEN" OCI_USERNAME=tester OCI_PASSWORD="$REGISTRY_PASSWORD" make -s publish
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"fetching what CI validated for v1.1.0"* ]]
	diff -r "$a/shipsync-dist" "$W/maint/app/build/dist"
	[ "$(registry_images app 1.1.0)" = "$(manifest_images "$a/shipsync-dist/shipsync-manifest")" ]
	[ "$(index_files 1.1.0)" = "$(dist_files "$a/shipsync-dist" | sed 's/$/ __token__/')" ]
	gh-release get v1.1.0 >/dev/null
	no_secret_in "$output"
	[ -z "$(github_violations "$W/github")" ]
}

@test "the runner reads GitHub's tag filters and expressions as GitHub does, and refuses what it does not know" {
	run "$PY3" - "$BATS_TEST_DIRNAME" <<-'PY'
	import sys
	sys.path.insert(0, sys.argv[1])
	from runner import Expr, condition, filter_regex, interpolate, Unknown
	ctx = {"vars": {"Q": "TRUE"}, "matrix": {"runner": "arm", "qemu": False}, "runner": {"temp": "/t"},
	       "github": {"token": "tok"}, "secrets": {}}
	checks = [
	    (filter_regex("v[0-9]+.[0-9]+.[0-9]+*").match("v1.20.3rc1") is not None, True),
	    (filter_regex("v[0-9]+.[0-9]+.[0-9]+*").match("v1.2") is None, True),
	    (filter_regex("v[0-9]+.[0-9]+.[0-9]+*").match("v1.2.3/x") is None, True),
	    (filter_regex("v*").match("v1x2") is not None, True),
	    (interpolate("${{ vars.Q == 'true' && 'ubuntu-24.04' || matrix.runner }}", ctx), "ubuntu-24.04"),
	    (interpolate("${{ vars.NONE == 'true' && 'ubuntu-24.04' || matrix.runner }}", ctx), "arm"),
	    (interpolate("${{ runner.temp }}/partial", ctx), "/t/partial"),
	    (interpolate("${{ secrets.R || github.token }}", ctx), "tok"),
	    (condition("vars.NONE == 'true' || matrix.qemu", ctx), False),
	    (condition("vars.LOCAL != 'true'", ctx), True),
	    (condition("${{ !matrix.qemu }}", ctx), True),
	    (condition("always()", dict(ctx, __status="failure")), True),
	    (condition("vars.LOCAL != 'true'", dict(ctx, __status="failure")), False),
	]
	bad = [i for i, (got, want) in enumerate(checks) if got != want]
	for text in ("hashFiles('x')", "inputs.x", "vars.Q ==", "a ~ b"):
	    try:
	        Expr(text, ctx).value()
	        bad.append(text)
	    except Unknown:
	        pass
	print("wrong:", bad) if bad else print("all as GitHub")
	PY
	echo "$output"
	[ "$output" = "all as GitHub" ]
	# A push the tag filter does not take runs nothing; an action the runner
	# does not emulate stops it before any job.
	local root=$W/refusals
	mkdir -p "$root"
	git -C "$W/server/acme/app" show "v1.0.0:.github/workflows/release.yml" >"$root/release.yml"
	sed 's|actions/upload-artifact@|actions/cache@|' "$root/release.yml" >"$root/other.yml"
	local common=(--root "$root" --server "$W/server" --repository acme/app --sha "$TAG_SHA" --run-id 9003
		--control "$GH_CONTROL" --api-url "$GITHUB_API_URL" --write-token x --read-token y)
	run "$PY3" "$RUNNER" "$root/release.yml" --ref refs/tags/release-1 "${common[@]}"
	[ "$status" -eq 1 ]
	[[ $output == *"does not run on a push of refs/tags/release-1"* ]]
	run "$PY3" "$RUNNER" "$root/other.yml" --ref refs/tags/v1.0.0 "${common[@]}"
	[ "$status" -eq 2 ]
	[[ $output == *"job validate: action 'actions/cache@"*"' is not known to this runner"* ]]
	[ -z "$(ls "$root" | grep -v '\.yml$')" ]
}
