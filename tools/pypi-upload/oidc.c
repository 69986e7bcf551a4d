/*
 * Trusted publishing: the index's audience, the CI provider's OIDC token
 * for it, and the short-lived API token the index mints in exchange.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "http.h"
#include "index.h"
#include "json.h"
#include "util.h"

/* Step one: the audience the index wants in the OIDC token. */
static int oidc_audience(const struct target *t, char **audience)
{
	char *url = xstrfmt("%s/_/oidc/audience", t->index_url);
	struct http_request req = { .url = url };
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct json j;
	int ret = 0;

	*audience = NULL;
	if (http_request(&req, &resp)) {
		ret = resp.exit_code;
	} else if (resp.status != 200 || json_parse(&j, resp.body.buf, resp.body.len)) {
		ret = EXIT_AUTH;
		error("'%s' answered HTTP %ld: this index does not offer trusted publishing; "
		      "set PYPI_TOKEN instead", url, resp.status);
	} else {
		if (!(*audience = json_string(&j, json_get(&j, 0, "audience"))))
			ret = error_code(EXIT_AUTH, "'%s' did not name an audience", url);
		json_release(&j);
	}
	http_response_release(&resp);
	free(url);
	return ret;
}

/* Step two: the CI provider's signed statement of who is running. */
static int oidc_id_token(const char *audience, char **token)
{
	const char *request_url = getenv("ACTIONS_ID_TOKEN_REQUEST_URL");
	char *auth = xstrfmt("Bearer %s", getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
	struct strbuf url = STRBUF_INIT;
	struct http_request req = { 0 };
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct json j;
	int ret = 0;

	*token = NULL;
	if (http_client_auth(http_default_client(), request_url, auth)) {
		free(auth);
		return EXIT_USAGE;
	}
	strbuf_addf(&url, "%s%saudience=", request_url, strchr(request_url, '?') ? "&" : "?");
	encode_percent(&url, audience);
	req.url = url.buf;
	if (http_request(&req, &resp)) {
		ret = resp.exit_code;
	} else if (resp.status != 200 || json_parse(&j, resp.body.buf, resp.body.len)) {
		ret = EXIT_AUTH;
		error("the CI provider refused an OIDC token (HTTP %ld): does the job have "
		      "'permissions: id-token: write'?", resp.status);
	} else {
		if (!(*token = json_string(&j, json_get(&j, 0, "value"))))
			ret = error_code(EXIT_AUTH, "the CI provider's OIDC answer has no token");
		else
			secret_add(*token);
		json_release(&j);
	}
	http_response_release(&resp);
	strbuf_release(&url);
	free(auth);
	return ret;
}

/* Step three: the index trades the OIDC token for a short-lived API token. */
static int oidc_mint(struct target *t, const char *id_token)
{
	char *url = xstrfmt("%s/_/oidc/mint-token", t->index_url);
	const char *headers[] = { "Content-Type: application/json", NULL };
	struct strbuf body = STRBUF_INIT, msg = STRBUF_INIT;
	struct http_request req = { .url = url, .headers = headers };
	struct http_response resp = HTTP_RESPONSE_INIT;
	struct json j;
	int ret = 0, ok;

	strbuf_addstr(&body, "{\"token\": ");
	json_add_string(&body, id_token);
	strbuf_addch(&body, '}');
	req.body = body.buf;
	req.body_len = body.len;
	if (http_request(&req, &resp)) {
		ret = resp.exit_code;
		goto out;
	}
	ok = !json_parse(&j, resp.body.buf, resp.body.len);
	if (ok && resp.status == 200 && (t->password = json_string(&j, json_get(&j, 0, "token")))) {
		secret_add(t->password);
		t->username = xstrdup("__token__");
		if (http_client_basic(http_default_client(), t->upload_url, t->username, t->password))
			ret = EXIT_USAGE;
	} else {
		char *why = ok ? json_string(&j, json_path(&j, 0, "errors.0.description")) : NULL;

		if (!why && ok)
			why = json_string(&j, json_get(&j, 0, "message"));
		response_message(&msg, why ? why : resp.body.buf, why ? strlen(why) : resp.body.len);
		ret = EXIT_AUTH;
		error("'%s' refused to mint a token (HTTP %ld): %s; is this repository and workflow "
		      "registered as a trusted publisher of the project?", url, resp.status,
		      msg.len ? msg.buf : "no reason given");
		free(why);
	}
	if (ok)
		json_release(&j);
out:
	http_response_release(&resp);
	strbuf_release(&body);
	strbuf_release(&msg);
	free(url);
	return ret;
}

int index_mint_token(struct target *t)
{
	char *audience, *id_token = NULL;
	int ret = oidc_audience(t, &audience);

	if (!ret)
		ret = oidc_id_token(audience, &id_token);
	if (!ret)
		ret = oidc_mint(t, id_token);
	free(audience);
	free(id_token);
	if (!ret) {
		/* Let the CI log mask the token wherever it might show. */
		printf("::add-mask::%s\n", t->password);
		fflush(stdout);
	}
	return ret;
}
