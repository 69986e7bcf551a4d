/*
 * pypi-upload: publish sdists and wheels to a PyPI-compatible index through
 * the legacy upload API, exactly once: files the index already holds with
 * the same sha256 are not sent again, a name already used for other bytes
 * is an error, and the index is read back until every file is there.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dist.h"
#include "http.h"
#include "index.h"
#include "target.h"
#include "util.h"

static int dry_run, no_verify;
static unsigned long wait_seconds = 120;
static int list_state;		/* "sent URL" or "held URL" instead of the URL alone */

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: pypi-upload [-lnv] [-C ca-file] [-c file] [-i index-url] [-r repository]\n"
		"                   [-U repository-url] [-R version] [-w seconds] [--no-verify] file ...\n"
		"       pypi-upload -V | --version\n");
	exit(code);
}

/* Every file must load and they must all be one release. */
static int load_all(struct dist *d, int n, char **paths, const char *release)
{
	struct strbuf first = STRBUF_INIT, name = STRBUF_INIT;
	int ret = 0;

	for (int i = 0; i < n; i++) {
		if (dist_load(&d[i], paths[i])) {
			ret = EXIT_DATA;
			continue;
		}
		for (int k = 0; k < i; k++)
			if (d[k].filename && !strcmp(d[k].filename, d[i].filename))
				ret = error_code(EXIT_DATA, "'%s' is named twice", d[i].filename);
		strbuf_reset(&name);
		normalize_name(&name, d[i].name);
		if (!first.len)
			strbuf_addbuf(&first, &name);
		if (strcmp(first.buf, name.buf))
			ret = error_code(EXIT_DATA, "'%s' is project '%s' but the other files are '%s': upload one project at a time",
				    d[i].filename, d[i].name, first.buf);
		if (release && !same_version(release, d[i].version))
			ret = error_code(EXIT_DATA, "'%s' is version '%s' but the release is '%s'", d[i].filename,
				    d[i].version, release);
		else if (i > 0 && d[0].version && !same_version(d[0].version, d[i].version))
			ret = error_code(EXIT_DATA, "'%s' is version '%s' but '%s' is '%s': upload one version at a time",
				    d[i].filename, d[i].version, d[0].filename, d[0].version);
	}
	strbuf_release(&first);
	strbuf_release(&name);
	return ret;
}

/* One form field as a line: newlines and control characters escaped. */
static void print_field(const char *name, const char *value)
{
	printf("%s=", name);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", stdout);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('\n');
}

static void print_dry_run(const struct target *t, const struct dist *d, int n)
{
	for (int i = 0; i < n; i++) {
		struct form f;

		dist_form(&d[i], &f);
		printf("%sPOST %s\n", i ? "\n" : "", t->upload_url);
		for (size_t k = 0; k < f.nr; k++)
			print_field(f.fields[k].name, f.fields[k].value);
		printf("content=@%s\n", d[i].path);
		form_release(&f);
	}
	note("dry run: would upload %d file%s as '%s' (credentials from %s), then read back '%s'",
	     n, n == 1 ? "" : "s", t->username ? t->username : "a minted token", t->source, t->simple_url);
}

/* Whether listed file f is d's bytes: 0, EXIT_CONFLICT (printed), or another failure. */
static int check_listed(const struct remote_file *f, const struct dist *d)
{
	char hex[SHA256_HEX_LEN + 1];
	int same, ret = remote_same_bytes(f, d, &same, hex);

	if (!ret && !same)
		ret = error_code(EXIT_CONFLICT, "'%s' is already on the index with %s%s, not %s: a file name can "
				 "be used only once; release a new version", d->filename, *hex ? "sha256 " : "",
				 *hex ? hex : "more bytes than this file's", d->sha256);
	if (!ret && f->yanked)
		warn("'%s' is on the index but yanked%s%s: pip passes it over", d->filename,
		     *f->yanked ? ": " : "", f->yanked);
	return ret;
}

/*
 * Which files the index lacks (send), and holds already (held); a file it
 * holds with other bytes stops everything.
 */
static int plan(const struct target *t, const struct dist *d, int n, int *send, int *held)
{
	struct remote_files r;
	int ret = index_lookup(t, d[0].name, d[0].version, &r);

	for (int i = 0; !ret && i < n; i++) {
		const struct remote_file *f = remote_find_dist(&r, &d[i]);

		send[i] = !f;
		if (f && !(ret = check_listed(f, &d[i]))) {
			note("'%s' is already on the index with the same sha256: not sending it", d[i].filename);
			held[i] = 1;
		}
	}
	remote_files_release(&r);
	return ret;
}

/*
 * Read the index back until every file is there with its sha256, or the
 * deadline passes. A file listed without one is downloaded and hashed,
 * once, unless it was found identical already (checked). sent says which
 * files this run put there, for --list-state.
 */
