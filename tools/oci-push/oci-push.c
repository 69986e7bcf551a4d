/*
 * oci-push: push images kept as archives (docker save output, OCI layouts)
 * to a registry over the OCI distribution API, as one multi-platform index
 * under one or more tags; moving tags (latest, X, X.Y) only go forward to
 * stable versions. Prints the index digest. --delete removes a tag's manifest.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imageref.h"
#include "json.h"
#include "util.h"
#include "oci.h"

struct plan {
	const char *tag;
	int move;		/* 1 push it, 0 keep where it is */
	const char *why;
};

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: oci-push [-flnv] [-c chunk-size] [-j jobs] [-m repository]... [-t tag]...\n"
		"                registry/repository [platform=]archive...\n"
		"       oci-push [-nv] -d tag registry/repository\n");
	exit(code);
}

/* "linux/arm64=b.tar" or "b.tar" (an existing file wins over the split). */
static int load_arg(struct image_set *set, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *platform, *os, *ar, *var;
	struct stat st;
	int ret;

	if (!eq || !stat(arg, &st))
		return image_load(set, arg, NULL);
	platform = xstrndup(arg, eq - arg);
	if (parse_platform(platform, &os, &ar, &var) < 0) {
		error("'%s' is not a platform: write OS/ARCH[/VARIANT]=ARCHIVE, e.g. linux/arm64=app.tar", platform);
		free(platform);
		return EXIT_USAGE;
	}
	free(os);
	free(ar);
	free(var);
	ret = image_load(set, eq + 1, platform);
	free(platform);
	return ret;
}

static int distinct_platforms(const struct image_set *set)
{
	for (size_t i = 0; i < set->nr; i++) {
		char *a = image_platform(set->image[i]);

		for (size_t k = 0; k < i; k++) {
			char *b = image_platform(set->image[k]);
			int same = !strcmp(a, b);

			if (same)
				error("'%s' and '%s' are both %s: give one image per platform",
				      set->image[k]->source, set->image[i]->source, a);
			free(b);
			if (same) {
				free(a);
				return -1;
			}
		}
		free(a);
	}
	return 0;
}

/* The version the tags name; every full-version tag must name the same one. */
static int find_version(const struct strvec *tags, struct semver *version, const char **vtag)
{
	struct semver v;

	*vtag = NULL;
	for (size_t i = 0; i < tags->nr; i++) {
		if (!tag_valid(tags->v[i]))
			return error("'%s' is not a valid tag: letters, digits, '_', '.', '-', at most 128, "
				     "not starting with '.' or '-'", tags->v[i]);
		if (tag_kind(tags->v[i], &v) != TAG_VERSION)
			continue;
		if (*vtag && semver_compare(&v, version))
			return error("tags '%s' and '%s' name different versions", *vtag, tags->v[i]);
		*version = v;
		*vtag = tags->v[i];
	}
	return 0;
}

/* GET /v2/: answers the authentication challenge before anything else. */
static int ping(struct reg *r)
{
	struct reg_req q = { .method = "GET", .url = "/v2/" };
	struct http_response p = HTTP_RESPONSE_INIT;
	int ret = reg_do(r, r->client, &q, &p);

	if (!ret && p.status == 401)
		ret = reg_error(r, EXIT_AUTH, "'%s' refused the credentials%s%s%s", r->host,
				r->creds.from ? " from " : "", r->creds.from ? r->creds.from : "",
				r->creds.from ? "" : ": set OCI_USERNAME and OCI_PASSWORD, or docker login");
	else if (!ret && p.status != 200)
		ret = reg_error(r, p.status == 403 ? EXIT_AUTH : EXIT_DATA,
				"'%s' is not an OCI registry (GET /v2/ answered HTTP %ld)", r->host, p.status);
	http_response_release(&p);
	return ret;
}

/* Decide every tag: push, keep (moving tags that may not move), or refuse. */
static int plan_tags(struct reg *r, const struct push_opts *o, const char *digest,
		     struct plan *plan)
{
	struct strvec existing = STRVEC_INIT;
	struct semver version;
	const char *vtag;
	int need_list = 0, ret = 0;

