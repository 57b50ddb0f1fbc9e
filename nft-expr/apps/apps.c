/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	apps - per-application reverse firewall: approvals, denials, watches
 * DESCRIPTION
 *	See apps.h. Approvals are keyed by their text ("PATH" or
 *	"INTERPRETER SCRIPT"), executables seen denied by the path the
 *	kernel reported (and the script), so a byte-identical copy at
 *	another path is its own line and its own inode: the kernel never
 *	sees a name, only the inode an approval put in its map.
 *	The watch is on folders, not files: an upgrade that renames a new
 *	file over an approved one leaves a watch on the old inode silent.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/inotify.h>

#include "event.h"
#include "apps/appbpf.h"
#include "apps/appdpkg.h"
#include "apps/appid.h"
#include "apps/appstore.h"
#include "apps/apps.h"
#include "apps/apps_int.h"
#include "apps/appseen.h"

/* approval_free - GDestroyNotify */
static void approval_free(gpointer p)
{
	struct approval *ap = p;

	g_free(ap->name);
	g_free(ap->path);
	g_free(ap->script);
	g_free(ap);
}

/* seen_free - GDestroyNotify */
static void seen_free(gpointer p)
{
	struct seen *s = p;

	g_free(s->path);
	g_free(s->script);
	g_free(s);
}

/* watch_dir - inotify on the folder of path */
static void watch_dir(struct apps *a, const char *path)
{
	char *dir = g_path_get_dirname(path);
	int wd = inotify_add_watch(a->ifd, dir, WATCH_MASK);

	if (wd >= 0 && !g_hash_table_contains(a->wds, GINT_TO_POINTER(wd)))
		g_hash_table_insert(a->wds, GINT_TO_POINTER(wd), dir);
	else
		g_free(dir);
}

/* apps_kernel_put - the approval's inode(s) into the kernel's maps */
static int apps_kernel_put(struct apps *a, struct approval *ap)
{
	struct apps_val v = ap->id.val;

	v.flags = ap->script ? APPS_F_INTERP : 0;
	if (appbpf_allow(a->bpf, &ap->id.key, &v) < 0
	    || (ap->script && appbpf_script(a->bpf, &ap->id.key, ap->script, 1) < 0))
		return -1;
	ap->in_kernel = 1;
	return 0;
}

/* shared - does another approval in the kernel use ap's key (and,
   with_script, its script entry) */
static int shared(struct apps *a, const struct approval *ap, int with_script)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, a->approved);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct approval *o = v;

		if (o != ap && o->in_kernel && o->id.key.dev == ap->id.key.dev
		    && o->id.key.ino == ap->id.key.ino
		    && (!with_script || g_strcmp0(o->script, ap->script) == 0))
			return 1;
	}
	return 0;
}

/* apps_kernel_drop - the approval out of the kernel's maps */
void apps_kernel_drop(struct apps *a, struct approval *ap)
{
	if (!ap->in_kernel)
		return;
	ap->in_kernel = 0;
	if (ap->script && !shared(a, ap, 1))
		(void)appbpf_script(a->bpf, &ap->id.key, ap->script, 0);
	if (!shared(a, ap, 0))
		(void)appbpf_forget(a->bpf, &ap->id.key);
}

/* resolve - the real path of an absolute one, or -1 */
static char *resolve(const char *path, GString *why)
{
	char buf[PATH_MAX];

	if (path[0] != '/') {
		g_string_printf(why, "%s: not an absolute path", path);
		return NULL;
	}
	if (realpath(path, buf) == NULL) {
		g_string_printf(why, "%s: %s", path, strerror(errno));
		return NULL;
	}
	return g_strdup(buf);
}

