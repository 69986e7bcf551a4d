#!/usr/bin/env bats
# oci-push: command line, hostile and malformed input, and the man page examples.

load ../lib/common
load helpers

setup() {
	isolate_home
	cd "$BATS_TEST_TMPDIR"
	mkarchive good.tar --arch amd64 --seed cli
	# no registry listens here: input errors must come before any request
	NOWHERE=127.0.0.1:$(free_port)
	export SHIPSYNC_HTTP_DEADLINE_MS=1000
}

teardown() {
	stop_services
}

@test "--help prints the usage on stdout and exits 0" {
	run oci-push --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: oci-push "* ]]
}

@test "--version prints the name and version" {
	run oci-push --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^oci-push\ \(shipsync\)\ [0-9] ]]
}

@test "no arguments, an unknown option, a lone repository: usage and exit 2" {
	run oci-push
	[ "$status" -eq 2 ]
	run oci-push --bogus
	[ "$status" -eq 2 ]
	run oci-push "$NOWHERE/acme/app"
	[ "$status" -eq 2 ]
	grep -q '^usage:' <<<"$output"
}

@test "--delete takes no archives and no tags" {
	run oci-push -d v1 "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
	run oci-push -d v1 -t v2 "$NOWHERE/acme/app"
	[ "$status" -eq 2 ]
}

@test "bad numbers for --jobs and --chunk-size exit 2" {
	run oci-push -j 0 "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
	run oci-push -j 1000 "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
	run oci-push -c 12 "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
	run oci-push -c -5 "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
}

@test "refuses references without a registry, with a tag or digest, or with bad names" {
	for ref in acme/app app "$NOWHERE/acme/app:v1" "$NOWHERE/acme/app@sha256:00" "$NOWHERE/Acme/App" \
		"$NOWHERE/acme//app" "$NOWHERE/acme/app/" "$NOWHERE/-acme" "ex ample.com/acme"; do
		run oci-push "$ref" good.tar
		[ "$status" -eq 2 ] || { echo "accepted '$ref'"; return 1; }
	done
}

@test "refuses invalid tags, control characters and huge tags with exit 2" {
	for tag in '' '-lead' '.dot' 'a b' "$(printf 'v1\033[31m')" "$(printf 'x%.0s' $(seq 1 200))" 'a:b' 'ü'; do
		run oci-push -t "$tag" "$NOWHERE/acme/app" good.tar
		[ "$status" -eq 2 ] || { echo "accepted tag '$tag'"; return 1; }
	done
}

@test "moving tags need a version; a moving tag must belong to it; two versions conflict" {
	run oci-push -t latest "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
	grep -q "give the version tag too" <<<"$output"
	run oci-push -t v1.2.3 -t 1.3 "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
	grep -q "tag '1.3' cannot point to version 'v1.2.3'" <<<"$output"
	run oci-push -t v1.2.3 -t 2 "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
	run oci-push -t v1.2.3 -t 1.2.4 "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
	grep -q "name different versions" <<<"$output"
}

@test "a bad --mount-from repository exits 2" {
	run oci-push -m 'acme/base&from=x' "$NOWHERE/acme/app" good.tar
	[ "$status" -eq 2 ]
	grep -q "not a repository name to mount from" <<<"$output"
}

@test "a bad platform prefix exits 2" {
	run oci-push "$NOWHERE/acme/app" 'linux=good.tar'
	[ "$status" -eq 2 ]
	run oci-push "$NOWHERE/acme/app" 'Linux/AMD64=good.tar'
	[ "$status" -eq 2 ]
}

@test "a missing archive exits 9" {
	run oci-push "$NOWHERE/acme/app" no-such.tar
	[ "$status" -eq 9 ]
	grep -q "no-such.tar" <<<"$output"
}

@test "malformed archives exit 3 with what is wrong" {
	head -c 5000 /dev/urandom >random.bin
	run oci-push "$NOWHERE/acme/app" random.bin
	[ "$status" -eq 3 ]
	grep -q "is not a tar archive" <<<"$output"

	head -c 1700 good.tar >truncated.tar
	run oci-push "$NOWHERE/acme/app" truncated.tar
	[ "$status" -eq 3 ]

	gzip -c good.tar >good.tar.gz
	run oci-push "$NOWHERE/acme/app" good.tar.gz
	[ "$status" -eq 3 ]
	grep -q "is compressed: decompress it first" <<<"$output"

	tar cf empty.tar --files-from /dev/null
	run oci-push "$NOWHERE/acme/app" empty.tar
	[ "$status" -eq 3 ]
	grep -q "neither index.json nor manifest.json" <<<"$output"
}

# Rewrite manifest.json of good.tar with python: edit_manifest OUT PYTHON-EXPR-ON-m
edit_manifest() {
	"$DEBPY" - "$1" "$2" <<-'PY'
	import io, json, sys, tarfile
	out, expr = sys.argv[1], sys.argv[2]
	with tarfile.open("good.tar") as src, tarfile.open(out, "w") as dst:
	    for member in src.getmembers():
	        data = src.extractfile(member).read() if member.isfile() else None
	        if member.name == "manifest.json":
	            m = json.loads(data)
	            exec(expr)
	            data = m if isinstance(m, bytes) else json.dumps(m).encode()
	            member.size = len(data)
	        dst.addfile(member, io.BytesIO(data) if data is not None else None)
	PY
}

