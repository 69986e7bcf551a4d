# Helpers for tests that talk to the PyPI-compatible test index (server.py).
#
#   start_index DIR [SERVER-OPTION ...]  starts it; sets INDEX (http://127.0.0.1:PORT),
#                                        INDEX_TOKEN, INDEX_PID; stop_index DIR ends it
#   index_control JSON                   changes the fault mode (POST /_control)
#   index_delete FILENAME                deletes a file as PyPI does (never reusable)
#   index_uploads                        the recorded upload requests (JSON)
#   build_sample NAME VERSION DIR        builds an sdist and a wheel into DIR/dist
#
#   start_pypiserver DIR [OPTION ...]    pypiserver, the real index server, in its
#                                        default configuration (fallback to PyPI on);
#                                        sets PYPISERVER (its URL: uploads at the
#                                        root, pages under /simple/), PYPISERVER_TOKEN
#                                        (password of user __token__); its packages
#                                        are in DIR/packages; stop_pypiserver DIR ends it
#   pypiserver_stored DIR                how many uploads it has stored
#   start_lossy_proxy DIR UPSTREAM       a proxy that can lose answers (tests/lib/lossyproxy.py);
#                                        sets PROXY; proxy_lose N loses the next N POST answers
#
# Python for building and installing is Debian's (python3-build, -setuptools,
# -wheel, -venv, -pip), found as /usr/bin/python3 when it exists.

INDEX_SERVER=$TOP/tests/pypi-index/server.py
PY=${SHIPSYNC_PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3)}
SAMPLE_SRC=$TOP/tests/pypi-upload/fixtures/sample

start_index() {
	local dir=$1 i
	shift
	mkdir -p "$dir"
	rm -f "$dir/port"
	INDEX_TOKEN=pypi-test-$RANDOM$RANDOM$RANDOM
	"$PY" "$INDEX_SERVER" --token "$INDEX_TOKEN" --port-file "$dir/port" "$@" \
		>"$dir/index.out" 2>"$dir/index.log" &
	INDEX_PID=$!
	echo "$INDEX_PID" >"$dir/index.pid"
	for i in $(seq 1 100); do
		[ -s "$dir/port" ] && break
		kill -0 "$INDEX_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$dir/port" ] || { cat "$dir/index.log" >&2; return 1; }
	INDEX=http://127.0.0.1:$(cat "$dir/port")
}

stop_index() {
	local dir=$1 pid
	[ -f "$dir/index.pid" ] || return 0
	pid=$(cat "$dir/index.pid")
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$dir/index.pid"
}

index_control() {
	curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$INDEX/_control" >/dev/null
}

index_delete() {
	curl -fsS -X POST --data "{\"filename\": \"$1\"}" "$INDEX/_control/delete" >/dev/null
}

index_uploads() {
	curl -fsS "$INDEX/_debug/uploads"
}

# Run python on the recorded uploads: index_query 'EXPR over u (the list)'.
index_query() {
	index_uploads | "$PY" -c "import json,sys; u=json.load(sys.stdin); print($1)"
}

# An sdist and a wheel of the sample project, named and versioned as asked,
# built once per DIR (python3 -m build --no-isolation, so nothing is fetched).
build_sample() {
	local name=$1 version=$2 dir=$3
	[ -d "$dir/dist" ] && return 0
	require "$PY" || return 1
	"$PY" -c 'import build, setuptools, wheel' 2>/dev/null ||
		unmet "python3-build, python3-setuptools and python3-wheel are needed" || return 1
	mkdir -p "$dir/src"
	cp -r "$SAMPLE_SRC/." "$dir/src/"
	mv "$dir/src/src/sample_pkg" "$dir/src/src/${name//-/_}"
	sed -i -e "s/@NAME@/$name/g" -e "s/@VERSION@/$version/g" -e "s/@MODULE@/${name//-/_}/g" \
		"$dir/src/pyproject.toml" "$dir/src/src/${name//-/_}/__init__.py"
	(cd "$dir/src" && "$PY" -m build --no-isolation --outdir "$dir/dist" .) >"$dir/build.log" 2>&1 ||
		{ cat "$dir/build.log" >&2; return 1; }
}