/* apps_make - hash path (and script) now; NULL with why */
struct approval *apps_make(struct apps *a, const char *path,
				      const char *script, int kind, GString *why)
{
	struct approval *ap = g_new0(struct approval, 1);

	ap->kind = kind;
	if ((ap->path = resolve(path, why)) == NULL
	    || (script && (ap->script = resolve(script, why)) == NULL))
		goto fail;
	if (script == NULL && appconf_interpreter(ap->path)) {
		g_string_printf(why, "%s is an interpreter: approve it with a "
				"script (approve %s SCRIPT)", ap->path, ap->path);
		goto fail;
	}
	if (ap->script && strlen(ap->script) >= APPS_SCRIPT_MAX) {
		g_string_printf(why, "%s: longer than %d bytes", ap->script,
				APPS_SCRIPT_MAX - 1);
		goto fail;
	}
	if (appid_get(a->ids, ap->path, &ap->id) < 0
	    || (ap->script && appid_get(a->ids, ap->script, &ap->sid) < 0)) {
		g_string_printf(why, "%s: %s", ap->script && ap->id.sha256[0]
				? ap->script : ap->path, strerror(errno));
		goto fail;
	}
	ap->name = ap->script ? g_strdup_printf("%s %s", ap->path, ap->script)
		   : g_strdup(ap->path);
	return ap;
fail:
	approval_free(ap);
	return NULL;
}

/* apps_add - into the table and the kernel, replacing one of the same
   name (a re-approval, a reload): the new entry is in before the old
   one goes, so an unchanged approval is never out for a moment */
int apps_add(struct apps *a, struct approval *ap, GString *why)
{
	gpointer old_key = NULL, old_val = NULL;
	struct approval *old;

	/* stolen, not removed: the old one leaves the kernel only below */
	if (g_hash_table_steal_extended(a->approved, ap->name, &old_key, &old_val))
		g_free(old_key);
	old = old_val;
	g_hash_table_insert(a->approved, g_strdup(ap->name), ap);
	if (!ap->changed && apps_kernel_put(a, ap) < 0) {
		g_string_printf(why, "%s: kernel map: %s", ap->name, strerror(errno));
		g_hash_table_remove(a->approved, ap->name);
		if (old != NULL)
			g_hash_table_insert(a->approved, g_strdup(old->name), old);
		return -1;
	}
	if (old != NULL) {
		apps_kernel_drop(a, old);	/* what the new one shares stays */
		approval_free(old);
	}
	watch_dir(a, ap->path);
	if (ap->script)
		watch_dir(a, ap->script);
	return 0;
}

/* same_contents - does id still hold what was approved */
static int same_contents(struct apps *a, const char *path,
			 const struct appid *was, struct appid *now)
{
	int i;

	/* a file being written reads as EAGAIN: the next event rereads */
	for (i = 0; i < 3; i++)
		if (appid_get(a->ids, path, now) == 0)
			return strcmp(now->sha256, was->sha256) == 0;
	return 0;
}

/* emit_change - an "application" event: an approved file changed */
static void emit_change(struct apps *a, const struct approval *ap)
{
	struct event_field f[] = {
		EF_S("action", "changed"), EF_S("path", ap->path),
		EF_S("script", ap->script ? ap->script : ""),
		EF_S("approved_sha256", ap->script ? ap->sid.sha256 : ap->id.sha256),
		EF_S("sha256", ap->now_sha256),
	};
	struct event ev = { .type = "application", .fields = f,
			    .nfields = sizeof(f) / sizeof(f[0]) };

	a->event(a->ctx, &ev);
}

/* recheck - an approved file may have changed: hash it again */
static void recheck(struct apps *a, struct approval *ap)
{
	struct appid now, snow;
	int ok;

	if (ap->changed)
		return;		/* denied until approved again */
	ok = same_contents(a, ap->path, &ap->id, &now)
	     && (!ap->script || same_contents(a, ap->script, &ap->sid, &snow));
	if (!ok) {
		apps_kernel_drop(a, ap);
		ap->changed = 1;
		a->changes++;
		g_strlcpy(ap->now_sha256, ap->script && strcmp(now.sha256,
			  ap->id.sha256) == 0 ? snow.sha256 : now.sha256[0]
			  ? now.sha256 : "gone", sizeof(ap->now_sha256));
		emit_change(a, ap);
		return;
	}
	/* the same bytes (touched, or an identical file renamed over it) */
	if (memcmp(&now.key, &ap->id.key, sizeof(now.key)) != 0
	    || memcmp(&now.val, &ap->id.val, sizeof(now.val)) != 0) {
		apps_kernel_drop(a, ap);
		ap->id = now;
		(void)apps_kernel_put(a, ap);
	}
}

