#!/usr/bin/env bash
# make demo: a sample project bumped, validated and published, end to end,
# with every service on 127.0.0.1: a private Docker engine (or podman with
# its storage in the work directory, with DOCKER=podman), the Distribution
# registry, the PyPI-compatible test index and the GitHub stand-in behind its
# validating proxies. The project ships three images of its own (an app and a
# worker from one multi-stage Dockerfile, a front end from another) next to a
# third-party one. Then each artifact is checked from the outside: pip
# installs the package, the engine pulls and runs every image on every
# platform, the release is read back. Everything started is stopped on exit.
#
#   tests/demo/demo.sh [WORKDIR]     WORKDIR is kept when given (the tests read it)
#
# DEMO_INDEX=pypiserver publishes to pypiserver, the real index server, in its
# default configuration, instead of the test index.
set -euo pipefail

export SHIPSYNC_TOP=${SHIPSYNC_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
TOP=$SHIPSYNC_TOP
keep=${1:-}
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/shipsync-demo.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
# The test helpers expect bats; outside it a missing requirement ends the demo.
skip() { echo "demo: $*" >&2; exit 1; }
# shellcheck source=../lib/common.bash
source "$TOP/tests/lib/common.bash"
source "$TOP/tests/lib/github.bash"
source "$TOP/tests/pypi-index/lib.bash"
export PATH="${SHIPSYNC_BIN:-$TOP/build/bin}:$PATH"

dockerd_dir='' podman_dir=''
cleanup() {
	set +e
	stop_github "$work/github"
	stop_index "$work/index"
	stop_pypiserver "$work/pypiserver"
	stop_registry "$work/registry"
	[ -z "$dockerd_dir" ] || "$TOP/tests/lib/dockerd" stop "$dockerd_dir"
	[ -z "$podman_dir" ] || podman_env_remove "$podman_dir"
	[ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT

# The engine's ways to log in to the registry and pull from it, over plain http.
registry_login() {
	if [ -n "$podman_dir" ]; then
		"$DOCKER" login --tls-verify=false --authfile "$work/auth.json" "$@"
	else
		"$DOCKER" login "$@"
	fi
}
registry_pull() {
	if [ -n "$podman_dir" ]; then
		"$DOCKER" pull --tls-verify=false --authfile "$work/auth.json" "$@"
	else
		"$DOCKER" pull "$@"
	fi
}

step "starting the services on 127.0.0.1"
case $("$DOCKER" --version 2>/dev/null) in
podman*)
	podman_dir=$work/podman
	podman_env "$podman_dir"
	"$DOCKER" info >/dev/null
	;;
*)
	if [ -z "${DOCKER_HOST:-}" ] || ! "$DOCKER" info >/dev/null 2>&1; then
		dockerd_dir=$work/docker
		"$TOP/tests/lib/dockerd" start "$dockerd_dir"
		export DOCKER_HOST=unix://$dockerd_dir/docker.sock
	fi
	;;
esac
start_registry "$work/registry" htpasswd
if [ "${DEMO_INDEX:-}" = pypiserver ]; then
	start_pypiserver "$work/pypiserver"
	INDEX=$PYPISERVER INDEX_TOKEN=$PYPISERVER_TOKEN upload_url=$PYPISERVER/
	uploads_count() { pypiserver_stored "$work/pypiserver"; }
else
	start_index "$work/index"
	upload_url=$INDEX/legacy/
	uploads_count() { index_query 'len(u)'; }
fi
start_github "$work/github"
echo "registry $REGISTRY, package index $INDEX, GitHub API $GITHUB_API_URL" >&2

step "a sample project with three images: pyproject.toml, two Dockerfiles, compose.yaml, CHANGELOG.md"
proj=$work/project
rm -rf "$proj"
cp -r "$TOP/tests/validate/images" "$proj"
busybox_context "$proj"
busybox_context "$proj/web"
cd "$proj"
sed -i 's/^version = .*/version = "0.9.0"/' pyproject.toml
own_images="$REGISTRY/acme/app $REGISTRY/acme/worker $REGISTRY/acme/web"
cat >Makefile <<EOT
IMAGE = $own_images
DOCKER = $DOCKER
PYTHON = $PY
VALIDATE_GRACE = 3
include $TOP/mk/release.mk
EOT
# How each image is built is what compose says; postgres is not the project's.
cat >compose.yaml <<EOT
services:
  app:
    image: $REGISTRY/acme/app:0.9.0
    build: {context: ., target: app}
  worker:
    image: $REGISTRY/acme/worker:0.9.0
    build:
      context: .
      target: worker
      args:
        WORKER_MESSAGE: \${WORKER_MESSAGE:-working hard}
  web:
    image: $REGISTRY/acme/web:0.9.0
    build: ./web
  db:
    image: postgres:16
EOT
printf '# Changelog\n\n## [Unreleased]\n\n### Added\n- A health endpoint.\n' >CHANGELOG.md
printf 'amd64/\narm64/\n' >.gitignore
git init -q -b main
git -c user.name=Demo -c user.email=demo@example.com add -A
git -c user.name=Demo -c user.email=demo@example.com commit -q -m "feat: the sample app"
git config user.name Demo
git config user.email demo@example.com
git -c user.name=Demo tag -a v0.9.0 -m v0.9.0

step "make bump VERSION=1.0.0"
make -s bump VERSION=1.0.0
git log --oneline -1 >&2
[ "$(grep -c ':1.0.0$' compose.yaml)" -eq 3 ] || { echo "demo: bump did not retag the three own images" >&2; exit 1; }
grep -q 'image: postgres:16$' compose.yaml || { echo "demo: bump touched the third-party image" >&2; exit 1; }
sha=$(git rev-parse HEAD)
# The project's CI ran release.yml on the tag and passed.
gh_control /seed "{\"runs\": [{\"head_sha\": \"$sha\", \"status\": \"completed\", \"conclusion\": \"success\"}],
	\"tags\": {\"v1.0.0\": {\"sha\": \"$sha\", \"annotated\": true}}}"

step "make validate (three images, linux/amd64 and linux/arm64)"
make -s validate
cat dist/shipsync-manifest >&2

# Python over the stand-in's state: gh_state 'EXPR' (releases, assets, tags, log).
gh_state() {
	curl -fsS "$GH_CONTROL/state" | "$PY3" -c "import json,sys; globals().update(json.load(sys.stdin)); print($1)"
}

export PYPI_TOKEN=$INDEX_TOKEN PYPI_REPOSITORY_URL=$upload_url
export OCI_USERNAME=tester OCI_PASSWORD=$REGISTRY_PASSWORD

# registry_tags [NAME]: the tags of acme/NAME (app) in the registry.
registry_tags() {
	curl -fsS -u "tester:$REGISTRY_PASSWORD" "http://$REGISTRY/v2/acme/${1:-app}/tags/list" 2>/dev/null || true
}
# registry_digest NAME TAG: the digest acme/NAME:TAG points at.
registry_digest() {
	curl -fsSI -u "tester:$REGISTRY_PASSWORD" -H 'Accept: application/vnd.oci.image.index.v1+json' \
		"http://$REGISTRY/v2/acme/$1/manifests/$2" 2>/dev/null | tr -d '\r' |
		sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'
}

step "make publish DRY_RUN=1"
make -s publish DRY_RUN=1
# A dry run writes nothing anywhere.
[ "$(curl -s -o /dev/null -w '%{http_code}' "$INDEX/simple/shipsync-sample/")" != 200 ] ||
	{ echo "demo: the dry run uploaded to the index" >&2; exit 1; }
! gh-release get v1.0.0 >/dev/null 2>&1 || { echo "demo: the dry run made a GitHub release" >&2; exit 1; }
for name in app worker web; do
	[ -z "$(registry_tags "$name")" ] || { echo "demo: the dry run pushed $name to the registry" >&2; exit 1; }
done
echo "dry run: nothing was written to the index, the registry or GitHub" >&2

step "make publish"
make -s publish REPORT_JSON="$work/report1.json" GITHUB_STEP_SUMMARY="$work/summary.md"

declare -A published=()
notes=$(gh_state 'releases[0]["body"]')
for name in app worker web; do
	digest=$(registry_digest "$name" 1.0.0)
	[ -n "$digest" ] || { echo "demo: no $name:1.0.0 in the registry" >&2; exit 1; }
	grep -qF "$REGISTRY/acme/$name:1.0.0\` (\`$digest\`)" <<<"$notes" ||
		{ echo "demo: the release notes do not name $name with its digest $digest" >&2; exit 1; }
	published[$name]=$digest
done
echo "release notes: every image with its digest" >&2

step "make publish again: everything is there already"
uploads=$(uploads_count)
make -s publish REPORT_JSON="$work/report2.json"
# The reports say the same from the outside: what was sent, then that all was there.
"$PY" - "$work/report1.json" "$work/report2.json" "$work/summary.md" "$(registry_digest app 1.0.0)" <<'PY' >&2 ||
import json, sys
first, second = (json.load(open(p)) for p in sys.argv[1:3])
summary, digest = open(sys.argv[3]).read(), sys.argv[4]
assert first["status"] == second["status"] == "published", "status"
assert [p["uploaded"] for p in first["packages"]] == [True, True], "first publish: not every file sent"
assert [p["uploaded"] for p in second["packages"]] == [False, False], "second publish: files sent again"
assert len(first["images"]) == 3 and first["images"] == second["images"], "images"
assert first["images"][0]["digest"] == digest, "image digest"
assert "latest" in first["images"][0]["tags_moved"], "latest did not move"
assert first["release"] and first["release"] == second["release"], "release URL"
assert digest in summary and "| release |" in summary, "step summary"
print("release reports: 2 files sent, then none; 3 images, app at", digest[:19], "; one release")
PY
	{ echo "demo: the release reports do not match what happened" >&2; exit 1; }
[ "$(uploads_count)" = "$uploads" ] || { echo "demo: the second publish sent files again" >&2; exit 1; }
[ "$(gh_state 'len(releases)')" = 1 ] || { echo "demo: the second publish made another release" >&2; exit 1; }
for name in app worker web; do
	[ "$(registry_digest "$name" 1.0.0)" = "${published[$name]}" ] || { echo "demo: the second publish changed $name:1.0.0" >&2; exit 1; }
done
echo "second publish: no file sent again, still one release, every image as it was" >&2

step "checking every artifact from the outside"
"$PY" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --index-url "$INDEX/simple/" shipsync-sample==1.0.0
"$work/venv/bin/python" -c 'import shipsync_sample; print("pip installed shipsync-sample", shipsync_sample.__name__)' >&2
echo "$REGISTRY_PASSWORD" | registry_login -u tester --password-stdin "$REGISTRY" >/dev/null 2>&1
for name in app worker web; do
	for platform in linux/amd64 linux/arm64; do
		registry_pull -q --platform "$platform" "$REGISTRY/acme/$name:1.0.0" >/dev/null
		arch=$("$DOCKER" run --rm --network none --platform "$platform" "$REGISTRY/acme/$name:1.0.0" /bin/busybox uname -m)
		echo "$REGISTRY/acme/$name:1.0.0 runs on $platform ($arch)" >&2
	done
done
case $(registry_tags postgres) in *1.0.0*) echo "demo: a third-party image was pushed" >&2; exit 1 ;; esac
gh-release get v1.0.0 >/dev/null
echo "GitHub release v1.0.0: $(gh_state '[(a["name"], a["state"]) for a in assets]')" >&2

