/*
 * Fuzz compose-retag's reader and retagging. Whatever the input: no crash,
 * no leak; when the first own-able repository is retagged, the result reads
 * again with every image of that repository at the version, a second retag
 * to the same version changes nothing, and retagging to the version the
 * images already carry changes no byte. Build sections are read too, and
 * every build value goes through compose's interpolation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/compose-retag/build.h"
#include "../../tools/compose-retag/scan.h"
#include "strbuf.h"
#include "util.h"

struct parsed {
	struct image_refs refs, builds;
	struct image *imgs;
	int ok;
};

static const char *lookup(const char *name, void *ctx)
{
	(void)ctx;
	return name[0] == 'S' ? "set" : name[0] == 'E' ? "" : NULL;
}

static void interpolate_builds(const struct image_refs *builds)
{
	struct strbuf out = STRBUF_INIT;
	char msg[200];
	size_t i;

	for (i = 0; i < builds->nr; i++) {
		strbuf_reset(&out);
		if (build_interpolate(builds->v[i].value, builds->v[i].len, lookup, NULL,
				      &out, msg, sizeof(msg)) < 0 && !msg[0])
			abort();	/* a failure always says why */
	}
	strbuf_release(&out);
}

static void parse(struct parsed *p, const char *buf, size_t len)
{
	struct scan_error err;
	char msg[200];
	size_t i;

	memset(p, 0, sizeof(*p));
	if (scan_compose_builds(buf, len, &p->refs, &p->builds, &err) < 0)
		return;
	interpolate_builds(&p->builds);
	p->imgs = xcalloc(p->refs.nr + 1, sizeof(*p->imgs));
	p->ok = 1;
	for (i = 0; i < p->refs.nr; i++)
		if (image_parse(&p->refs.v[i], &p->imgs[i], msg, sizeof(msg)) < 0)
			p->ok = 0;
}

static void release(struct parsed *p)
{
	size_t i;

	for (i = 0; p->imgs && i < p->refs.nr; i++)
		image_clear(&p->imgs[i]);
	free(p->imgs);
	image_refs_clear(&p->refs);
	image_refs_clear(&p->builds);
}

static int by_start(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Retag every image of repo to version into out: 0, or -1 when one is refused. */
static int retag(const struct parsed *p, const char *buf, size_t len, const char *repo,
		 const char *version, struct strbuf *out)
{
	struct edit *edits = xcalloc(p->refs.nr + 1, sizeof(*edits));
	size_t i, n = 0;
	int ret = 0;

	for (i = 0; i < p->refs.nr && !ret; i++) {
		if (!p->imgs[i].repo || strcmp(p->imgs[i].repo, repo))
			continue;
		if (image_retag(&p->imgs[i], version, &edits[n]) != RETAG_OK)
			ret = -1;
		else
			n++;
	}
	if (n)
		qsort(edits, n, sizeof(*edits), by_start);
	if (!ret && apply_edits(buf, len, edits, n, out) < 0)
		abort();	/* distinct scalars never overlap */
	for (i = 0; i < n; i++)
		free(edits[i].text);
	free(edits);
	return ret;
}

/* The version all images of repo carry, when they agree and can be set again. */
static char *common_version(const struct parsed *p, const char *repo)
{
	char *v = NULL;
	size_t i;

	for (i = 0; i < p->refs.nr; i++) {
		const struct image *img = &p->imgs[i];
		char *mine;

		if (!img->repo || strcmp(img->repo, repo))
			continue;
		mine = xstrndup(img->text.buf + img->ver_start, img->ver_end - img->ver_start);
		if (!img->has_tag || !version_is_valid(mine) || (v && strcmp(v, mine))) {
			free(mine);
			free(v);
			return NULL;
		}
		free(v);
		v = mine;
	}
	return v;
}

static void check_retagged(const char *buf, size_t len, const char *repo)
{
	struct parsed p;
	struct strbuf again = STRBUF_INIT;
	size_t i;

	parse(&p, buf, len);
	if (!p.ok)
		abort();	/* a retag made the file unreadable */
	for (i = 0; i < p.refs.nr; i++)
		if (p.imgs[i].repo && !strcmp(p.imgs[i].repo, repo) &&
		    !image_at_version(&p.imgs[i], "1.2.3"))
			abort();	/* an own image missed the version */
	if (retag(&p, buf, len, repo, "1.2.3", &again) < 0 ||
	    again.len != len || memcmp(again.buf, buf, len))
		abort();	/* the second retag was not a no-op */
	strbuf_release(&again);
	release(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct parsed p;
	struct strbuf out = STRBUF_INIT;
	const char *repo = NULL;
	char *version;
	size_t i;

	memcpy(buf, data, size);
	parse(&p, buf, size);
	for (i = 0; p.ok && i < p.refs.nr && !repo; i++)
		repo = p.imgs[i].repo;
	if (repo && retag(&p, buf, size, repo, "1.2.3", &out) == 0)
		check_retagged(out.buf, out.len, repo);
	version = repo ? common_version(&p, repo) : NULL;
	if (version && retag(&p, buf, size, repo, version, &out) == 0 &&
	    (out.len != size || memcmp(out.buf, buf, size)))
		abort();	/* retagging to the same version changed bytes */
	free(version);
	strbuf_release(&out);
	release(&p);
	free(buf);
	return 0;
}
