# Shared by the validate tests: a sample project per test, make validate in
# it, and what must be left behind. The engine is $DOCKER (see need_engine).

FIXTURE=$TOP/tests/validate/fixture

# A Python with the modules that build the sample's sdist and wheel: sets PY.
find_python() {
	local py
	PY=
	for py in python3 /usr/bin/python3; do
		"$py" -c 'import build, setuptools, wheel' 2>/dev/null && { PY=$py; return 0; }
	done
	unmet "no python3 with the build, setuptools and wheel modules"
}

# The sample project in $P, committed, with busybox for both platforms.
sample_project() {
	P=$BATS_TEST_TMPDIR/sample
	IMAGE=validate-test-$$-$BATS_TEST_NUMBER
	cp -r "$FIXTURE" "$P"
	busybox_context "$P"
	git -C "$P" init -q
	git -C "$P" add -A
	git -C "$P" -c user.name=t -c user.email=t@example.invalid commit -q -m sample
}

# Stop a make started in the background, remove the test's containers and images.
validate_teardown() {
	if [ -f "$BATS_TEST_TMPDIR/make.pid" ]; then
		kill -TERM -- "-$(cat "$BATS_TEST_TMPDIR/make.pid")" 2>/dev/null || true
		wait "$(cat "$BATS_TEST_TMPDIR/make.pid")" 2>/dev/null || true
	fi
	"$DOCKER" ps -aq --filter label=shipsync.validate | xargs -r "$DOCKER" rm -f >/dev/null 2>&1 || true
	"$DOCKER" images -q "$IMAGE" | sort -u | xargs -r "$DOCKER" rmi -f >/dev/null 2>&1 || true
}

# validate [make variables...]: make validate in the sample project.
validate() {
	run make -C "$P" --no-print-directory validate SHIPSYNC_MK="$TOP/mk/" DOCKER="$DOCKER" \
		PYTHON="$PY" IMAGE="$IMAGE" "$@"
	echo "make validate: status $status"
	echo "$output"
}

no_container_left() {
	"$DOCKER" ps -a --filter label=shipsync.validate >&2
	[ -z "$("$DOCKER" ps -aq --filter label=shipsync.validate)" ]
}

# The sha256 of a file inside a tar archive.
tar_member_sha256() {
	tar -xOf "$1" "$2" | sha256sum | cut -d ' ' -f 1
}
