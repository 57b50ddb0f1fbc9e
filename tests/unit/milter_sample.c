/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	milter_sample - unit test of msample, honeytoken samples
 * DESCRIPTION
 *	Bounded collection, SHA-256 naming (checked against a known
 *	digest), one file per distinct content, no temporary files left.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../milter/msample.h"
#include "../tap.h"

/* count - entries in dir other than . and .. */
static int count(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.' || strncmp(e->d_name, ".tmp", 4) == 0;
	closedir(d);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/sluice-sample-ut.XXXXXX", hex[MSAMPLE_HEX];
	char path[256], buf[64];
	struct msample *s = msample_create(16);
	FILE *fp;
	size_t n;

	if (mkdtemp(dir) == NULL || s == NULL) {
		printf("Bail out! no temporary directory\n");
		return 1;
	}
	msample_header(s, "Subject", "hi");
	is_uint(msample_size(s), 13, "header line counted");
	ok(!msample_truncated(s), "not truncated yet");
	msample_add(s, "\r\n0123456789", 12);
	is_uint(msample_size(s), 25, "all bytes counted");
	ok(msample_truncated(s), "truncated past 16 bytes");
	is_int(msample_write(s, dir, hex), 0, "written");
	snprintf(path, sizeof(path), "%s/%s.eml", dir, hex);
	fp = fopen(path, "r");
	n = fp ? fread(buf, 1, sizeof(buf), fp) : 0;
	if (fp)
		fclose(fp);
	is_uint(n, 16, "16 bytes kept");
	ok(memcmp(buf, "Subject: hi\r\n\r\n0", 16) == 0, "the first 16 bytes");
	/* printf 'Subject: hi\r\n\r\n0' | sha256sum */
	is_str(hex, "e9a47c35a2774551a358311cb3df8b3758d093a57c1cc422c964064cf6386266",
	       "named by the SHA-256 of the kept bytes");
	is_uint(strlen(hex), 64, "64 hex digits");
	is_int(msample_write(s, dir, hex), 0, "the same content again");
	is_int(count(dir), 1, "stored once, no temporary file left");
	msample_reset(s);
	is_uint(msample_size(s), 0, "reset empties it");
	msample_add(s, "other", 5);
	is_int(msample_write(s, dir, hex), 0, "another content");
	is_int(count(dir), 2, "a second file");
	is_int(msample_write(s, "/nonexistent/dir", hex), -1,
	       "a missing directory fails");
	msample_free(s);
	msample_free(NULL);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
