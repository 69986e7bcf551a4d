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

/* The output of the newest entry of State.Health.Log. */
static char *last_check_output(const struct json *j, int state)
{
	int log = json_path(j, state, "Health.Log");
	int n, tok;

	if (log < 0 || j->tok[log].type != JSMN_ARRAY || !(n = j->tok[log].size))
		return NULL;
	tok = json_at(j, log, n - 1);
	return tok < 0 ? NULL : string_at(j, tok, "Output");
}

int parse_container(const char *body, size_t len, struct container_state *st)
{
	struct json j;
	int state;

	memset(st, 0, sizeof(*st));
	if (json_parse(&j, body, len) < 0)
		return -1;
	state = json_get(&j, 0, "State");
	if (state < 0 || j.tok[state].type != JSMN_OBJECT ||
	    !(st->status = string_at(&j, state, "Status"))) {
		json_release(&j);
		return -1;
	}
	st->health = string_at(&j, state, "Health.Status");
	if (st->health && !strcmp(st->health, "none")) {
		free(st->health);
		st->health = NULL;
	}
	st->error = string_at(&j, state, "Error");
	st->last_output = last_check_output(&j, state);
	if (json_int(&j, json_get(&j, state, "ExitCode"), &st->exit_code) < 0)
		st->exit_code = -1;
	if (json_int(&j, json_get(&j, state, "Pid"), &st->pid) < 0)
		st->pid = 0;
	json_release(&j);
	return 0;
}

void container_state_release(struct container_state *st)
{
	free(st->status);
	free(st->health);
	free(st->error);
	free(st->last_output);
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
