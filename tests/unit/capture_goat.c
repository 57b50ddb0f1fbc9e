/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture_goat - unit test of the goat files
 *	(nft-expr/capture/cap_goat.c)
 * DESCRIPTION
 *	In fresh temporary folders: baits are placed, never over a file
 *	that is there; a write and a deletion are reported through inotify
 *	with the old and new SHA-256; a write whose inotify events are lost
 *	is found by the sweep; a change while closed is found
 *	at the next open, from the state file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <glib.h>

#include "capture/cap_goat.h"
#include "../tap.h"

#define SEC 1000000000ULL

static char last[EVENT_MAX];
static int nevents;

/* on_event - keep the last line */
static void on_event(void *ctx, const struct event *ev)
{
	(void)ctx;
	(void)event_format(last, sizeof(last), ev);
	nevents++;
}

/* sha_of - hex SHA-256 of a file, "" if unreadable */
static void sha_of(const char *path, char hex[65])
{
	gchar *data = NULL, *h;
	gsize len;

	hex[0] = '\0';
	if (!g_file_get_contents(path, &data, &len, NULL))
		return;
	h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	g_strlcpy(hex, h, 65);
	g_free(h);
	g_free(data);
}

/* put - write text to path */
static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

int main(void)
{
	char top[] = "/tmp/capture_goat.XXXXXX", d1[300], d2[300], state[300];
	char p[400], want[700], old[65], now[65], cmd[400];
	char *dirs[3] = { d1, d2, NULL };
	struct cap_goat *g;
	struct stat sb;
	char err[512], *m;
	int fd;

	if (mkdtemp(top) == NULL)
		return 1;
	snprintf(d1, sizeof(d1), "%s/share1", top);
	snprintf(d2, sizeof(d2), "%s/share2", top);
	snprintf(state, sizeof(state), "%s/goats", top);
	mkdir(d1, 0755);
	mkdir(d2, 0755);
	snprintf(p, sizeof(p), "%s/passwords.txt", d2);
	put(p, "the operator's own file\n");
	g = cap_goat_open(dirs, state, 60 * SEC, SEC, on_event, NULL, err, sizeof(err));
	ok(g != NULL, "open (%s)", g ? "ok" : err);
	is_int(nevents, 0, "nothing to report at a first start");
	snprintf(p, sizeof(p), "%s/salaries 2026.csv", d1);
	ok(stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 40, "a bait is placed");
	snprintf(p, sizeof(p), "%s/passwords.txt", d2);
	sha_of(p, now);
	g_file_get_contents(p, &m, NULL, NULL);
	is_str(m, "the operator's own file\n", "a file that was there is left alone");
	g_free(m);
	put(p, "changed by its owner\n");
	cap_goat_read(g);
	is_int(nevents, 0, "and its changes are none of ours");

	snprintf(p, sizeof(p), "%s/passwords.txt", d1);
	sha_of(p, old);
	put(p, "encrypted by a worm\n");
	sha_of(p, now);
	cap_goat_read(g);
	snprintf(want, sizeof(want), "\"goat\":{\"path\":\"%s\",\"old_sha256\":\"%s\","
		 "\"new_sha256\":\"%s\",\"seen_by\":\"inotify\"}", p, old, now);
	ok(nevents >= 1 && strstr(last, want) != NULL, "a write is reported by inotify: %s", last);
	nevents = 0;
	snprintf(p, sizeof(p), "%s/vpn-backup.key", d1);
	sha_of(p, old);
	unlink(p);
	cap_goat_read(g);
	snprintf(want, sizeof(want), "\"old_sha256\":\"%s\",\"new_sha256\":\"\"", old);
	ok(nevents == 1 && strstr(last, want) != NULL, "a deletion too, new hash empty");

	/* events lost (a queue overflow, or a write inotify did not see):
	   the sweep finds the change */
	nevents = 0;
	snprintf(p, sizeof(p), "%s/salaries 2026.csv", d2);
	fd = open(p, O_RDWR);
	m = fd >= 0 ? mmap(NULL, 4, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
	if (m != MAP_FAILED) {
		memcpy(m, "XXXX", 4);
		munmap(m, 4);
	}
	if (fd >= 0)
		close(fd);
	while (read(cap_goat_fd(g), cmd, sizeof(cmd)) > 0)
		;	/* the events are lost */
	cap_goat_read(g);
	cap_goat_tick(g, 30 * SEC);
	is_int(nevents, 0, "no sweep before its interval");
	cap_goat_tick(g, 62 * SEC);
	ok(nevents == 1 && strstr(last, "\"seen_by\":\"sweep\"") && strstr(last, "share2/salaries"),
	   "the sweep finds the write whose events were lost: %s", last);
	is_uint(cap_goat_changes(g), 3, "three changes in all");
	cap_goat_close(g);

	/* changed while sluiced was down */
	nevents = 0;
	snprintf(p, sizeof(p), "%s/salaries 2026.csv", d1);
	sha_of(p, old);
	put(p, "while nobody watched\n");
	g = cap_goat_open(dirs, state, 60 * SEC, SEC, on_event, NULL, err, sizeof(err));
	ok(g != NULL && nevents == 1 && strstr(last, "\"seen_by\":\"start\"")
	   && strstr(last, old) && strstr(last, "share1/salaries"),
	   "a change while closed is reported at the next open: %s", last);
	snprintf(p, sizeof(p), "%s/vpn-backup.key", d1);
	ok(access(p, F_OK) < 0, "a deleted bait is not placed again over the record");
	cap_goat_close(g);
	dirs[0] = top;
	snprintf(d1, sizeof(d1), "%s/missing", top);
	dirs[0] = d1;
	ok(cap_goat_open(dirs, NULL, SEC, SEC, on_event, NULL, err, sizeof(err)) == NULL
	   && strstr(err, "missing") != NULL, "a missing folder is refused: %s", err);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		diag("could not remove %s", top);
	return done_testing();
}