static int verify(const struct target *t, const struct dist *d, int n, int *checked, const int *sent)
{
	long long deadline = now_ms() + (long long)wait_seconds * 1000;
	long delay = 250;
	int ret;

	for (;;) {
		struct remote_files r;
		int missing = 0;

		ret = index_lookup(t, d[0].name, d[0].version, &r);
		for (int i = 0; !ret && i < n; i++) {
			const struct remote_file *f = remote_find_dist(&r, &d[i]);

			if (!f)
				missing++;
			else if (!checked[i] && !(ret = check_listed(f, &d[i])))
				checked[i] = 1;
		}
		for (int i = 0; !ret && !missing && i < n; i++) {
			const struct remote_file *f = remote_find_dist(&r, &d[i]);

			if (list_state)
				fputs(sent[i] ? "sent " : "held ", stdout);
			puts(f->url ? f->url : d[i].filename);
		}
		remote_files_release(&r);
		if (ret || !missing)
			break;
		if (now_ms() + delay > deadline) {
			ret = error_code(EXIT_TEMPFAIL, "%d file%s still missing from '%s' after %lu s: the index may "
					 "be slow to update; run again to check", missing,
					 missing == 1 ? " is" : "s are", t->simple_url, wait_seconds);
			break;
		}
		note("%d file%s not visible yet, checking again in %.1f s", missing, missing == 1 ? "" : "s",
		     delay / 1000.0);
		sleep_ms(delay);
		delay = delay * 2 > 8000 ? 8000 : delay * 2;
	}
	return ret;
}

/* Send what the index lacks; a name it says it has is checked now, or by the read-back. */
static int send_files(const struct target *t, const struct dist *d, int n, const int *send, int *held)
{
	int ret = 0, unconfirmed = 0;

	for (int i = 0; i < n && !ret; i++) {
		enum upload_result result = UPLOAD_SENT;
		struct form f;

		if (!send[i])
			continue;
		dist_form(&d[i], &f);
		ret = index_upload(t, &d[i], &f, &result);
		form_release(&f);
		unconfirmed += !ret && result == UPLOAD_UNCONFIRMED;
		held[i] = !ret && result == UPLOAD_HELD;
	}
	if (!ret && unconfirmed && no_verify)
		ret = error_code(EXIT_TEMPFAIL, "the index says %d of the files exist%s but does not list them: "
				 "whether they hold these bytes is unknown; run again without --no-verify to check",
				 unconfirmed, unconfirmed == 1 ? "s" : "");
	return ret;
}

static int upload(struct target *t, struct dist *d, int n)
{
	int *send = xcalloc(n, sizeof(*send)), *held = xcalloc(n, sizeof(*held)), ret;

	if (t->trusted_publishing && (ret = index_mint_token(t)))
		goto out;
	if ((ret = plan(t, d, n, send, held)))
		goto out;
	ret = send_files(t, d, n, send, held);
	for (int i = 0; i < n; i++)
		send[i] = send[i] && !held[i];
	if (!ret && !no_verify)
		ret = verify(t, d, n, held, send);
out:
	free(send);
	free(held);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ca-cert", required_argument, NULL, 'C' },
		{ "cacert", required_argument, NULL, 'C' },
		{ "config-file", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "index-url", required_argument, NULL, 'i' },
		{ "list-state", no_argument, NULL, 'l' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-verify", no_argument, NULL, 'N' },
		{ "repository", required_argument, NULL, 'r' },
		{ "repository-url", required_argument, NULL, 'U' },
		{ "release-version", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct target_options o = { 0 };
	struct target t;
	struct dist *d;
	const char *release = NULL, *ca_file = NULL;
	int c, ret;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "C:c:hi:lnR:r:U:Vvw:", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': ca_file = optarg; break;
		case 'c': o.config_file = optarg; break;
		case 'h': usage(EXIT_OK);
		case 'i': o.index_url = optarg; break;
		case 'l': list_state = 1; break;
		case 'n': dry_run = 1; break;
		case 'N': no_verify = 1; break;
		case 'r': o.repository = optarg; break;
		case 'U': o.repository_url = optarg; break;
		case 'R': release = optarg; break;
		case 'V': print_version();
		case 'v': verbose++; break;
		case 'w':
			if (parse_ulong(optarg, &wait_seconds) || wait_seconds > 86400)
				die_code(EXIT_USAGE, "--wait: '%s' is not a number of seconds (0-86400)", optarg);
			break;
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(EXIT_USAGE);
	if (release && !same_version(release, release))
		die_code(EXIT_DATA, "the release version '%s' is not a PEP 440 version", release);
	if (ca_file && access(ca_file, R_OK))
		die_code(EXIT_USAGE, "--ca-cert: cannot read '%s': %s", ca_file, strerror(errno));
	if (ca_file)
		http_client_ca_file(http_default_client(), ca_file);

	d = xcalloc(argc, sizeof(*d));
	ret = load_all(d, argc, argv, release);
	if (!ret)
		ret = target_resolve(&t, &o);
	else
		memset(&t, 0, sizeof(t));
	if (!ret && dry_run)
		print_dry_run(&t, d, argc);
	else if (!ret)
		ret = upload(&t, d, argc);
	for (int i = 0; i < argc; i++)
		dist_release(&d[i]);
	free(d);
	target_release(&t);
	finish_stdout();
	return ret;
}