# pypiserver runs from its source beside the checkout ($SERVERS/pypiserver),
# or as an installed package, on Debian's python3 and its packages.
start_pypiserver() {
	local dir=$1 src= port welcome
	shift
	if [ -f "$SERVERS/pypiserver/pypiserver/__main__.py" ]; then
		src=$SERVERS/pypiserver
	elif ! "$PY" -c 'import pypiserver' 2>/dev/null; then
		unmet "pypiserver is missing from '$SERVERS/pypiserver'; install it with: $PY -m pip install 'pypiserver>=2.4.1' passlib" ||
			return 1
	fi
	env ${src:+PYTHONPATH="$src"} "$PY" -c 'import passlib, packaging, defusedxml, importlib_resources' 2>/dev/null ||
		unmet "pypiserver needs python3-passlib, python3-packaging, python3-defusedxml and python3-importlib-resources" ||
		return 1
	mkdir -p "$dir/packages"
	PYPISERVER_TOKEN=pypiserver-$RANDOM$RANDOM$RANDOM
	"$PY" -c 'import sys, passlib.apache as a; h = a.HtpasswdFile(sys.argv[1], new=True); h.set_password("__token__", sys.argv[2]); h.save()' \
		"$dir/htpasswd" "$PYPISERVER_TOKEN"
	# Its built-in welcome page fails to load with Debian's importlib-resources: name it.
	welcome=$(env ${src:+PYTHONPATH="$src"} "$PY" -c 'import os, pypiserver; print(os.path.join(os.path.dirname(pypiserver.__file__), "welcome.html"))')
	port=$(free_port)
	(cd "$dir" && exec env ${src:+PYTHONPATH="$src"} "$PY" -m pypiserver run -v -i 127.0.0.1 -p "$port" \
		-P "$dir/htpasswd" -a update --welcome "$welcome" "$@" "$dir/packages") >"$dir/pypiserver.log" 2>&1 &
	echo $! >"$dir/pypiserver.pid"
	PYPISERVER=http://127.0.0.1:$port
	wait_port "$port" || { cat "$dir/pypiserver.log" >&2; return 1; }
}

stop_pypiserver() {
	local dir=$1 pid
	[ -f "$dir/pypiserver.pid" ] || return 0
	pid=$(cat "$dir/pypiserver.pid")
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$dir/pypiserver.pid"
}

pypiserver_stored() {
	grep -c " stored '" "$1/pypiserver.log" || true
}

start_lossy_proxy() {
	local dir=$1 upstream=$2 i
	mkdir -p "$dir"
	rm -f "$dir/proxy.port"
	"$PY" "$TOP/tests/lib/lossyproxy.py" --upstream "$upstream" --port-file "$dir/proxy.port" \
		>/dev/null 2>"$dir/proxy.log" &
	echo $! >"$dir/proxy.pid"
	for i in $(seq 1 100); do
		[ -s "$dir/proxy.port" ] && break
		sleep 0.1
	done
	[ -s "$dir/proxy.port" ] || { cat "$dir/proxy.log" >&2; return 1; }
	PROXY=http://127.0.0.1:$(cat "$dir/proxy.port")
}

stop_lossy_proxy() {
	local dir=$1
	[ -f "$dir/proxy.pid" ] || return 0
	kill "$(cat "$dir/proxy.pid")" 2>/dev/null || true
	wait "$(cat "$dir/proxy.pid")" 2>/dev/null || true
	rm -f "$dir/proxy.pid"
}

proxy_lose() {
	curl -fsS -X POST --data "$1" "$PROXY/_proxy/lose" >/dev/null
}