/* recheck_path - every approval naming path */
static void recheck_path(struct apps *a, const char *path)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, a->approved);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct approval *ap = v;

		if (path == NULL || strcmp(ap->path, path) == 0
		    || (ap->script && strcmp(ap->script, path) == 0))
			recheck(a, ap);
	}
}

/* apps_watch_read - inotify events: the named files again */
void apps_watch_read(struct apps *a)
{
	char buf[16384] __attribute__((aligned(8)));
	const struct inotify_event *ie;
	ssize_t n;
	char *p;

	while ((n = read(a->ifd, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + n; p += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)p;
			const char *dir = g_hash_table_lookup(a->wds,
							      GINT_TO_POINTER(ie->wd));

			if (ie->mask & IN_Q_OVERFLOW)
				recheck_path(a, NULL);
			else if (dir != NULL && ie->len > 0) {
				char *full = g_build_filename(dir, ie->name, NULL);

				recheck_path(a, full);
				g_free(full);
			}
		}
}

/* pkg_one - appdpkg_walk_fn: approve a packaged executable that
   still matches (interpreters and what is not executable aside) */
static void pkg_one(void *ctx, const char *path, const char *pkg,
		    const char *md5)
{
	struct apps *a = ctx;
	g_autoptr(GString) why = g_string_new(NULL);
	struct approval *ap;
	struct appid st;

	(void)pkg;
	if (appconf_interpreter(path) || g_hash_table_contains(a->approved, path)
	    || appid_stat(path, &st) < 0 || !st.regular || access(path, X_OK) < 0)
		return;
	if ((ap = apps_make(a, path, NULL, KIND_PKG, why)) == NULL)
		return;
	if (strcmp(ap->id.md5, md5) != 0 || g_hash_table_contains(a->approved, ap->name)) {
		approval_free(ap);	/* changed since packaged, or a symlink's twin */
		return;
	}
	(void)apps_add(a, ap, why);
}

/* store_save - the records to the state file, if there is one */
static void store_save(struct apps *a)
{
	char line[4200];

	if (a->store == NULL || appstore_save(a->store, a->records) == 0)
		return;
	snprintf(line, sizeof(line), "[applications] saving %s: %s: approvals "
		 "made since are lost at a restart", a->store, strerror(errno));
	a->warn(a->ctx, line);
}

/* apps_record - ap's contents are the approved ones */
void apps_record(struct apps *a, const struct approval *ap)
{
	if (ap->kind == KIND_PKG)
		return;		/* dpkg's md5sums are their record */
	g_hash_table_replace(a->records, g_strdup(ap->name),
			     appstore_rec_new(ap->kind, ap->path, ap->script,
					      ap->id.sha256, ap->sid.sha256));
	store_save(a);
}

/* apps_forget_record - name is no longer approved */
void apps_forget_record(struct apps *a, const char *name)
{
	if (g_hash_table_remove(a->records, name))
		store_save(a);
}

/* against_record - an approval whose file no longer holds the recorded
   contents is changed (denied until approved again), and shows the
   recorded ones as approved; 1 if so */
static int against_record(struct apps *a, struct approval *ap)
{
	struct appstore_rec *r = g_hash_table_lookup(a->records, ap->name);
	const char *now;

	if (r == NULL || (strcmp(r->sha256, ap->id.sha256) == 0
			  && (!ap->script || strcmp(r->script_sha256, ap->sid.sha256) == 0)))
		return 0;
	now = strcmp(r->sha256, ap->id.sha256) != 0 ? ap->id.sha256 : ap->sid.sha256;
	g_strlcpy(ap->now_sha256, now, sizeof(ap->now_sha256));
	g_strlcpy(ap->id.sha256, r->sha256, sizeof(ap->id.sha256));
	g_strlcpy(ap->sid.sha256, r->script_sha256, sizeof(ap->sid.sha256));
	ap->changed = 1;
	a->changes++;
	return 1;
}

/* approve_known - an approval at start or reload: hashed now, held
   against its record; 0, or -1 with why */
static int approve_known(struct apps *a, const char *path, const char *script,
			 int kind, GString *why)
{
	struct approval *ap = apps_make(a, path, script, kind, why);
	int changed;

	if (ap == NULL)
		return -1;
	changed = against_record(a, ap);
	if (apps_add(a, ap, why) < 0)
		return -1;
	if (changed)
		emit_change(a, ap);
	else
		apps_record(a, ap);
	return 0;
}

/* restore_ctl - the approvals made with sluicectl before the restart */
static void restore_ctl(struct apps *a)
{
	g_autoptr(GString) why = g_string_new(NULL);
	GPtrArray *todo = g_ptr_array_new();
	GHashTableIter it;
	gpointer k, v;
	guint i;

	g_hash_table_iter_init(&it, a->records);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((struct appstore_rec *)v)->kind == KIND_CTL
		    && !g_hash_table_contains(a->approved, k))
			g_ptr_array_add(todo, v);
	for (i = 0; i < todo->len; i++) {
		struct appstore_rec *r = todo->pdata[i];

		if (approve_known(a, r->path, r->script, KIND_CTL, why) < 0)
			a->warn(a->ctx, why->str);
	}
	g_ptr_array_free(todo, TRUE);
}

