/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	capture_store - unit test of the payload sample store
 *	(nft-expr/capture/cap_store.c)
 * DESCRIPTION
 *	In a fresh temporary directory: a sample is stored byte-exact
 *	under the SHA-256 of the FIPS 180-2 test vectors, mode 0600, once;
 *	the cap refuses what does not fit and counts at open what is
 *	there; the sweep removes old samples and leaves other files alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "capture/cap_store.h"
#include "../tap.h"

/* slurp - a file's bytes into buf; its length or -1 */
static long slurp(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL)
		return -1;
	n = fread(buf, 1, len, fp);
	fclose(fp);
	return (long)n;
}

int main(void)
{
	char dir[] = "/tmp/capture_store.XXXXXX", path[256], hex[CAP_STORE_HEX], buf[256];
	struct cap_store_stats st;
	struct cap_store *s;
	struct stat sb;
	struct utimbuf old = { 1000, 1000 };

	if (mkdtemp(dir) == NULL)
		return 1;
	cap_store_hash("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "SHA-256 of \"abc\" (FIPS 180-2)");
	cap_store_hash("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	       "SHA-256 of the empty string");
	ok(cap_store_open("/nonexistent/dir", 100, 10) == NULL, "a missing directory is refused");
	s = cap_store_open(dir, 100, 86400);
	ok(s != NULL, "open %s", dir);
	is_int(cap_store_put(s, "GET /\r\n\0x", 9, hex), CAP_STORE_NEW, "a new sample");
	snprintf(path, sizeof(path), "%s/%s", dir, hex);
	is_int(slurp(path, buf, sizeof(buf)), 9, "stored with its length");
	ok(memcmp(buf, "GET /\r\n\0x", 9) == 0, "byte-exact, NUL included");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "mode 0600 (got %o)",
	   (unsigned)(sb.st_mode & 0777));
	is_int(cap_store_put(s, "GET /\r\n\0x", 9, hex), CAP_STORE_KNOWN, "the same bytes: known");
	is_int(cap_store_put(s, "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789", 100, hex),
	       CAP_STORE_FULL, "109 bytes do not fit a cap of 100");
	is_int(cap_store_put(s, "x", 1, hex), CAP_STORE_NEW, "1 more byte does");
	cap_store_stats(s, &st);
	ok(st.samples == 2 && st.bytes == 10 && st.written == 2 && st.known == 1
	   && st.refused == 1, "counts: %llu samples, %llu bytes",
	   (unsigned long long)st.samples, (unsigned long long)st.bytes);
	cap_store_close(s);
	snprintf(path, sizeof(path), "%s/README", dir);
	fclose(fopen(path, "w"));
	s = cap_store_open(dir, 100, 86400);
	cap_store_stats(s, &st);
	ok(st.samples == 2 && st.bytes == 10, "reopened: the samples counted, README not");
	snprintf(path, sizeof(path), "%s/%s", dir, hex);
	ok(utime(path, &old) == 0, "age one sample");
	is_uint(cap_store_sweep(s, (int64_t)time(NULL)), 1, "the sweep removes it");
	cap_store_stats(s, &st);
	ok(st.samples == 1 && st.bytes == 9 && access(path, F_OK) < 0, "and counts the rest");
	snprintf(path, sizeof(path), "%s/README", dir);
	ok(access(path, F_OK) == 0, "other files stay");
	cap_store_close(s);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
