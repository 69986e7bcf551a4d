/*
 * release-notify: tell a chat or a service that a release happened (its
 * version and a link to every artifact) or that it failed (and at which
 * step), through a Slack, Discord or generic JSON incoming webhook.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "json.h"
#include "util.h"

#define DEFAULT_VARIABLE "RELEASE_WEBHOOK_URL"
#define DISCORD_MAX 2000	/* characters Discord takes in "content" */

enum format { FORMAT_AUTO, FORMAT_SLACK, FORMAT_DISCORD, FORMAT_JSON };

struct message {
	const char *project, *version, *step, *reason;
	char **artifacts;
	int nartifacts;
};

static noreturn void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: release-notify [-bnv] [-e variable] [-f slack|discord|json] [-p project]\n"
		"                      [-s step [-m message]] version [artifact-url ...]\n");
	exit(code);
}

static enum format parse_format(const char *s)
{
	if (!strcmp(s, "slack"))
		return FORMAT_SLACK;
	if (!strcmp(s, "discord"))
		return FORMAT_DISCORD;
	if (!strcmp(s, "json"))
		return FORMAT_JSON;
	die_code(EXIT_USAGE, "--format: '%s' is not slack, discord or json", s);
}

/* The host decides when no format is given: Slack's and Discord's webhooks have their own. */
static enum format guess_format(const char *url)
{
	const char *host = strstr(url, "://");

	host = host ? host + 3 : url;
	if (starts_with(host, "hooks.slack.com/") || starts_with(host, "hooks.slack-gov.com/"))
		return FORMAT_SLACK;
	if (starts_with(host, "discord.com/") || starts_with(host, "discordapp.com/") ||
	    starts_with(host, "ptb.discord.com/") || starts_with(host, "canary.discord.com/"))
		return FORMAT_DISCORD;
	return FORMAT_JSON;
}

/* Slack reads &, < and > as markup: escape them in everything we did not write. */
static void add_slack_text(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			strbuf_addstr(sb, "&amp;");
		else if (*s == '<')
			strbuf_addstr(sb, "&lt;");
		else if (*s == '>')
			strbuf_addstr(sb, "&gt;");
		else
			strbuf_addch(sb, *s);
	}
}

static void add_plain(struct strbuf *sb, const char *s, enum format f)
{
	if (f == FORMAT_SLACK)
		add_slack_text(sb, s);
	else
		strbuf_addstr(sb, s);
}

static void headline(struct strbuf *sb, const struct message *m, enum format f)
{
	if (m->project) {
		add_plain(sb, m->project, f);
		strbuf_addch(sb, ' ');
	}
	add_plain(sb, m->version, f);
	if (!m->step) {
		strbuf_addstr(sb, " released");
		return;
	}
	strbuf_addstr(sb, " release failed at step ");
	add_plain(sb, m->step, f);
	if (m->reason) {
		strbuf_addstr(sb, ": ");
		add_plain(sb, m->reason, f);
	}
}

/* The human text: a headline, then one artifact link a line. */
static void text_of(struct strbuf *sb, const struct message *m, enum format f)
{
	headline(sb, m, f);
	for (int i = 0; i < m->nartifacts; i++) {
		strbuf_addch(sb, '\n');
		if (f == FORMAT_SLACK) {
			strbuf_addch(sb, '<');
			add_slack_text(sb, m->artifacts[i]);
			strbuf_addch(sb, '>');
		} else if (f == FORMAT_DISCORD) {
			/* Angle brackets keep Discord from unfurling every link. */
			strbuf_addf(sb, "<%s>", m->artifacts[i]);
		} else {
			strbuf_addstr(sb, m->artifacts[i]);
		}
	}
}

/* Cut at a UTF-8 character boundary so that at most max characters remain. */
static void cut_utf8(struct strbuf *sb, size_t max)
{
	size_t chars = 0, i;

	for (i = 0; i < sb->len; i++) {
		if (((unsigned char)sb->buf[i] & 0xc0) == 0x80)
			continue;
		if (chars++ == max)
			break;
	}
	strbuf_setlen(sb, i);
}

static void payload(struct strbuf *out, const struct message *m, enum format f)
{
	struct strbuf text = STRBUF_INIT;

	text_of(&text, m, f);
	if (f == FORMAT_SLACK) {
		strbuf_addstr(out, "{\"text\":");
		json_add_string(out, text.buf);
		strbuf_addch(out, '}');
	} else if (f == FORMAT_DISCORD) {
		if (text.len > DISCORD_MAX) {
			cut_utf8(&text, DISCORD_MAX - 2);
			strbuf_addstr(&text, "\n…");
		}
		/* No @everyone or role pings, whatever a version or a step says. */
		strbuf_addstr(out, "{\"content\":");
		json_add_string(out, text.buf);
		strbuf_addstr(out, ",\"allowed_mentions\":{\"parse\":[]}}");
	} else {
		strbuf_addf(out, "{\"event\":\"%s\",\"ok\":%s,\"project\":", m->step ? "release.failed" : "release.published",
			    m->step ? "false" : "true");
		if (m->project)
			json_add_string(out, m->project);
		else
			strbuf_addstr(out, "null");
		strbuf_addstr(out, ",\"version\":");
		json_add_string(out, m->version);
		strbuf_addstr(out, ",\"artifacts\":[");
		for (int i = 0; i < m->nartifacts; i++) {
			strbuf_addstr(out, i ? "," : "");
			json_add_string(out, m->artifacts[i]);
		}
		strbuf_addstr(out, "],\"step\":");
		if (m->step)
			json_add_string(out, m->step);
		else
			strbuf_addstr(out, "null");
		strbuf_addstr(out, ",\"message\":");
		if (m->reason)
			json_add_string(out, m->reason);
		else
			strbuf_addstr(out, "null");
		strbuf_addstr(out, ",\"text\":");
		json_add_string(out, text.buf);
		strbuf_addch(out, '}');
	}
	strbuf_release(&text);
}

