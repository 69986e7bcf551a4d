/*
 * gh-release: the GitHub side of a release. Whether CI passed for a tag's
 * commit; a release for the tag made as a draft with notes and assets,
 * published, read back, listed, deleted; the tag deleted; the artifact a
 * tag's release run kept, downloaded and checked. Every verb can run again
 * after a failure and completes what is missing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "github.h"
#include "run.h"
#include "util.h"

#define DEFAULT_API "https://api.github.com"
/* The release workflow `make workflow` installs into a project. */
#define DEFAULT_WORKFLOW "release.yml"
/* What its merge job keeps: the merged manifest and every file it names. */
#define DEFAULT_ARTIFACT "shipsync-dist"

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: gh-release [-nv] [-p per-page] [-t seconds] ci-status [-a | -W workflow] [-c commit] [-w seconds] tag\n"
		"       gh-release [-nv] [-p per-page] [-t seconds] draft [-r] [-F notes] [-N name] tag [asset ...]\n"
		"       gh-release [-nv] [-p per-page] [-t seconds] publish | get | delete | delete-tag tag\n"
		"       gh-release [-nv] [-p per-page] [-t seconds] download-artifact [-A name] [-W workflow] [-c commit]\n"
		"                  tag dir\n"
		"       gh-release [-v] [-p per-page] [-t seconds] list\n");
	exit(code);
}

static int repository_from_git(struct gh *g)
{
	static const char *const argv[] = { "git", "remote", "get-url", "origin", NULL };
	struct strbuf url = STRBUF_INIT;
	int ret = run_capture(argv, &url);

	strbuf_trim(&url);
	if (ret || parse_remote(url.buf, &g->owner, &g->repo))
		ret = error_code(EXIT_USAGE, "no repository: set GITHUB_REPOSITORY=owner/repo or run inside a "
				 "clone whose origin is on GitHub");
	strbuf_release(&url);
	return ret;
}

static int setup_client(struct gh *g)
{
	const char *repo = getenv("GITHUB_REPOSITORY");
	const char *api = getenv("GITHUB_API_URL");
	const char *token = getenv("GITHUB_TOKEN");

	if (!token || !*token)
		token = getenv("GH_TOKEN");
	if (token && *token) {
		secret_add(token);
		for (const char *p = token; *p; p++)
			if (*p <= ' ' || *p == 0x7f)
				return error_code(EXIT_AUTH, "the token in GITHUB_TOKEN or GH_TOKEN holds a space or a "
						  "control character; set the token alone");
	} else {
		return error_code(EXIT_AUTH, "no token: set GITHUB_TOKEN or GH_TOKEN (the token needs contents: write, "
				  "and actions: read for ci-status)");
	}
	if (!api || !*api)
		api = DEFAULT_API;
	if (!starts_with(api, "https://") && !starts_with(api, "http://"))
		return error_code(EXIT_USAGE, "GITHUB_API_URL '%s' is not an http(s) URL", api);
	g->api = xstrdup(api);
	while (ends_with(g->api, "/"))
		g->api[strlen(g->api) - 1] = '\0';
	if (gh_authorize(g, token))
		return EXIT_USAGE;
	if (repo && *repo) {
		if (parse_repository(repo, &g->owner, &g->repo))
			return error_code(EXIT_USAGE, "GITHUB_REPOSITORY '%s' is not owner/repo", repo);
		return 0;
	}
	return repository_from_git(g);
}

static int bad_tag(const char *tag)
{
	if (!*tag || strlen(tag) > 255)
		return 1;
	for (const unsigned char *p = (const unsigned char *)tag; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '~' || *p == '^' || *p == ':' || *p == '\\')
			return 1;
	return 0;
}

static int is_commit(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdefABCDEF") == 40;
}