@test "hostile and broken manifest.json entries exit 3" {
	edit_manifest escape.tar 'm[0]["Layers"][0] = "../../../etc/passwd"'
	run oci-push "$NOWHERE/acme/app" escape.tar
	[ "$status" -eq 3 ]
	grep -q "unsafe path" <<<"$output"

	edit_manifest absolute.tar 'm[0]["Config"] = "/etc/passwd"'
	run oci-push "$NOWHERE/acme/app" absolute.tar
	[ "$status" -eq 3 ]

	edit_manifest missing.tar 'm[0]["Layers"][1] = "nope/layer.tar"'
	run oci-push "$NOWHERE/acme/app" missing.tar
	[ "$status" -eq 3 ]
	grep -q "lacks layer 'nope/layer.tar'" <<<"$output"

	edit_manifest fewer.tar 'm[0]["Layers"].pop()'
	run oci-push "$NOWHERE/acme/app" fewer.tar
	[ "$status" -eq 3 ]
	grep -q "diff_ids" <<<"$output"

	edit_manifest notjson.tar 'm = b"[{\"Config\": "'
	run oci-push "$NOWHERE/acme/app" notjson.tar
	[ "$status" -eq 3 ]

	edit_manifest control.tar 'm[0]["Config"] = "a\u0001\u001b[2J.json"'
	run oci-push "$NOWHERE/acme/app" control.tar
	[ "$status" -eq 3 ]
	! grep -q $'\033' <<<"$output"
}

@test "an OCI layout whose blob does not match its digest exits 3" {
	mkarchive layout --arch amd64 --layout oci-dir --seed cli
	cfg=$(jq -r '.manifests[0].digest' layout/index.json)
	printf ' ' >>"layout/blobs/sha256/${cfg#sha256:}"
	run oci-push "$NOWHERE/acme/app" layout
	[ "$status" -eq 3 ]
	grep -q "has .* bytes, its descriptor says\|does not match its digest" <<<"$output"
}

@test "a layout holding several platforms is split by the platform prefix" {
	registry
	mkarchive a --arch amd64 --layout oci-dir --seed multi
	mkarchive b --arch arm64 --layout oci-dir --seed multi
	# merge b into a: one layout, two manifests
	cp b/blobs/sha256/* a/blobs/sha256/
	jq -s '.[0].manifests += .[1].manifests | .[0]' a/index.json b/index.json >merged.json
	mv merged.json a/index.json
	run oci-push -n "$REGISTRY/acme/app" linux/arm64=a
	[ "$status" -eq 0 ]
	[ "$(grep -c '^put manifest' <<<"$output")" -eq 1 ]
	grep -q '^put manifest .* linux/arm64$' <<<"$output"
	run oci-push "$REGISTRY/acme/app" a
	[ "$status" -eq 0 ]
	[ "$(get_manifest acme/app "$output" | jq '.manifests | length')" -eq 2 ]
}

@test "the man page examples run as written" {
	registry
	mkdir dist
	mkarchive dist/app-amd64.tar --arch amd64 --seed man
	mkarchive dist/app-arm64.tar --arch arm64 --seed man
	oci-push -t v1.0.0 "$REGISTRY/acme/base" dist/app-amd64.tar >/dev/null
	# each example of man/oci-push.1, with the registry of this test
	awk '/^\.Sh EXAMPLES/ { on = 1 } /^\.Sh SEE ALSO/ { on = 0 }
		on && /^\.Bd/ { ex = ""; inblock = 1; next }
		on && /^\.Ed/ { print ex; inblock = 0; next }
		on && inblock { sub(/\\e$/, ""); ex = ex $0 " " }' "$TOP/man/oci-push.1" >examples
	[ "$(wc -l <examples)" -eq 4 ]
	n=0
	while read -r line; do
		n=$((n + 1))
		line=${line//registry.example.com/$REGISTRY}
		eval "run $line"
		[ "$status" -eq 0 ] || { echo "example $n failed: $line"; echo "$output"; return 1; }
		case $n in
		1) [[ "$output" =~ ^sha256: ]]; digest=$output ;;
		2) grep -qx 'tag v1.2.3' <<<"$output" ;;
		3) [ "$output" = "$digest" ] ;;
		4) [ "$output" = "$digest" ] ;;
		esac
	done <examples
	[ "$n" -eq 4 ]
}

@test "secrets from the environment never reach the output, even with -v and errors" {
	registry htpasswd
	OCI_USERNAME=tester OCI_PASSWORD="p\"a'ss\$word-$RANDOM" run oci-push -v -t v1.0.0 "$REGISTRY/acme/app" good.tar
	[ "$status" -eq 5 ]
	! grep -q 'ss\$word' <<<"$output"
}

@test "progress bars appear on a terminal only" {
	require script
	registry
	mkarchive big.tar --arch amd64 --seed bars --layers 2 --size 2000000
	script -qec "oci-push -t v1.0.0 $REGISTRY/acme/app big.tar" /dev/null >tty.out
	grep -q 'total .*\[#*\] 100% of' tty.out || { cat -v tty.out; false; }
	run oci-push -t v1.0.1 "$REGISTRY/acme/app" big.tar
	[ "$status" -eq 0 ]
	! grep -q 'total' <<<"$output"
	! grep -q $'\033' <<<"$output"
}