static int post(const char *url, const struct strbuf *body)
{
	static const char *const headers[] = { "Content-Type: application/json", NULL };
	struct http_request req = { .method = "POST", .url = url, .headers = headers,
				    .body = body->buf, .body_len = body->len };
	struct http_response resp = HTTP_RESPONSE_INIT;
	int ret;

	note("sending %zu bytes to the webhook", body->len);
	if (http_request(&req, &resp))
		ret = resp.exit_code;
	else if (resp.status >= 200 && resp.status < 300)
		ret = EXIT_OK;
	else {
		char *shown = xexcerpt(resp.body.buf, resp.body.len, 200);

		ret = error_code(http_exit_code(resp.status), "the webhook answered %ld: %s", resp.status,
				 resp.body.len ? shown : "no message");
		free(shown);
	}
	http_response_release(&resp);
	return ret;
}

/*
 * A webhook URL is a secret in every part that names it: a server echoing
 * the path in a 404, or a retry warning, must show none of it.
 */
static void register_webhook(const char *url)
{
	const char *host = strstr(url, "://"), *path;
	struct strbuf part = STRBUF_INIT;

	secret_add(url);
	host = host ? host + 3 : url;
	path = host + strcspn(host, "/?#");
	secret_add(path);
	for (const char *p = path; *p; ) {
		size_t n;
		int digits = 0;

		p += strspn(p, "/?&=#");
		n = strcspn(p, "/?&=#");
		for (size_t i = 0; i < n; i++)
			digits |= p[i] >= '0' && p[i] <= '9';
		/* Ids and tokens (some are letters only); short words such as "api" stay. */
		if (n >= 8 || (n >= 4 && digits)) {
			strbuf_reset(&part);
			strbuf_add(&part, p, n);
			secret_add(part.buf);
		}
		p += n;
	}
	strbuf_release(&part);
}

static int check_text(const char *what, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < ' ' && *p != '\n' && *p != '\t') || *p == 0x7f)
			return error_code(EXIT_USAGE, "%s holds a control character", what);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "best-effort", no_argument, NULL, 'b' },
		{ "env", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "message", required_argument, NULL, 'm' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "project", required_argument, NULL, 'p' },
		{ "step", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct message m = { 0 };
	struct strbuf body = STRBUF_INIT;
	const char *variable = DEFAULT_VARIABLE, *url;
	enum format format = FORMAT_AUTO;
	int c, ret = 0, best_effort = 0, dry_run = 0;

	setup_tool(argv[0]);
	while ((c = getopt_long(argc, argv, "be:f:hm:np:s:Vv", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': best_effort = 1; break;
		case 'e': variable = optarg; break;
		case 'f': format = parse_format(optarg); break;
		case 'h': usage(EXIT_OK);
		case 'm': m.reason = optarg; break;
		case 'n': dry_run = 1; break;
		case 'p': m.project = optarg; break;
		case 's': m.step = optarg; break;
		case 'V': print_version();
		case 'v': verbose++; break;
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || !*argv[0])
		usage(EXIT_USAGE);
	if (m.reason && !m.step)
		die_code(EXIT_USAGE, "--message describes a failure: give the --step it failed at too");
	m.version = argv[0];
	m.artifacts = argv + 1;
	m.nartifacts = argc - 1;
	for (int i = 0; !ret && i < argc; i++)
		ret = check_text(i ? "an artifact URL" : "the version", argv[i]);
	if (!ret && m.project)
		ret = check_text("the project", m.project);
	if (!ret && m.step)
		ret = check_text("the step", m.step);
	if (ret)
		return ret;

	url = getenv(variable);
	if (url && *url)
		register_webhook(url);
	if (!url || !*url)
		ret = error_code(EXIT_USAGE, "no webhook URL: set %s (it is a secret, so never an argument)", variable);
	else if (!starts_with(url, "https://") && !starts_with(url, "http://"))
		ret = error_code(EXIT_USAGE, "the webhook URL in %s is not an http(s) URL", variable);
	if (format == FORMAT_AUTO && !ret)
		format = guess_format(url);
	if (!ret || dry_run)
		payload(&body, &m, format == FORMAT_AUTO ? FORMAT_JSON : format);
	if (dry_run) {
		printf("%s\n", body.buf);
		ret = 0;
	} else if (!ret) {
		ret = post(url, &body);
	}
	strbuf_release(&body);
	if (ret && best_effort) {
		warn("the notification was not delivered (exit %d); --best-effort carries on", ret);
		ret = EXIT_OK;
	}
	finish_stdout();
	return ret;
}
