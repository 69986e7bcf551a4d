/* A NULL-terminated vector of owned strings, ready to be an argv. */
#ifndef STRVEC_H
#define STRVEC_H

#include <stddef.h>

struct strvec {
	const char **v;
	size_t nr;
	size_t alloc;
};

extern const char *strvec_empty[];
#define STRVEC_INIT { strvec_empty, 0, 0 }

void strvec_init(struct strvec *sv);
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Push each argument up to a NULL. */
void strvec_pushl(struct strvec *sv, ...);
void strvec_pop(struct strvec *sv);
void strvec_clear(struct strvec *sv);

#endif