static unsigned long seconds_arg(const char *opt, const char *arg, unsigned long max)
{
	unsigned long v;

	if (parse_ulong(arg, &v) || v > max)
		die_code(EXIT_USAGE, "%s: '%s' is not a number of seconds (0-%lu)", opt, arg, max);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "artifact", required_argument, NULL, 'A' },
		{ "all-workflows", no_argument, NULL, 'a' },
		{ "commit", required_argument, NULL, 'c' },
		{ "notes", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "name", required_argument, NULL, 'N' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "per-page", required_argument, NULL, 'p' },
		{ "replace", no_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "workflow", required_argument, NULL, 'W' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct gh g = { .per_page = 100 };
	struct ci_options ci = { 0 };
	struct draft_options d = { 0 };
	struct artifact_options art = { 0 };
	unsigned long timeout = 600, per_page;
	const char *verb, *tag = NULL;
	int c, ret, takes_tag, is_artifact, all_workflows = 0;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "A:ac:F:hN:np:rt:VvW:w:", longopts, NULL)) != -1) {
		switch (c) {
		case 'A': art.name = optarg; break;
		case 'a': all_workflows = 1; break;
		case 'c': ci.commit = optarg; break;
		case 'F': d.notes = optarg; break;
		case 'h': usage(EXIT_OK);
		case 'N': d.name = optarg; break;
		case 'n': g.dry_run = 1; break;
		case 'p':
			if (parse_ulong(optarg, &per_page) || per_page < 1 || per_page > 100)
				die_code(EXIT_USAGE, "--per-page: '%s' is not a number from 1 to 100", optarg);
			g.per_page = per_page;
			break;
		case 'r': d.replace = 1; break;
		case 't': timeout = seconds_arg("--timeout", optarg, 86400); break;
		case 'V': print_version();
		case 'v': verbose++; break;
		case 'W': ci.workflow = optarg; break;
		case 'w': ci.wait_s = seconds_arg("--wait", optarg, 86400); break;
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(EXIT_USAGE);
	verb = argv[0];
	takes_tag = strcmp(verb, "list") != 0;
	is_artifact = !strcmp(verb, "download-artifact");
	if (!strcmp(verb, "draft") ? argc < 2 : argc != 1 + takes_tag + is_artifact)
		usage(EXIT_USAGE);
	if (takes_tag && bad_tag(tag = argv[1]))
		die_code(EXIT_USAGE, "'%s' is not a valid tag name", tag);
	if (strcmp(verb, "draft") && (d.notes || d.name || d.replace))
		die_code(EXIT_USAGE, "--notes, --name and --replace belong to draft");
	if (strcmp(verb, "ci-status") && (ci.wait_s || all_workflows))
		die_code(EXIT_USAGE, "--all-workflows and --wait belong to ci-status");
	if (strcmp(verb, "ci-status") && !is_artifact && (ci.workflow || ci.commit))
		die_code(EXIT_USAGE, "--workflow and --commit belong to ci-status and download-artifact");
	if (!is_artifact && art.name)
		die_code(EXIT_USAGE, "--artifact belongs to download-artifact");
	if (!art.name)
		art.name = DEFAULT_ARTIFACT;
	if (is_artifact && (!*art.name || strlen(art.name) > 200))
		die_code(EXIT_USAGE, "--artifact: '%s' is not an artifact name", art.name);
	if (is_artifact && !*argv[2])
		die_code(EXIT_USAGE, "download-artifact: the directory to download into has no name");
	if (ci.workflow && all_workflows)
		die_code(EXIT_USAGE, "--workflow and --all-workflows exclude each other");
	if (ci.workflow && (!*ci.workflow || strchr(ci.workflow, '/')))
		die_code(EXIT_USAGE, "--workflow: '%s' is not a workflow file name (release.yml)", ci.workflow);
	if (ci.commit && !is_commit(ci.commit))
		die_code(EXIT_USAGE, "--commit: '%s' is not a full 40-hex commit (git rev-parse HEAD)", ci.commit);
	if (!ci.workflow && !all_workflows)
		ci.workflow = DEFAULT_WORKFLOW;
	art.workflow = ci.workflow;
	art.commit = ci.commit;

	if ((ret = setup_client(&g)))
		goto out;
	g.deadline = now_ms() + (long long)(timeout + ci.wait_s) * 1000;
	if (!strcmp(verb, "ci-status"))
		ret = ci_status(&g, tag, &ci);
	else if (!strcmp(verb, "draft"))
		ret = release_draft(&g, tag, &d, argv + 2, argc - 2);
	else if (!strcmp(verb, "publish"))
		ret = release_publish(&g, tag);
	else if (!strcmp(verb, "get"))
		ret = release_get(&g, tag);
	else if (!strcmp(verb, "list"))
		ret = release_list(&g);
	else if (!strcmp(verb, "delete"))
		ret = release_delete(&g, tag);
	else if (!strcmp(verb, "delete-tag"))
		ret = tag_delete(&g, tag);
	else if (is_artifact)
		ret = artifact_download(&g, tag, &art, argv[2]);
	else
		ret = error_code(EXIT_USAGE, "unknown command '%s': ci-status, draft, publish, get, list, delete, "
				 "delete-tag, download-artifact", verb);
out:
	free(g.api);
	free(g.owner);
	free(g.repo);
	finish_stdout();
	return ret;
}
