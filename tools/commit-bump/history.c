/* The latest version tag and the commits since it, through libgit2. */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "history.h"
#include "pep440.h"
#include "util.h"

struct candidate {
	char *name;
	struct semver v;	/* points into name */
};

static int git_fail(int code, const char *what)
{
	const git_error *e = git_error_last();

	error("%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
	return code;
}

/* Highest version first; equal versions by name, so the choice never depends on the order read. */
static int cmp_candidates(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	int c = semver_compare(&y->v, &x->v);

	return c ? c : strcmp(x->name, y->name);
}

/*
 * The version of tag name: SemVer, or a PEP 440 version by its SemVer form,
 * as Python projects tag (v0.6.2.dev1 is 0.6.2-dev.1). Only the normalised
 * PEP 440 form with three release numbers counts, so that a tag such as
 * v1.2 or v01.2.3 stays what it was, not a version. The SemVer form is kept
 * after the name's NUL in one allocation, so that v lives as long as name.
 */
static int tag_version(struct candidate *c, const char *name, size_t plen)
{
	struct pep440 p;
	struct strbuf form = STRBUF_INIT;
	size_t len = strlen(name);
	int normalised;

	c->name = xstrdup(name);
	if (!semver_parse(&c->v, c->name + plen, len - plen, 0, NULL))
		return 0;
	free(c->name);
	c->name = NULL;
	if (pep440_parse(&p, name + plen, len - plen, NULL) || p.nrelease != 3)
		return -1;
	pep440_format(&form, &p);
	normalised = !strcmp(form.buf, name + plen);
	strbuf_reset(&form);
	if (!normalised || pep440_semver(&form, &p, NULL)) {
		strbuf_release(&form);
		return -1;
	}
	c->name = xmalloc(len + 1 + form.len + 1);
	memcpy(c->name, name, len + 1);
	memcpy(c->name + len + 1, form.buf, form.len + 1);
	strbuf_release(&form);
	if (semver_parse(&c->v, c->name + len + 1, strlen(c->name + len + 1), 0, NULL)) {
		free(c->name);
		return -1;
	}
	return 0;
}

static size_t version_tags(git_repository *repo, const char *prefix, struct candidate **out)
{
	git_strarray names = { NULL, 0 };
	struct candidate *c = NULL;
	size_t nr = 0, alloc = 0, plen = strlen(prefix);

	if (git_tag_list(&names, repo))
		return 0;
	for (size_t i = 0; i < names.count; i++) {
		const char *name = names.strings[i];

		if (strncmp(name, prefix, plen))
			continue;
		ALLOC_GROW(c, nr + 1, alloc);
		if (!tag_version(&c[nr], name, plen))
			nr++;
	}
	git_strarray_dispose(&names);
	if (nr)
		qsort(c, nr, sizeof(*c), cmp_candidates);
	*out = c;
	return nr;
}

/* The commit a tag names, annotated or lightweight; -1 when it names no commit. */
static int tag_commit(git_repository *repo, const char *name, git_oid *oid)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	char *full = xstrfmt("refs/tags/%s", name);
	int ret = -1;

	if (!git_reference_lookup(&ref, repo, full) && !git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT)) {
		git_oid_cpy(oid, git_object_id(obj));
		ret = 0;
	}
	git_object_free(obj);
	git_reference_free(ref);
	free(full);
	return ret;
}

/* The highest version tag whose commit is the head or one of its ancestors. */
static void find_tag(git_repository *repo, const git_oid *head, const char *prefix,
		     struct history *h, git_oid *tag_oid)
{
	struct candidate *c = NULL;
	size_t nr = version_tags(repo, prefix, &c);

	for (size_t i = 0; i < nr; i++) {
		if (h->tag || tag_commit(repo, c[i].name, tag_oid))
			goto drop;
		if (!git_oid_equal(tag_oid, head) && git_graph_descendant_of(repo, head, tag_oid) != 1)
			goto drop;
		h->tag = c[i].name;
		h->current = c[i].v;
		continue;
drop:
		free(c[i].name);
	}
	free(c);
}

/* A raw commit object: its parents counted, its message after the first blank line. */
static void read_commit(struct history *h, const struct history_opts *o, const char *data, size_t len)
{
	const char *end = data + len, *line = data, *msg = end;
	struct cc_commit cc;
	size_t parents = 0;
	enum cc_group g;
	enum bump b;

	while (line < end) {
		const char *nl = memchr(line, '\n', end - line);

		if (!nl || nl == line) {
			msg = nl ? nl + 1 : end;
			break;
		}
		if (nl - line > 7 && !memcmp(line, "parent ", 7))
			parents++;
		line = nl + 1;
	}
	if (parents > 1) {
		h->merges++;
		return;
	}
	h->commits++;
	cc_parse(&cc, msg, end - msg);
	b = cc_bump(&cc);
	if (b > h->bump)
		h->bump = b;
	g = cc_group(&cc);
	if (g == GROUP_HIDDEN && o->all)
		g = GROUP_CHANGED;
	if (g != GROUP_HIDDEN)
		cc_entry(&h->group[g], &cc);
	cc_release(&cc);
}

