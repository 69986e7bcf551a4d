/* Building a towncrier-managed changelog with towncrier itself. */
#ifndef TOWNCRIER_H
#define TOWNCRIER_H

#include <stddef.h>

struct strbuf;

/* Whether the changelog holds towncrier's "towncrier release notes start" marker. */
int towncrier_managed(const char *text, size_t len);

/*
 * The changelog at path (whose text is given) as towncrier would build it
 * for version and date, into out, changing nothing; the news fragments the
 * build consumes, one path a line, into fragments. 0, or an exit code with
 * the error printed (EXIT_SYSTEM when towncrier is not installed).
 */
int towncrier_stage(const char *path, const struct strbuf *text, const char *version, const char *date,
		    struct strbuf *out, struct strbuf *fragments);

/* "towncrier build --version V --date D --yes" next to the changelog: 0, or an exit code. */
int towncrier_in_place(const char *path, const char *version, const char *date);

#endif