step "make rollback VERSION=1.0.0 DRY_RUN=1"
make -s rollback VERSION=1.0.0 DRY_RUN=1
# A dry run deletes nothing.
gh-release get v1.0.0 >/dev/null || { echo "demo: the dry run deleted the release" >&2; exit 1; }
case $(registry_tags) in *'"v1.0.0"'*) ;; *) echo "demo: the dry run deleted image tag v1.0.0" >&2; exit 1 ;; esac
git rev-parse -q --verify refs/tags/v1.0.0 >/dev/null || { echo "demo: the dry run deleted the git tag" >&2; exit 1; }
echo "rollback dry run: the release, the image tags and the git tag are all still there" >&2

step "make rollback VERSION=1.0.0"
make -s rollback VERSION=1.0.0
! gh-release get v1.0.0 >/dev/null 2>&1 || { echo "demo: the release is still there" >&2; exit 1; }
for name in app worker web; do
	case $(registry_tags "$name") in *'"v1.0.0"'*|*'"1.0.0"'*) echo "demo: image tag $name:1.0.0 is still there" >&2; exit 1 ;; esac
done
! git rev-parse -q --verify refs/tags/v1.0.0 >/dev/null || { echo "demo: the git tag is still there" >&2; exit 1; }

violations=$(github_violations "$work/github")
[ -z "$violations" ] || { echo "demo: the OpenAPI proxies refused exchanges:" >&2; echo "$violations" >&2; exit 1; }
echo "demo: done" >&2
