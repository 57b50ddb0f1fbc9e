/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appid - an executable's identity: its contents' SHA-256, cached
 * DESCRIPTION
 *	See appid.h. The cache key is the whole of what stat gives that
 *	a change would move; a hit copies the hashes, a miss reads the
 *	file in 64 KiB blocks through both checksums at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <glib.h>

#include "apps/appid.h"

/* what a cached identity was hashed with */
struct appid_ckey {
	struct apps_key key;
	struct apps_val val;
	int64_t mtime_sec;
	uint32_t mtime_nsec;
	uint32_t pad;
};

struct appid_cache {
	GHashTable *t;		/* struct appid_ckey -> struct appid */
	uint64_t hashed;
};

/* ckey_hash - GHashFunc over the bytes of a struct appid_ckey */
static guint ckey_hash(gconstpointer p)
{
	const unsigned char *b = p;
	guint h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(struct appid_ckey); i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* ckey_equal - GEqualFunc */
static gboolean ckey_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(struct appid_ckey)) == 0;
}

/* appid_cache_new - empty */
struct appid_cache *appid_cache_new(void)
{
	struct appid_cache *c = g_new0(struct appid_cache, 1);

	c->t = g_hash_table_new_full(ckey_hash, ckey_equal, g_free, g_free);
	return c;
}

/* appid_cache_free - accepts NULL */
void appid_cache_free(struct appid_cache *c)
{
	if (c == NULL)
		return;
	g_hash_table_destroy(c->t);
	g_free(c);
}

/* appid_stat - stat into out, the device as the kernel writes s_dev */
int appid_stat(const char *path, struct appid *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) < 0)
		return -1;
	out->key.dev = (uint64_t)major(st.st_dev) << 20 | minor(st.st_dev);
	out->key.ino = st.st_ino;
	out->val.size = (uint64_t)st.st_size;
	out->val.ctime_sec = st.st_ctim.tv_sec;
	out->val.ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
	out->mtime_sec = st.st_mtim.tv_sec;
	out->mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	out->regular = S_ISREG(st.st_mode);
	return 0;
}

/* ckey_of - the cache key of a stat */
static void ckey_of(const struct appid *id, struct appid_ckey *k)
{
	memset(k, 0, sizeof(*k));
	k->key = id->key;
	k->val = id->val;
	k->val.flags = 0;
	k->mtime_sec = id->mtime_sec;
	k->mtime_nsec = id->mtime_nsec;
}

/* hash_fd - SHA-256 and MD5 of what fd holds */
static int hash_fd(int fd, struct appid *out)
{
	GChecksum *sha = g_checksum_new(G_CHECKSUM_SHA256);
	GChecksum *md5 = g_checksum_new(G_CHECKSUM_MD5);
	static unsigned char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		g_checksum_update(sha, buf, n);
		g_checksum_update(md5, buf, n);
	}
	if (n == 0) {
		g_strlcpy(out->sha256, g_checksum_get_string(sha), APPID_HEX);
		g_strlcpy(out->md5, g_checksum_get_string(md5), APPID_MD5);
	}
	g_checksum_free(sha);
	g_checksum_free(md5);
	return n == 0 ? 0 : -1;
}

/* appid_get - from the cache, or read once */
int appid_get(struct appid_cache *c, const char *path, struct appid *out)
{
	struct appid_ckey k, *kp;
	struct appid *hit, after;
	int fd, e;

	if (appid_stat(path, out) < 0)
		return -1;
	if (!out->regular)
		return errno = EINVAL, -1;
	ckey_of(out, &k);
	if ((hit = g_hash_table_lookup(c->t, &k)) != NULL) {
		*out = *hit;
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0
	    && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	e = hash_fd(fd, out) < 0 ? errno : 0;
	close(fd);
	if (e)
		return errno = e, -1;
	c->hashed++;
	/* changed while we read it: the hashes may mix two versions */
	if (appid_stat(path, &after) < 0 || memcmp(&after.val, &out->val,
						   sizeof(after.val)) != 0)
		return errno = EAGAIN, -1;
	if (g_hash_table_size(c->t) >= APPID_CACHE_MAX)
		g_hash_table_remove_all(c->t);
	kp = g_memdup2(&k, sizeof(k));
	g_hash_table_insert(c->t, kp, g_memdup2(out, sizeof(*out)));
	return 0;
}

/* appid_hashed - files read */
uint64_t appid_hashed(const struct appid_cache *c)
{
	return c->hashed;
}
