/*
 * The CI gate: did the workflow runs for a tag's commit pass? Actions
 * reports check runs, not commit statuses, so the runs themselves decide:
 * the newest run of each workflow, in its newest attempt. The tag's commit
 * on GitHub must be the one the caller is about to publish.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encode.h"
#include "github.h"
#include "util.h"

struct run {
	long long id, workflow_id, attempt;
	char *status, *conclusion, *path, *html_url;
};

struct runs {
	struct run *v;
	size_t nr, alloc;
};

int gh_resolve_tag(struct gh *g, const char *tag, char **sha)
{
	struct strbuf path = STRBUF_INIT;
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct gh_call call = { 0 };
	struct json j;
	int ret;

	/* A path parameter cannot hold a slash: commits/{ref} takes the tag name and peels it. */
	strbuf_addf(&path, "/repos/%s/%s/commits/", g->owner, g->repo);
	encode_percent(&path, tag);
	call.url = path.buf;
	call.quiet_status = 422;
	ret = gh_send(g, &call, &resp);
	if (ret == EXIT_NOTFOUND || resp.status == 422)
		ret = error_code(EXIT_NOTFOUND, "tag '%s' is not on GitHub (%s/%s): push it with git push --follow-tags",
				 tag, g->owner, g->repo);
	if (!ret && !json_parse(&j, resp.body.buf, resp.body.len)) {
		*sha = json_string(&j, json_get(&j, 0, "sha"));
		json_release(&j);
	}
	if (!ret && !*sha)
		ret = error_code(EXIT_DATA, "the commit of tag '%s' came without a sha", tag);
	http_response_release(&resp);
	strbuf_release(&path);
	return ret;
}

int gh_tag_commit(struct gh *g, const char *tag, const char *expect, char **sha)
{
	int ret = gh_resolve_tag(g, tag, sha);

	if (!ret && expect && strcasecmp(*sha, expect))
		ret = error_code(EXIT_CONFLICT, "tag '%s' is commit %s on GitHub but %s here: push the tag you "
				 "mean to publish (git push --force origin tag %s) or check out %s", tag, *sha,
				 expect, tag, *sha);
	return ret;
}

/* A later run of the same workflow replaces an earlier one; a later attempt of the same run too. */
static int newer(const struct run *a, const struct run *b)
{
	return a->id != b->id ? a->id > b->id : a->attempt > b->attempt;
}

static int collect_run(const struct json *j, int t, void *arg)
{
	struct runs *runs = arg;
	struct run r = { 0 };

	if (json_int(j, json_get(j, t, "id"), &r.id) ||
	    json_int(j, json_get(j, t, "workflow_id"), &r.workflow_id))
		return error_code(EXIT_DATA, "a workflow run came without an id or a workflow_id");
	if (json_int(j, json_get(j, t, "run_attempt"), &r.attempt))
		r.attempt = 1;
	for (size_t i = 0; i < runs->nr; i++) {
		if (runs->v[i].workflow_id != r.workflow_id)
			continue;
		if (!newer(&r, &runs->v[i]))
			return 0;
		free(runs->v[i].status);
		free(runs->v[i].conclusion);
		free(runs->v[i].path);
		free(runs->v[i].html_url);
		runs->v[i] = runs->v[--runs->nr];
		break;
	}
	r.status = json_string(j, json_get(j, t, "status"));
	r.conclusion = json_string(j, json_get(j, t, "conclusion"));
	r.path = json_string(j, json_get(j, t, "path"));
	r.html_url = json_string(j, json_get(j, t, "html_url"));
	ALLOC_GROW(runs->v, runs->nr + 1, runs->alloc);
	runs->v[runs->nr++] = r;
	return 0;
}

static void runs_release(struct runs *runs)
{
	for (size_t i = 0; i < runs->nr; i++) {
		free(runs->v[i].status);
		free(runs->v[i].conclusion);
		free(runs->v[i].path);
		free(runs->v[i].html_url);
	}
	free(runs->v);
	memset(runs, 0, sizeof(*runs));
}

static int fetch_runs(struct gh *g, const char *sha, const struct ci_options *o, struct runs *runs)
{
	struct strbuf url = STRBUF_INIT;
	int ret;

	strbuf_addf(&url, "/repos/%s/%s/actions/", g->owner, g->repo);
	if (o->workflow) {
		strbuf_addstr(&url, "workflows/");
		encode_percent(&url, o->workflow);
		strbuf_addch(&url, '/');
	}
	strbuf_addf(&url, "runs?head_sha=%s", sha);
	ret = gh_get_all(g, url.buf, "workflow_runs", collect_run, runs);
	strbuf_release(&url);
	return ret;
}

struct own_jobs {
	const char *me;		/* GITHUB_JOB: the one job allowed to be unfinished */
	int passed, other;
};

static int collect_job(const struct json *j, int t, void *arg)
{
	struct own_jobs *o = arg;
	char *name = json_string(j, json_get(j, t, "name"));
	char *status = json_string(j, json_get(j, t, "status"));
	char *conclusion = json_string(j, json_get(j, t, "conclusion"));
	int done = status && !strcmp(status, "completed");

	if (done && conclusion && (!strcmp(conclusion, "success") || !strcmp(conclusion, "skipped")))
		o->passed++;
	else if (done || !name || strcmp(name, o->me))
		o->other++;
	free(name);
	free(status);
	free(conclusion);
	return 0;
}