/* approve_conf - the configuration's approve list (KIND_CONF) */
static void approve_conf(struct apps *a, const struct app_conf *c,
			 void (*warn)(void *, const char *), void *ctx)
{
	g_autoptr(GString) why = g_string_new(NULL);
	char *path, *script;
	size_t i;

	for (i = 0; c->approve != NULL && c->approve[i] != NULL; i++) {
		if (appconf_split(c->approve[i], &path, &script) < 0)
			continue;	/* appconf refused it already */
		if (approve_known(a, path, script, KIND_CONF, why) < 0)
			warn(ctx, why->str);
		g_free(path);
		g_free(script);
	}
}

/* cgroup_root - the cgroup v2 mount point, from /proc/self/mounts */
static char *cgroup_root(void)
{
	FILE *fp = fopen("/proc/self/mounts", "re");
	char dev[256], dir[4096], type[64];
	char *found = NULL;

	while (fp && found == NULL
	       && fscanf(fp, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		if (strcmp(type, "cgroup2") == 0)
			found = g_strdup(dir);
	if (fp)
		fclose(fp);
	return found;
}

/* apps_open - load, attach, approve */
struct apps *apps_open(const struct app_conf *c, const char *store,
		       apps_event_fn *event, void (*warn)(void *, const char *),
		       void *ctx, char *err, size_t errlen)
{
	struct apps *a = g_new0(struct apps, 1);
	char *cg = c->cgroup && *c->cgroup ? g_strdup(c->cgroup) : cgroup_root();
	char why[4400];

	a->ifd = -1;
	a->event = event;
	a->warn = warn;
	a->ctx = ctx;
	a->store = g_strdup(store);
	if ((a->records = appstore_load(store, why, sizeof(why))) == NULL) {
		warn(ctx, why);		/* moved aside: approvals start afresh */
		a->records = appstore_load(NULL, why, sizeof(why));
	}
	a->mode = c->mode;
	a->ids = appid_cache_new();
	a->approved = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					    approval_free);
	a->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, seen_free);
	a->wds = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	if ((a->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		snprintf(err, errlen, "[applications] inotify: %s", strerror(errno));
		goto fail;
	}
	if (cg == NULL) {
		snprintf(err, errlen, "[applications] cgroup: no cgroup v2 "
			 "mounted; name one with cgroup =");
		goto fail;
	}
	/* off until approved: the first connection must not meet an
	   empty map */
	if ((a->bpf = appbpf_open(cg, APPS_OFF, appseen_event, a, err, errlen)) == NULL)
		goto fail;
	approve_conf(a, c, warn, ctx);
	restore_ctl(a);
	/* read even without package_verified: "apps" names the owners */
	if ((a->dpkg = appdpkg_load(APPDPKG_INFO)) == NULL)
		warn(ctx, "[applications] " APPDPKG_INFO " unreadable: no "
		     "executable is package-verified or shown with its package");
	else if (c->package_verified)
		appdpkg_walk(a->dpkg, pkg_one, a);
	if (appbpf_mode(a->bpf, c->mode) < 0) {
		snprintf(err, errlen, "[applications] mode: %s", strerror(errno));
		goto fail;
	}
	g_free(cg);
	return a;
fail:
	g_free(cg);
	apps_close(a);
	return NULL;
}

/* apps_close - accepts NULL */
void apps_close(struct apps *a)
{
	if (a == NULL)
		return;
	appbpf_close(a->bpf);
	appdpkg_free(a->dpkg);
	appid_cache_free(a->ids);
	if (a->approved)
		g_hash_table_destroy(a->approved);
	if (a->seen)
		g_hash_table_destroy(a->seen);
	if (a->wds)
		g_hash_table_destroy(a->wds);
	if (a->records)
		g_hash_table_destroy(a->records);
	g_free(a->store);
	if (a->ifd >= 0)
		close(a->ifd);
	g_free(a);
}

/* mark_conf - every KIND_CONF approval stale (before a reload's) */
static void mark_conf(struct apps *a)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, a->approved);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((struct approval *)v)->kind == KIND_CONF)
			((struct approval *)v)->stale = 1;
}

