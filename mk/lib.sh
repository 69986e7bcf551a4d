# shellcheck shell=bash
# Sourced by the mk/*.sh scripts: the exit statuses of the tools by name,
# messages, and the checks of user values that several scripts share.
# A script sets `me` (its message prefix) before it sources this file.

if [ ! -r "${BASH_SOURCE[0]%/*}/exitcode.sh" ]; then
	echo "${me:-shipsync}: '${BASH_SOURCE[0]%/*}/exitcode.sh' is missing: build shipsync (make) or install it again" >&2
	exit 1
fi
# shellcheck source=exitcode.sh
. "${BASH_SOURCE[0]%/*}/exitcode.sh"

say() { printf '%s: %s\n' "${me:-shipsync}" "$*" >&2; }
die() { say "$*"; exit "$EXIT_NO"; }

# shown TEXT: TEXT fit for a message, control characters shown as '?', so
# that a hostile value cannot rewrite the terminal it is printed on.
shown() { printf '%s' "$1" | tr '[:cntrl:]' '?'; }

# indent: a tool's output under the step that ran it.
indent() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		printf '    %s\n' "$line"
	done
}

# A tag prefix is text put in front of a version to name a git tag, never a
# pattern: a git ref name cannot hold * ? [ or other glob and regex magic
# that matters here, so `git tag --list "$TAG_PREFIX*"` means what it says.
# A leading dash would make a tag name read as an option.
check_tag_prefix() {
	case $TAG_PREFIX in -*) false ;; esac &&
		git check-ref-format "refs/tags/${TAG_PREFIX}0.0.0" ||
		die "TAG_PREFIX '$(shown "$TAG_PREFIX")' cannot start a git tag name (see git-check-ref-format(1))"
}

# version_tags: the tags that start with TAG_PREFIX, one a line, the prefix removed.
version_tags() {
	local tags t
	tags=$(git tag "$@" --list "${TAG_PREFIX}*") || return
	while IFS= read -r t; do
		[ -z "$t" ] || printf '%s\n' "${t#"$TAG_PREFIX"}"
	done <<<"$tags"
}

# own_images: the repositories of IMAGE, one a line (split on white space,
# never globbed), after compose-retag has checked that each is one.
own_images() {
	local images args=() i
	read -r -a images <<<"$IMAGE"
	[ ${#images[@]} -gt 0 ] || return 0
	for i in "${images[@]}"; do args+=(-i "$i"); done
	compose-retag "${args[@]}" -l -- /dev/null >/dev/null 2>&1 ||
		die "IMAGE '$(shown "$IMAGE")' is not a list of image repositories like 'ghcr.io/acme/api ghcr.io/acme/web'"
	printf '%s\n' "${images[@]}"
}

# image_key REPOSITORY: how make variables of one image name it: the last
# component of the repository, every character but letters, digits and _ as _
# (ghcr.io/acme/my-api: my_api, as in HEALTH_URL_my_api).
image_key() {
	local name=${1##*/}
	printf '%s' "${name//[!A-Za-z0-9_]/_}"
}

# image_var NAME REPOSITORY: the value of the make variable NAME_<key> of the
# image; status 1 when it is not set at all (set and empty is a value).
image_var() {
	local var
	var=$1_$(image_key "$2")
	[ -n "${!var+set}" ] || return 1
	printf '%s' "${!var}"
}

# archive_slug REPOSITORY: the repository as part of a file name in DIST.
archive_slug() {
	local slug=${1//\//+}
	printf '%s' "${slug//:/+}"
}

# plain_name NAME: NAME names a file directly inside a directory: no
# directory, not . or .., no leading dash, no control character. A manifest
# is a file on disk, and a name such as ../../.ssh/id_rsa would attach that file.
plain_name() {
	case $1 in
	''|.|..|-*|*/*|*[[:cntrl:]]*) return 1 ;;
	esac
}

# read_manifest_file FILE DIR KIND: check every line of a manifest of KIND
# (shipsync-manifest, or shipsync-partial for one platform's validation) and
# the sha256 and size of every file it names in DIR. Sets m_version,
# m_commit, m_platforms, m_images (REPOSITORY PLATFORM DIGEST FILE, one
# entry each) and m_files (FILE => 1).
# shellcheck disable=SC2034 # read by the scripts that source this file
m_version='' m_commit='' m_platforms='' m_images=()
declare -A m_files=()
# shellcheck disable=SC2034
read_manifest_file() {
	local file=$1 dir=$2 kind=$3 first a b c d extra line=0 path
	local -A listed=()
	m_version='' m_commit='' m_platforms='' m_images=() m_files=()
	[ -f "$file" ] || die "no '$file': run make validate for this version first"
	while read -r first a b c d extra; do
		line=$((line + 1))
		case $line:$first in
		1:"$kind")
			[ "$a" = 2 ] && [ -z "$b" ] ||
				die "'$file' was written by another shipsync (format '$(shown "$a")'): run make validate again" ;;
		1:*)	die "'$file' is not a $kind file: run make validate again" ;;
		*:)	;;
		*:version)	m_version=$a ;;
		*:commit)	m_commit=$a ;;
		*:platforms)	m_platforms="$a${b:+ $b}${c:+ $c}${d:+ $d}${extra:+ $extra}" ;;
		*:image)	# image REPOSITORY PLATFORM CONFIG-DIGEST FILE
			plain_name "$d" && [ -z "$extra" ] || die "'$file': '$(shown "$d")' is not a plain file name"
			case $b in ''|*[!a-z0-9/._-]*|[!a-z]*) die "'$file': '$(shown "$b")' is not a platform" ;; esac
			[[ $c =~ ^sha256:[0-9a-f]{64}$ ]] || die "'$file': '$(shown "$c")' is not an image digest"
			m_images+=("$a $b $c $d")
			listed[$d]=1 ;;
		*)	# SHA256 SIZE FILE
			plain_name "$b" && [ -z "$c$d$extra" ] || die "'$file': '$(shown "$b")' is not a plain file name in '$dir'"
			[[ $first =~ ^[0-9a-f]{64}$ ]] && [[ $a =~ ^[0-9]+$ ]] ||
				die "'$file': '$(shown "$first $a $b")' is not a line validate writes: run make validate again"
			path=$dir/$b
			[ ! -L "$path" ] || die "'$path' is a symbolic link; validate keeps the files themselves: run make validate again"
			[ -f "$path" ] || die "'$path' is in '$file' but missing"
			[ "$(sha256sum -- "$path" | cut -d ' ' -f 1)" = "$first" ] && [ "$(stat -c %s -- "$path")" = "$a" ] ||
				die "'$path' is not what validate tested (sha256 differs): run make validate again"
			m_files[$b]=1 ;;
		esac
	done <"$file"
	[ "$line" -gt 0 ] || die "'$file' is empty: run make validate again"
	for a in "${!listed[@]}"; do
		[ -n "${m_files[$a]:-}" ] || die "'$file' names the image '$a' without its sha256"
	done
}
