# Shared by the tests of make bump: a sample project in a fresh git repository.
#
#   make_project   creates it in $BATS_TEST_TMPDIR/proj and cd's there; sets P
#                  (its path) and ORIG (its first commit, tagged v1.2.0)
#   snapshot       everything a bump may change, to compare before and after

make_project() {
	require git make
	P=$BATS_TEST_TMPDIR/proj
	mkdir -p "$P"
	cd "$P"
	git init -q -b main
	git config user.name Tester
	git config user.email tester@example.com
	cat >pyproject.toml <<-'T'
	[build-system]
	requires = ["setuptools>=61"]
	build-backend = "setuptools.build_meta"

	[project]
	name = "acme-app"
	version = "1.2.0"  # bumped by shipsync
	dependencies = ["requests==1.2.0"]
	T
	cat >compose.yaml <<-'T'
	services:
	  app:
	    build: .
	    image: ghcr.io/acme/app:1.2.0
	  worker:
	    image: ghcr.io/acme/app-worker:1.2.0
	  db:
	    image: postgres:16
	T
	cat >CHANGELOG.md <<-'T'
	# Changelog

	## [Unreleased]

	### Added
	- A health endpoint.

	## [1.2.0] - 2026-01-01

	### Added
	- First release.

	[Unreleased]: https://github.com/acme/app/compare/v1.2.0...HEAD
	[1.2.0]: https://github.com/acme/app/compare/v1.1.0...v1.2.0
	T
	cat >Makefile <<-T
	IMAGE = ghcr.io/acme/app
	include $TOP/mk/release.mk
	T
	git add -A
	git commit -q -m "feat: first release"
	git tag -a v1.2.0 -m v1.2.0
	ORIG=$(git rev-parse HEAD)
}

snapshot() {
	(cd "$P" && git status --porcelain --ignored && git rev-parse --symbolic-full-name HEAD &&
		git for-each-ref --format='%(refname) %(objectname)' && git ls-files -s &&
		cat pyproject.toml compose.yaml CHANGELOG.md)
}
