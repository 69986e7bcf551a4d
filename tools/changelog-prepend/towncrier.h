/* Building a towncrier-managed changelog with towncrier itself. */
#ifndef TOWNCRIER_H
#define TOWNCRIER_H

#include <stddef.h>

struct strbuf;

/* Whether the changelog holds towncrier's "towncrier release notes start" marker. */
int towncrier_managed(const char *text, size_t len);

/*
 * The version of the newest release towncrier wrote: the first title after
 * the marker (a reStructuredText title over its underline, or a Markdown
 * heading) that names one, a 'v' before it left out. Sets *off and *vlen
 * within text: 0, or -1 when there is none.
 */
int towncrier_latest(const char *text, size_t len, size_t *off, size_t *vlen);

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