/*
 * The publish job of the release workflow asks about the run it is part
 * of, which is still in progress. That run passed when every one of its
 * jobs but the asking one finished well: the asking job needs them all.
 */
static int judge_own_run(struct gh *g, struct runs *runs)
{
	const char *id = getenv("GITHUB_RUN_ID"), *me = getenv("GITHUB_JOB"), *actions = getenv("GITHUB_ACTIONS");
	struct own_jobs o = { .me = me };
	struct strbuf url = STRBUF_INIT;
	unsigned long own;
	struct run *r = NULL;
	int ret;

	if (!actions || strcmp(actions, "true") || !id || parse_ulong(id, &own) || !me || !*me)
		return 0;
	for (size_t i = 0; i < runs->nr; i++)
		if (runs->v[i].id == (long long)own)
			r = &runs->v[i];
	if (!r || (r->status && !strcmp(r->status, "completed")))
		return 0;
	strbuf_addf(&url, "/repos/%s/%s/actions/runs/%lu/jobs", g->owner, g->repo, own);
	ret = gh_get_all(g, url.buf, "jobs", collect_job, &o);
	strbuf_release(&url);
	if (ret || !o.passed || o.other)
		return ret;
	note("this run (%lu) is the one asked about: every job but '%s' passed", own, me);
	free(r->status);
	free(r->conclusion);
	r->status = xstrdup("completed");
	r->conclusion = xstrdup("success");
	return 0;
}

static const char *name_of(const struct run *r)
{
	return r->path ? r->path : "?";
}

/* EXIT_OK, EXIT_NO (a run failed), EXIT_PENDING or EXIT_NOTFOUND. */
static int judge(const struct runs *runs, int quiet_pending)
{
	int failed = 0, pending = 0;

	for (size_t i = 0; i < runs->nr; i++) {
		const struct run *r = &runs->v[i];

		if (!r->status || strcmp(r->status, "completed"))
			pending++;
		else if (!r->conclusion || strcmp(r->conclusion, "success"))
			failed++;
	}
	if (!runs->nr)
		return EXIT_NOTFOUND;
	for (size_t i = 0; i < runs->nr; i++) {
		const struct run *r = &runs->v[i];

		if (r->status && !strcmp(r->status, "completed") && r->conclusion && !strcmp(r->conclusion, "success"))
			continue;
		if (r->status && !strcmp(r->status, "completed"))
			error("workflow '%s' concluded '%s' (attempt %lld): %s", name_of(r),
			      r->conclusion ? r->conclusion : "nothing", r->attempt, r->html_url ? r->html_url : "");
		else if (!quiet_pending || failed)
			error("workflow '%s' is still '%s' (attempt %lld): %s", name_of(r),
			      r->status ? r->status : "unknown", r->attempt, r->html_url ? r->html_url : "");
	}
	return failed ? EXIT_NO : pending ? EXIT_PENDING : EXIT_OK;
}

int ci_passed_run(struct gh *g, const char *tag, const char *sha, const char *workflow, long long *run_id)
{
	struct ci_options o = { .workflow = workflow };
	struct runs runs = { 0 };
	int ret = fetch_runs(g, sha, &o, &runs);

	if (!ret)
		ret = judge(&runs, 0);
	if (ret == EXIT_NOTFOUND)
		error("no run of %s for commit %s (tag '%s'): did the workflow run on the tag push?", workflow, sha, tag);
	else if (ret == EXIT_PENDING)
		error("the run of %s for tag '%s' has not finished: wait for it (gh-release ci-status --wait)",
		      workflow, tag);
	else if (!ret)
		*run_id = runs.v[0].id;
	runs_release(&runs);
	return ret;
}

int ci_status(struct gh *g, const char *tag, const struct ci_options *o)
{
	long long until = now_ms() + (long long)o->wait_s * 1000;
	long delay = 1000;
	char *sha = NULL;
	int ret = gh_tag_commit(g, tag, o->commit, &sha);

	while (!ret) {
		struct runs runs = { 0 };
		int waiting;

		ret = fetch_runs(g, sha, o, &runs);
		if (!ret)
			ret = judge_own_run(g, &runs);
		if (ret) {
			runs_release(&runs);
			break;
		}
		waiting = o->wait_s && now_ms() + delay <= until;
		ret = judge(&runs, waiting);
		if (ret == EXIT_OK)
			for (size_t i = 0; i < runs.nr; i++)
				printf("%s %s %s\n", runs.v[i].conclusion, name_of(&runs.v[i]),
				       runs.v[i].html_url ? runs.v[i].html_url : "");
		runs_release(&runs);
		if (ret == EXIT_NOTFOUND)
			error("no workflow run%s%s for commit %s (tag '%s'): did the workflow run on the tag push?%s",
			      o->workflow ? " of " : "", o->workflow ? o->workflow : "", sha, tag,
			      o->workflow ? " (--all-workflows counts any)" : "");
		if (ret != EXIT_PENDING || !waiting)
			break;
		note("CI for '%s' is pending, checking again in %.1f s", tag, delay / 1000.0);
		sleep_ms(delay);
		delay = delay * 2 > 15000 ? 15000 : delay * 2;
		ret = 0;
	}
	if (ret == EXIT_PENDING)
		error("CI for tag '%s' (commit %s) has not finished%s: run again later or use --wait", tag, sha,
		      o->wait_s ? " before the --wait deadline" : "");
	free(sha);
	return ret;
}