/* drop_stale - the approvals a reload's list no longer holds */
static void drop_stale(struct apps *a)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, a->approved);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (((struct approval *)v)->stale) {
			apps_kernel_drop(a, v);
			g_hash_table_iter_remove(&it);
		}
}

/* warn_drop - approve_conf's warnings at a reload go nowhere but err */
static void warn_keep(void *ctx, const char *line)
{
	GString *w = ctx;

	if (w->len == 0)
		g_string_assign(w, line);
}

/* apps_reconf - the new mode and approve list */
int apps_reconf(struct apps *a, const struct app_conf *c, char *err,
		size_t errlen)
{
	g_autoptr(GString) w = g_string_new(NULL);

	mark_conf(a);
	approve_conf(a, c, warn_keep, w);
	drop_stale(a);
	a->mode = c->mode;
	if (appbpf_mode(a->bpf, c->mode) < 0) {
		snprintf(err, errlen, "[applications] mode: %s", strerror(errno));
		return -1;
	}
	if (w->len > 0) {
		snprintf(err, errlen, "%s", w->str);
		return -1;
	}
	return 0;
}

/* apps_bpf_read - drain the ring buffer */
void apps_bpf_read(struct apps *a, uint64_t now)
{
	a->now = now;
	(void)appbpf_read(a->bpf);
}

/* name_of - the approval name for path and script, resolved */
static char *name_of(const char *path, const char *script)
{
	char p[PATH_MAX], s[PATH_MAX];

	if (realpath(path, p) == NULL)
		g_strlcpy(p, path, sizeof(p));
	if (script && realpath(script, s) == NULL)
		g_strlcpy(s, script, sizeof(s));
	return script ? g_strdup_printf("%s %s", p, s) : g_strdup(p);
}

/* apps_approve - an operator's approval (replaces a changed one) */
int apps_approve(struct apps *a, const char *path, const char *script,
		 GString *out)
{
	struct approval *ap = apps_make(a, path, script, KIND_CTL, out);

	if (ap == NULL || apps_add(a, ap, out) < 0)
		return -1;
	apps_record(a, ap);
	g_string_printf(out, "approved %s sha256=%s\n", ap->name,
			ap->script ? ap->sid.sha256 : ap->id.sha256);
	return 0;
}

/* apps_revoke - an approval taken back until the next reload (if it
   came from the configuration) */
int apps_revoke(struct apps *a, const char *path, const char *script,
		GString *out)
{
	char *name = name_of(path, script);
	struct approval *ap = g_hash_table_lookup(a->approved, name);

	if (ap == NULL) {
		g_string_printf(out, "%s: not approved", name);
		g_free(name);
		return -1;
	}
	apps_kernel_drop(a, ap);
	g_hash_table_remove(a->approved, name);
	apps_forget_record(a, name);
	g_string_printf(out, "revoked %s\n", name);
	g_free(name);
	return 0;
}

/* apps_bpf_fd - the ring buffer */
int apps_bpf_fd(const struct apps *a)
{
	return appbpf_fd(a->bpf);
}

/* apps_watch_fd - inotify */
int apps_watch_fd(const struct apps *a)
{
	return a->ifd;
}
