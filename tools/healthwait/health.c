/* healthwait's core: pacing, durations, excerpts, the JSON check, container state. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "json.h"
#include "util.h"

long next_interval(long elapsed_ms, long min_ms, long max_ms)
{
	/* Proportional pacing: waiting adds at most ~1% to the time the service took. */
	long wait = elapsed_ms / 100;

	if (wait < min_ms)
		wait = min_ms;
	if (wait > max_ms)
		wait = max_ms;
	return wait;
}

int parse_duration(const char *s, long *ms)
{
	unsigned long whole = 0, frac = 0, scale = 1, unit = 1000;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 86400000UL)
			return -1;
	}
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return -1;
		for (; isdigit((unsigned char)*p); p++)
			if (scale < 1000000UL) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
	}
	if (!strcmp(p, "ms"))
		unit = 1;
	else if (!strcmp(p, "m"))
		unit = 60000;
	else if (*p && strcmp(p, "s"))
		return -1;
	if (whole * unit > 86400000UL)
		return -1;
	*ms = (long)(whole * unit + frac * unit / scale);
	return 0;
}

void add_excerpt(struct strbuf *out, const char *data, size_t len, size_t max)
{
	size_t start = out->len;
	int space = 1;	/* drops leading space */

	for (size_t i = 0; i < len; i++) {
		unsigned char c = data[i];

		if (out->len - start >= max) {
			strbuf_addstr(out, "...");
			return;
		}
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			if (!space)
				strbuf_addch(out, ' ');
			space = 1;
			continue;
		}
		strbuf_addch(out, c < 0x20 || c >= 0x7f ? '.' : c);
		space = 0;
	}
	if (out->len > start && out->buf[out->len - 1] == ' ')
		strbuf_setlen(out, out->len - 1);
}

enum field_verdict check_field(const char *body, size_t len, const char *field,
			       const char *expect, struct strbuf *got)
{
	struct json j;
	enum field_verdict v;
	const char *raw;
	size_t n;
	int tok;

	if (json_parse(&j, body, len) < 0)
		return FIELD_NOT_JSON;
	tok = json_path(&j, 0, field);
	if (tok < 0) {
		v = FIELD_MISSING;
	} else if (json_is_string(&j, tok)) {
		char *s = json_string(&j, tok);

		v = s && !strcmp(s, expect) ? FIELD_MATCH : FIELD_MISMATCH;
		if (v == FIELD_MISMATCH) {
			strbuf_addch(got, '"');
			if (s)
				add_excerpt(got, s, strlen(s), EXCERPT_MAX / 2);
			strbuf_addch(got, '"');
		}
		free(s);
	} else {
		raw = json_raw(&j, tok, &n);
		v = n == strlen(expect) && !memcmp(raw, expect, n) ? FIELD_MATCH : FIELD_MISMATCH;
		if (v == FIELD_MISMATCH)
			add_excerpt(got, raw, n, EXCERPT_MAX / 2);
	}
	json_release(&j);
	return v;
}

static char *string_at(const struct json *j, int obj, const char *path)
{
	int tok = json_path(j, obj, path);
	char *s;

	if (!json_is_string(j, tok))
		return NULL;
	s = json_string(j, tok);
	if (s && !*s) {
		free(s);
		s = NULL;
	}
	return s;
}

/* The newest entry of State.Health.Log, or -1. */
static int last_check(const struct json *j, int health)
{
	int log = json_get(j, health, "Log");
	int n;

	if (log < 0 || j->tok[log].type != JSMN_ARRAY || !(n = j->tok[log].size))
		return -1;
	return json_at(j, log, n - 1);
}

/* Config.Healthcheck.Interval in ms: Docker's default of 30 s when unset, 0 without a check. */
static long long check_interval(const struct json *j, int root)
{
	int hc = json_path(j, root, "Config.Healthcheck");
	int test = json_get(j, hc, "Test");
	long long ns;

	if (hc < 0 || test < 0 || json_streq(j, json_at(j, test, 0), "NONE"))
		return 0;
	if (json_int(j, json_get(j, hc, "Interval"), &ns) < 0 || ns <= 0)
		return 30000;
	return ns / 1000000 > 0 ? ns / 1000000 : 1;
}

int parse_container(const char *body, size_t len, struct container_state *st)
{
	struct json j;
	int root = 0, state, health, check;

	memset(st, 0, sizeof(*st));
	if (json_parse(&j, body, len) < 0)
		return -1;
	if (j.tok[0].type == JSMN_ARRAY)
		root = j.tok[0].size == 1 ? json_at(&j, 0, 0) : -1;
	state = json_get(&j, root, "State");
	if (state < 0 || j.tok[state].type != JSMN_OBJECT ||
	    !(st->status = string_at(&j, state, "Status"))) {
		json_release(&j);
		return -1;
	}
	health = json_get(&j, state, "Health");
	if (health < 0)
		health = json_get(&j, state, "Healthcheck");
	st->health = string_at(&j, health, "Status");
	if (st->health && !strcmp(st->health, "none")) {
		free(st->health);
		st->health = NULL;
	}
	st->error = string_at(&j, state, "Error");
	check = last_check(&j, health);
	st->last_output = check < 0 ? NULL : string_at(&j, check, "Output");
	st->last_start = check < 0 ? NULL : string_at(&j, check, "Start");
	if (json_int(&j, json_get(&j, state, "ExitCode"), &st->exit_code) < 0)
		st->exit_code = -1;
	if (json_int(&j, json_get(&j, state, "Pid"), &st->pid) < 0)
		st->pid = 0;
	st->check_ms = check_interval(&j, root);
	if (!st->health && st->check_ms)
		st->health = xstrdup("starting");	/* checked, but no check reported yet */
	json_release(&j);
	return 0;
}

void container_state_release(struct container_state *st)
{
	free(st->status);
	free(st->health);
	free(st->error);
	free(st->last_output);
	free(st->last_start);
	memset(st, 0, sizeof(*st));
}

int valid_container_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 255 || !isalnum((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return 0;
	return 1;
}

int docker_endpoint(const char *docker_host, char **socket, char **base)
{
	*socket = NULL;
	*base = NULL;
	if (!docker_host || !*docker_host)
		docker_host = "unix:///var/run/docker.sock";
	if (starts_with(docker_host, "unix://") && docker_host[7]) {
		*socket = xstrdup(docker_host + 7);
		*base = xstrdup("http://localhost");
		return 0;
	}
	if (starts_with(docker_host, "tcp://") && docker_host[6]) {
		size_t n = strlen(docker_host);

		*base = xstrfmt("http://%.*s", (int)(n - 6 - (docker_host[n - 1] == '/')), docker_host + 6);
		return 0;
	}
	return -1;
}
