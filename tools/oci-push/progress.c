/*
 * Progress on a terminal: one bar per blob being uploaded and one for the
 * total, redrawn in place at most ten times a second on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "oci.h"

#define BAR 30

static struct blob **blobs;
static size_t nr_blobs;
static int lines_drawn;
static long long last_draw;
static int active;

void progress_start(struct blob **b, size_t nr)
{
	blobs = b;
	nr_blobs = nr;
	lines_drawn = 0;
	last_draw = 0;
	active = 1;
}

static void bar(char *out, long long done, long long total)
{
	int fill = total > 0 ? (int)(done * BAR / total) : BAR;

	for (int i = 0; i < BAR; i++)
		out[i] = i < fill ? '#' : '.';
	out[BAR] = '\0';
}

/* Erase what was drawn; the caller holds the lock. */
static void erase(void)
{
	if (lines_drawn)
		fprintf(stderr, "\033[%dA\033[J", lines_drawn);
	lines_drawn = 0;
}

static void draw(int final)
{
	long long total = 0, done = 0;
	char b[BAR + 1];

	erase();
	for (size_t i = 0; i < nr_blobs; i++) {
		long long sent = __atomic_load_n(&blobs[i]->sent, __ATOMIC_RELAXED);
		int st = blobs[i]->state;

		total += blobs[i]->size;
		if (st == BLOB_EXISTS || st == BLOB_MOUNTED || st == BLOB_UPLOADED)
			sent = blobs[i]->size;
		done += sent;
		if (final || st != BLOB_TODO || !sent)
			continue;
		bar(b, sent, blobs[i]->size);
		fprintf(stderr, "%.19s [%s] %3d%% of %.1f MiB\n", blobs[i]->digest, b,
			(int)(sent * 100 / (blobs[i]->size ? blobs[i]->size : 1)), blobs[i]->size / 1048576.0);
		lines_drawn++;
	}
	bar(b, done, total);
	fprintf(stderr, "total               [%s] %3d%% of %.1f MiB\n", b,
		(int)(done * 100 / (total ? total : 1)), total / 1048576.0);
	lines_drawn++;
	fflush(stderr);
}

void progress_tick(void)
{
	long long now;

	if (!active)
		return;
	now = now_ms();
	if (now - __atomic_load_n(&last_draw, __ATOMIC_RELAXED) < 100)
		return;
	if (!report_trylock())
		return;		/* another thread is drawing */
	last_draw = now;
	draw(0);
	report_unlock();
}

void progress_clear(void)
{
	if (active)
		erase();
}

void progress_stop(void)
{
	if (!active)
		return;
	report_lock();
	draw(1);
	lines_drawn = 0;
	active = 0;
	report_unlock();
}