	if (find_version(&o->tags, &version, &vtag) < 0) {
		reg_fail(r, EXIT_USAGE);
		return -1;
	}
	for (size_t i = 0; i < o->tags.nr; i++) {
		struct semver t;
		enum tag_kind k = tag_kind(o->tags.v[i], &t);

		if (k == TAG_LATEST || k == TAG_MAJOR || k == TAG_MINOR)
			need_list = 1;
		if (need_list && !vtag) {
			reg_fail(r, EXIT_USAGE);
			return error("tag '%s' moves with the highest version: give the version tag too (e.g. --tag v1.2.3)",
				     o->tags.v[i]);
		}
	}
	if (need_list && list_tags(r, &existing) < 0)
		return -1;
	for (size_t i = 0; i < o->tags.nr && !ret; i++) {
		struct semver t;
		char *have = NULL;

		plan[i].tag = o->tags.v[i];
		plan[i].move = 1;
		if (tag_kind(plan[i].tag, &t) == TAG_VERSION) {
			int found = resolve_tag(r, plan[i].tag, &have);

			if (found < 0)
				ret = -1;
			else if (!found && strcmp(have, digest) && !o->force)
				ret = reg_error(r, EXIT_CONFLICT, "tag '%s' in '%s' already points to %s, not to this push "
						"(%s): a version is never overwritten; release a new version, or use --force",
						plan[i].tag, r->repo, have, digest);
			free(have);
			continue;
		}
		switch (tag_may_move(plan[i].tag, &version, existing.v, existing.nr, &plan[i].why)) {
		case -1:
			ret = reg_error(r, EXIT_USAGE, "tag '%s' cannot point to version '%s': %s", plan[i].tag, vtag,
					plan[i].why);
			break;
		case 0:
			plan[i].move = 0;
			break;
		}
	}
	strvec_clear(&existing);
	return ret;
}

/* Every tag points at the index, and the index lists every platform. */
static int verify(struct reg *r, const struct blob *idx, const struct image_set *set,
		  const struct plan *plan, size_t nr)
{
	char *path = xstrfmt("/v2/%s/manifests/%s", r->repo, idx->digest);
	const char *hdrs[] = { ACCEPT_MANIFESTS, NULL };
	struct reg_req q = { .method = "GET", .url = path, .headers = hdrs };
	struct http_response p = HTTP_RESPONSE_INIT;
	struct json j;
	int list, ret = 0;

	for (size_t i = 0; i < nr && !ret; i++) {
		char *got = NULL;

		if (!plan[i].move)
			continue;
		if (resolve_tag(r, plan[i].tag, &got) != 0 || strcmp(got, idx->digest))
			ret = reg_error(r, EXIT_DATA, "verifying: tag '%s' points to %s, not to the pushed %s",
					plan[i].tag, got ? got : "nothing", idx->digest);
		free(got);
	}
	if (ret || reg_do(r, r->client, &q, &p) < 0) {
		free(path);
		http_response_release(&p);
		return -1;
	}
	if (p.status != 200 || json_parse(&j, p.body.buf, p.body.len) < 0) {
		ret = reg_error(r, EXIT_DATA, "verifying: GET of index %s answered HTTP %ld", idx->digest, p.status);
	} else {
		list = json_get(&j, 0, "manifests");
		for (size_t i = 0; i < set->nr && !ret; i++) {
			const struct image *img = set->image[i];
			int found = 0;

			for (int k = 0; list >= 0 && k < j.tok[list].size && !found; k++) {
				int d = json_at(&j, list, k);
				int pl = json_get(&j, d, "platform");

				found = json_streq(&j, json_get(&j, d, "digest"), img->manifest.digest) &&
					json_streq(&j, json_get(&j, pl, "os"), img->os) &&
					json_streq(&j, json_get(&j, pl, "architecture"), img->arch);
			}
			if (!found) {
				char *plat = image_platform(img);

				ret = reg_error(r, EXIT_DATA, "verifying: index %s lacks %s (%s)", idx->digest, plat,
						img->manifest.digest);
				free(plat);
			}
		}
		json_release(&j);
	}
	free(path);
	http_response_release(&p);
	return ret;
}

/* Where each tag stands after the push, in the words of the dry-run plan. */
static void print_tags(const struct plan *plan, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		if (plan[i].move)
			printf("tag %s\n", plan[i].tag);
		else
			printf("keep %s (%s)\n", plan[i].tag, plan[i].why);
	}
}

static int push(struct reg *r, struct image_set *set, const struct push_opts *o)
{
	struct strbuf text = STRBUF_INIT;
	char hex[SHA256_HEX_LEN + 1];
	struct blob idx = { 0 };
	struct plan *plan = xcalloc(o->tags.nr + 1, sizeof(*plan));
	int ret;

	image_index(set, &text);
	sha256_hex(text.buf, text.len, hex);
	idx.digest = xstrfmt("sha256:%s", hex);
	idx.size = text.len;
	idx.media_type = MT_OCI_INDEX;
	idx.data = text.buf;

	ret = ping(r);
	if (!ret)
		ret = plan_tags(r, o, idx.digest, plan);
	if (!ret)
		ret = push_blobs(r, set, o);
	if (!ret)
		ret = push_manifests(r, set, o);
	if (!ret && o->dry_run)
		printf("put index %s\n", idx.digest);
	else if (!ret)
		ret = push_index(r, &idx, idx.digest);
	for (size_t i = 0; i < o->tags.nr && !ret; i++) {
		if (!plan[i].move) {
			if (o->dry_run)
				printf("keep %s (%s)\n", plan[i].tag, plan[i].why);
			else
				note("not moving tag '%s': %s", plan[i].tag, plan[i].why);
		} else if (o->dry_run) {
			printf("tag %s\n", plan[i].tag);
		} else {
			ret = push_index(r, &idx, plan[i].tag);
		}
	}
	if (!ret && !o->dry_run)
		ret = verify(r, &idx, set, plan, o->tags.nr);
	if (!ret && !o->dry_run)
		printf("%s\n", idx.digest);
	if (!ret && !o->dry_run && o->list_tags)
		print_tags(plan, o->tags.nr);
	free(idx.digest);
	free(plan);
	strbuf_release(&text);
	return ret;
}

