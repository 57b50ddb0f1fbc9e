/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_goat - goat files: bait in shared folders, watched for change
 * DESCRIPTION
 *	See cap_goat.h. The baits are a fixed, bounded array; inotify
 *	watches each folder (not the files: a rename or a delete and
 *	re-create keeps the watch), and an event for a name that is no
 *	bait is ignored. A queue overflow makes a sweep at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <glib.h>

#include "atomicfile.h"
#include "capture/cap_goat.h"

#define GOAT_PATH 1024
#define GOAT_HEX 65
#define GOAT_STATE_MAX (CAP_GOAT_DIRS * CAP_GOAT_BAITS * (GOAT_PATH + GOAT_HEX + 2))
#define GOAT_WATCH (IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_DELETE \
		    | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE)

/* the baits: names a worm looking for loot opens first */
static const char *const bait_names[CAP_GOAT_BAITS] = {
	"passwords.txt", "salaries 2026.csv", "vpn-backup.key",
};

struct bait {
	char path[GOAT_PATH];
	size_t idx;		/* in bait_names */
	int wd;			/* of its folder */
	char sha[GOAT_HEX];	/* "" when it is gone */
};

struct cap_goat {
	struct bait bait[CAP_GOAT_DIRS * CAP_GOAT_BAITS];
	size_t n;
	int fd;
	char *state;		/* NULL: none kept */
	uint64_t sweep_ns, next;
	uint64_t changes;
	cap_goat_event_fn *fn;
	void *ctx;
};

/* hash_file - hex SHA-256 of path's contents; "" if it cannot be read */
static void hash_file(const char *path, char hex[GOAT_HEX])
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	unsigned char buf[65536];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	hex[0] = '\0';
	if (fd >= 0) {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			g_checksum_update(c, buf, (gssize)n);
		if (n == 0)
			g_strlcpy(hex, g_checksum_get_string(c), GOAT_HEX);
		close(fd);
	}
	g_checksum_free(c);
}

/* bait_text - plausible contents for bait i, with a random token so
   no two sites' baits are alike */
static int bait_text(size_t i, char *buf, size_t len)
{
	unsigned char r[12];
	char tok[25];
	size_t k;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	for (k = 0; k < sizeof(r); k++)
		snprintf(tok + 2 * k, 3, "%02x", r[k]);
	switch (i) {
	case 0:
		return snprintf(buf, len, "# shared accounts, do not circulate\n"
				"admin\t%.10s\nbackup\t%.12s!\nscanner\t%.8s\n",
				tok, tok + 6, tok + 16);
	case 1:
		return snprintf(buf, len, "name,department,salary,iban\n"
				"J. Miller,Finance,84200,DE89370400440%.9s\n"
				"A. Novak,IT,91750,DE12500105170%.9s\n", tok, tok + 9);
	default:
		return snprintf(buf, len, "-----BEGIN OPENSSH PRIVATE KEY-----\n"
				"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB%s\n"
				"-----END OPENSSH PRIVATE KEY-----\n", tok);
	}
}

/* state_text - the state file's text (g_free), NULL if none or too big */
static gchar *state_text(const struct cap_goat *g)
{
	struct stat sb;
	gchar *text = NULL;

	if (g->state == NULL || stat(g->state, &sb) < 0
	    || sb.st_size > GOAT_STATE_MAX
	    || !g_file_get_contents(g->state, &text, NULL, NULL))
		return NULL;
	return text;
}

/* state_hash - the hash text records for path: 1 and hex ("" for a
   file that was gone), or 0 if path is not recorded */
static int state_hash(const char *text, const char *path, char hex[GOAT_HEX])
{
	const char *line = text, *sp, *end;
	size_t l = strlen(path);

	for (; line != NULL && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		sp = strchr(line, ' ');
		if (sp == NULL || (end && sp > end) || sp - line >= GOAT_HEX)
			continue;
		if ((size_t)((end ? end : line + strlen(line)) - sp - 1) == l
		    && memcmp(sp + 1, path, l) == 0) {
			if (sp - line == 1 && line[0] == '-')
				hex[0] = '\0';
			else
				g_strlcpy(hex, line, (size_t)(sp - line) + 1);
			return 1;
		}
	}
	return 0;
}

/* state_write - atomicfile_write callback */
static int state_write(FILE *fp, void *ctx)
{
	const struct cap_goat *g = ctx;
	size_t i;

	for (i = 0; i < g->n; i++)
		if (fprintf(fp, "%s %s\n", g->bait[i].sha[0] ? g->bait[i].sha : "-",
			    g->bait[i].path) < 0)
			return -1;
	return 0;
}

/* state_save - the hashes now; a failure only costs the next start
   its comparison */
static void state_save(struct cap_goat *g)
{
	if (g->state != NULL)
		(void)atomicfile_write(g->state, 0600, state_write, g);
}

/* bait_place - make bait i of its folder unless a file is there; 1 if
   the path is a bait of ours (made now, or recorded before), else 0 */
