/* The exit statuses of every shipsync tool: one table, documented in each man page. */
#ifndef EXITCODE_H
#define EXITCODE_H

enum exitcode {
	EXIT_OK        = 0, /* success, or the condition asked about is true */
	EXIT_NO        = 1, /* the condition is false, or the operation failed */
	EXIT_USAGE     = 2, /* bad command line */
	EXIT_DATA      = 3, /* bad input: malformed file, invalid version, mismatch */
	EXIT_TEMPFAIL  = 4, /* worth retrying later: network fault, 5xx, deadline passed */
	EXIT_AUTH      = 5, /* authentication or permission refused */
	EXIT_CONFLICT  = 6, /* already exists, or exists with different content */
	EXIT_PENDING   = 7, /* not finished yet (a CI run still in progress) */
	EXIT_NOTFOUND  = 8, /* the thing asked about does not exist */
	EXIT_SYSTEM    = 9, /* local system error: I/O, memory, a helper that cannot start */
};

#endif