static int delete_tags(struct reg *r, const struct strvec *tags, int dry_run)
{
	int ret = ping(r);

	for (size_t i = 0; i < tags->nr && !ret; i++) {
		if (!tag_valid(tags->v[i])) {
			reg_fail(r, EXIT_USAGE);
			return error("'%s' is not a valid tag", tags->v[i]);
		}
		ret = delete_tag(r, tags->v[i], dry_run);
	}
	return ret;
}

/* Everything about the tags that needs no registry: before any request. */
static int check_tags(const struct strvec *tags)
{
	struct semver version, t;
	const char *vtag, *why;

	if (find_version(tags, &version, &vtag) < 0)
		return -1;
	for (size_t i = 0; i < tags->nr; i++) {
		enum tag_kind k = tag_kind(tags->v[i], &t);

		if ((k == TAG_LATEST || k == TAG_MAJOR || k == TAG_MINOR) && !vtag)
			return error("tag '%s' moves with the highest version: give the version tag too (e.g. --tag v1.2.3)",
				     tags->v[i]);
		if (vtag && tag_may_move(tags->v[i], &version, NULL, 0, &why) < 0)
			return error("tag '%s' cannot point to version '%s': %s", tags->v[i], vtag, why);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "chunk-size", required_argument, NULL, 'c' },
		{ "delete", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "list-tags", no_argument, NULL, 'l' },
		{ "mount-from", required_argument, NULL, 'm' },
		{ "tag", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct push_opts o = { .jobs = 4, .mount_from = STRVEC_INIT, .tags = STRVEC_INIT };
	struct strvec deletes = STRVEC_INIT;
	struct image_set set = { 0 };
	struct reg r;
	unsigned long n;
	int c, ret = 0;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "c:d:fhj:lm:nt:vV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_ulong(optarg, &n) < 0 || (n && n < 1024))
				die_code(EXIT_USAGE, "chunk size '%s' is not a number of bytes >= 1024 (0: one request)", optarg);
			o.chunk_size = n;
			break;
		case 'd': strvec_push(&deletes, optarg); break;
		case 'f': o.force = 1; break;
		case 'h': usage(EXIT_OK);
		case 'j':
			if (parse_ulong(optarg, &n) < 0 || !n || n > 64)
				die_code(EXIT_USAGE, "jobs '%s' is not a number from 1 to 64", optarg);
			o.jobs = n;
			break;
		case 'l': o.list_tags = 1; break;
		case 'm': strvec_push(&o.mount_from, optarg); break;
		case 'n': o.dry_run = 1; break;
		case 't': strvec_push(&o.tags, optarg); break;
		case 'v': verbose++; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (deletes.nr && (argc != 1 || o.tags.nr)) || (!deletes.nr && argc < 2))
		usage(EXIT_USAGE);
	if (reg_init(&r, argv[0]) < 0 || check_tags(&o.tags) < 0)
		ret = EXIT_USAGE;
	for (size_t i = 0; i < o.mount_from.nr && !ret; i++) {
		char *scope = xstrfmt("repository:%s:pull", o.mount_from.v[i]);

		if (!imageref_path_valid(o.mount_from.v[i], strlen(o.mount_from.v[i])))
			ret = error_code(EXIT_USAGE, "'%s' is not a repository name to mount from", o.mount_from.v[i]);

		reg_add_scope(&r, scope);
		free(scope);
	}
	for (int i = 1; i < argc && !ret; i++)
		ret = load_arg(&set, argv[i]);
	if (!ret && distinct_platforms(&set) < 0)
		ret = EXIT_USAGE;
	if (!ret)
		ret = creds_lookup(r.host, &r.creds);
	if (!ret) {
		o.progress = !o.dry_run && isatty(2);
		set_report_hook(progress_clear);
		if ((deletes.nr ? delete_tags(&r, &deletes, o.dry_run) : push(&r, &set, &o)) < 0)
			ret = r.exit_code ? r.exit_code : EXIT_NO;
	}
	image_set_release(&set);
	reg_release(&r);
	strvec_clear(&o.tags);
	strvec_clear(&o.mount_from);
	strvec_clear(&deletes);
	finish_stdout();
	return ret;
}