static int bait_place(struct bait *b, size_t i, int recorded)
{
	char text[512];
	int fd, n;

	if (recorded)
		return 1;
	if ((n = bait_text(i, text, sizeof(text))) < 0)
		return 0;
	fd = open(b->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return 0;	/* there already, someone else's: left alone */
	if (write(fd, text, (size_t)n) != n) {
		close(fd);
		(void)unlink(b->path);
		return 0;
	}
	close(fd);
	hash_file(b->path, b->sha);
	return 1;
}

/* report - one change of b: event, new hash kept */
static void report(struct cap_goat *g, struct bait *b, const char *now_sha,
		   const char *why)
{
	struct event_field f[] = {
		EF_S("path", b->path), EF_S("old_sha256", b->sha),
		EF_S("new_sha256", now_sha), EF_S("seen_by", why),
	};
	struct event ev = { .type = "goat", .fields = f, .nfields = 4 };

	g->changes++;
	g->fn(g->ctx, &ev);
	g_strlcpy(b->sha, now_sha, GOAT_HEX);
}

/* check - has b changed since its last hash; 1 if it has */
static int check(struct cap_goat *g, struct bait *b, const char *why)
{
	char sha[GOAT_HEX];

	hash_file(b->path, sha);
	if (strcmp(sha, b->sha) == 0)
		return 0;
	report(g, b, sha, why);
	return 1;
}

/* sweep - every bait hashed; the state saved if one changed */
static void sweep(struct cap_goat *g, const char *why)
{
	size_t i;
	int changed = 0;

	for (i = 0; i < g->n; i++)
		changed |= check(g, &g->bait[i], why);
	if (changed)
		state_save(g);
}

/* goat_dir - the baits of one folder; -1 with err */
static int goat_dir(struct cap_goat *g, const char *dir, char *err,
		    size_t errlen)
{
	struct stat sb;
	int wd;
	size_t i;

	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "[capture] goat_dirs: %s: %s", dir,
			 errno ? strerror(errno) : "not a directory");
		return -1;
	}
	if ((wd = inotify_add_watch(g->fd, dir, GOAT_WATCH)) < 0) {
		snprintf(err, errlen, "[capture] goat_dirs: watching %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	for (i = 0; i < CAP_GOAT_BAITS; i++) {
		struct bait *b = &g->bait[g->n];

		if ((size_t)snprintf(b->path, sizeof(b->path), "%s/%s", dir,
				     bait_names[i]) >= sizeof(b->path)) {
			snprintf(err, errlen, "[capture] goat_dirs: %s: too long", dir);
			return -1;
		}
		b->idx = i;
		b->wd = wd;
		b->sha[0] = '\0';
		g->n++;
	}
	return 0;
}

/* place_all - a bait recorded in the state file keeps its recorded
   hash (the start sweep compares with it); one not recorded is made,
   unless a file is there (someone's: that bait is dropped) */
static void place_all(struct cap_goat *g, const char *text)
{
	size_t i, keep = 0;

	for (i = 0; i < g->n; i++) {
		struct bait b = g->bait[i];
		int rec = text != NULL && state_hash(text, b.path, b.sha);

		if (bait_place(&b, b.idx, rec))
			g->bait[keep++] = b;
	}
	g->n = keep;
}

/* cap_goat_open - bait, state, the start sweep */
struct cap_goat *cap_goat_open(char *const *dirs, const char *state_file,
			       uint64_t sweep_ns, uint64_t now_ns,
			       cap_goat_event_fn *fn, void *ctx, char *err,
			       size_t errlen)
{
	struct cap_goat *g = calloc(1, sizeof(*g));
	gchar *text;
	size_t i;

	if (g == NULL || (state_file && (g->state = strdup(state_file)) == NULL)) {
		free(g);
		snprintf(err, errlen, "goat files: out of memory");
		return NULL;
	}
	g->fn = fn, g->ctx = ctx, g->sweep_ns = sweep_ns;
	g->next = now_ns + sweep_ns;
	if ((g->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		snprintf(err, errlen, "goat files: inotify: %s", strerror(errno));
		cap_goat_close(g);
		return NULL;
	}
	for (i = 0; dirs[i] != NULL; i++)
		if (i == CAP_GOAT_DIRS || goat_dir(g, dirs[i], err, errlen) < 0) {
			if (i == CAP_GOAT_DIRS)
				snprintf(err, errlen, "[capture] goat_dirs: more "
					 "than %d folders", CAP_GOAT_DIRS);
			cap_goat_close(g);
			return NULL;
		}
	text = state_text(g);
	place_all(g, text);
	g_free(text);
	sweep(g, "start");
	state_save(g);
	return g;
}

/* cap_goat_close - accepts NULL */
void cap_goat_close(struct cap_goat *g)
{
	if (g == NULL)
		return;
	if (g->fd >= 0)
		close(g->fd);
	free(g->state);
	free(g);
}

/* cap_goat_fd - for epoll */
int cap_goat_fd(const struct cap_goat *g)
{
	return g->fd;
}

/* on_inotify - one event: the bait it names, if any */
static int on_inotify(struct cap_goat *g, const struct inotify_event *ie)
{
	size_t i;
	int changed = 0;

	for (i = 0; i < g->n; i++)
		if (g->bait[i].wd == ie->wd && ie->len > 0
		    && strcmp(bait_names[g->bait[i].idx], ie->name) == 0)
			changed |= check(g, &g->bait[i], "inotify");
	return changed;
}

/* cap_goat_read - the inotify events waiting */
void cap_goat_read(struct cap_goat *g)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ie;
	ssize_t n;
	size_t off;
	int changed = 0, overflow = 0;

	while ((n = read(g->fd, buf, sizeof(buf))) > 0)
		for (off = 0; off + sizeof(*ie) <= (size_t)n;
		     off += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)(const void *)(buf + off);
			if (ie->mask & IN_Q_OVERFLOW)
				overflow = 1;
			else
				changed |= on_inotify(g, ie);
		}
	if (overflow)
		sweep(g, "sweep");
	else if (changed)
		state_save(g);
}

/* cap_goat_tick - the sweep, when due */
void cap_goat_tick(struct cap_goat *g, uint64_t now_ns)
{
	if (now_ns < g->next)
		return;
	g->next = now_ns + g->sweep_ns;
	sweep(g, "sweep");
}

/* cap_goat_changes - changes reported since open */
uint64_t cap_goat_changes(const struct cap_goat *g)
{
	return g->changes;
}