/*
 * Every commit in head..hide, as git log lists them. The objects are read
 * raw: all that is needed is the parent count and the message.
 */
static int walk(git_repository *repo, const git_oid *head, const git_oid *hide,
		const struct history_opts *o, struct history *h)
{
	git_revwalk *w = NULL;
	git_odb *odb = NULL;
	git_oid oid;
	int ret = 0, err;

	if (git_repository_odb(&odb, repo) || git_revwalk_new(&w, repo) ||
	    git_revwalk_push(w, head) || (hide && git_revwalk_hide(w, hide))) {
		ret = git_fail(EXIT_SYSTEM, "cannot walk the history");
		goto out;
	}
	while (!(err = git_revwalk_next(&oid, w))) {
		git_odb_object *obj;

		if (git_odb_read(&obj, odb, &oid)) {
			ret = git_fail(EXIT_DATA, "cannot read a commit");
			break;
		}
		read_commit(h, o, git_odb_object_data(obj), git_odb_object_size(obj));
		git_odb_object_free(obj);
	}
	if (!ret && err != GIT_ITEROVER)
		ret = git_fail(EXIT_DATA, "cannot walk the history");
out:
	git_revwalk_free(w);
	git_odb_free(odb);
	return ret;
}

static int open_repo(const char *dir, git_repository **repo)
{
	int from_env = !dir && getenv("GIT_DIR");
	int err = git_repository_open_ext(repo, from_env ? NULL : dir ? dir : ".",
					  from_env ? GIT_REPOSITORY_OPEN_FROM_ENV : 0, NULL);

	if (!dir)
		dir = from_env ? getenv("GIT_DIR") : ".";

	if (err == GIT_ENOTFOUND) {
		error("'%s' is not in a git repository: run it inside one, or name one with -C", dir);
		return EXIT_NOTFOUND;
	}
	return err ? git_fail(EXIT_DATA, "cannot open the repository") : 0;
}

/* The commit rev names; 1 when HEAD is unborn (a repository without commits). */
static int resolve(git_repository *repo, const char *rev, git_oid *oid)
{
	git_object *obj = NULL, *commit = NULL;
	int ret = -1;

	if (!rev && git_repository_head_unborn(repo) == 1)
		return 1;
	if (!git_revparse_single(&obj, repo, rev ? rev : "HEAD") &&
	    !git_object_peel(&commit, obj, GIT_OBJECT_COMMIT)) {
		git_oid_cpy(oid, git_object_id(commit));
		ret = 0;
	}
	if (ret)
		error("'%s' names no commit", rev ? rev : "HEAD");
	git_object_free(commit);
	git_object_free(obj);
	return ret;
}

int history_read(const struct history_opts *o, struct history *h)
{
	git_repository *repo = NULL;
	git_oid head, tag_oid;
	int ret, r;

	memset(h, 0, sizeof(*h));
	semver_parse(&h->current, "0.0.0", 5, 0, NULL);
	for (int i = 0; i < GROUP_NR; i++)
		strbuf_init(&h->group[i], 0);
	git_libgit2_init();
	/*
	 * Reading only: hashing every object read again to check it against its
	 * name costs more than the rest of the walk, and git log does not do it.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if ((ret = open_repo(o->dir, &repo)))
		goto out;
	r = resolve(repo, o->rev, &head);
	if (r) {
		ret = r < 0 ? EXIT_NOTFOUND : 0;
		goto out;
	}
	find_tag(repo, &head, o->prefix, h, &tag_oid);
	ret = walk(repo, &head, h->tag ? &tag_oid : NULL, o, h);
out:
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ret;
}

void history_release(struct history *h)
{
	free(h->tag);
	h->tag = NULL;
	for (int i = 0; i < GROUP_NR; i++)
		strbuf_release(&h->group[i]);
}

void history_changelog(const struct history *h, struct strbuf *out)
{
	for (int i = 0; i < GROUP_NR; i++) {
		if (!h->group[i].len)
			continue;
		if (out->len)
			strbuf_addch(out, '\n');
		strbuf_addf(out, "### %s\n\n", cc_group_names[i]);
		strbuf_addbuf(out, &h->group[i]);
	}
}

static int is_zero(const struct span *s)
{
	return s->len == 1 && s->p[0] == '0';
}

enum bump history_bump(const struct history *h, int zero_major)
{
	if (zero_major && is_zero(&h->current.major) && h->bump > BUMP_PATCH)
		return h->bump - 1;
	return h->bump;
}

int history_next(const struct history *h, int zero_major, struct strbuf *out)
{
	static const enum semver_level level[] = {
		[BUMP_PATCH] = SEMVER_PATCH, [BUMP_MINOR] = SEMVER_MINOR, [BUMP_MAJOR] = SEMVER_MAJOR,
	};
	enum bump b = history_bump(h, zero_major);

	if (b == BUMP_NONE)
		return -1;
	return semver_bump(out, &h->current, level[b], NULL, SEMVER_BASE_NONE, NULL);
}
