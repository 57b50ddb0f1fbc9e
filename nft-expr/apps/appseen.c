/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appseen - what the kernel denied or learned, listed and counted
 * DESCRIPTION
 *	One entry per executable (path, and script for an interpreter)
 *	the kernel reported, hashed once when it is first seen (appid's
 *	cache: never again unless the file changes). The path is the
 *	approval's when the inode is one we approved, else the one the
 *	kernel walked from the executable's dentry; a process still
 *	alive is asked (/proc/PID/exe) only when that walk was cut.
 *	Events are at most one a second per entry, with the count of the
 *	denials since the last one, except that the first after a switch
 *	between learn and enforce is told at once.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "event.h"
#include "apps/appbpf.h"
#include "apps/appdpkg.h"
#include "apps/apps.h"
#include "apps/apps_int.h"
#include "apps/appseen.h"

static const char *const reason_names[] = { "?", "unknown", "changed", "script" };

/* reason_name - APPS_R_* as a word */
static const char *reason_name(unsigned r)
{
	return r < sizeof(reason_names) / sizeof(reason_names[0])
	       ? reason_names[r] : "?";
}

/* approval_by_key - the approval whose inode the kernel reported */
static struct approval *approval_by_key(struct apps *a, const struct apps_key *k)
{
	GHashTableIter it;
	gpointer key, v;

	g_hash_table_iter_init(&it, a->approved);
	while (g_hash_table_iter_next(&it, &key, &v)) {
		struct approval *ap = v;

		if (ap->id.key.dev == k->dev && ap->id.key.ino == k->ino)
			return ap;
	}
	return NULL;
}

/* event_path - where the executable is, as well as we can tell */
static char *event_path(struct apps *a, const struct apps_event *e)
{
	struct approval *ap = approval_by_key(a, &e->id);
	GString *p = g_string_new(NULL);
	char link[64], buf[PATH_MAX];
	ssize_t n;
	int i;

	if (ap != NULL) {
		g_string_assign(p, ap->path);
		return g_string_free(p, FALSE);
	}
	if (e->nparts >= APPS_PARTS) {
		snprintf(link, sizeof(link), "/proc/%u/exe", e->pid);
		if ((n = readlink(link, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = 0;
			g_string_assign(p, buf);
			return g_string_free(p, FALSE);
		}
		g_string_append(p, "...");
	}
	for (i = e->nparts - 1; i >= 0; i--) {
		g_string_append_c(p, '/');
		g_string_append_len(p, e->parts[i], (gssize)strnlen(e->parts[i],
								    APPS_PART_MAX));
	}
	if (p->len == 0)
		g_string_assign(p, "/");
	return g_string_free(p, FALSE);
}

/* seen_get - the entry for path (and script), made and hashed if new;
   NULL when the table is full */
static struct seen *seen_get(struct apps *a, char *path, const char *script,
			     const struct apps_key *id)
{
	char *key = g_strdup_printf("%s\t%s", path, script);
	struct seen *s = g_hash_table_lookup(a->seen, key);
	struct appid h;

	if (s != NULL || g_hash_table_size(a->seen) >= SEEN_MAX) {
		g_free(key);
		g_free(path);
		return s;
	}
	s = g_new0(struct seen, 1);
	s->path = path;
	s->script = g_strdup(script);
	/* the hash only if the path still leads to the inode denied, and
	   not of a huge file: it is read in the loop that gives verdicts,
	   and a worm can make denied files of any size */
	if (appid_stat(path, &h) == 0 && h.val.size <= SEEN_HASH_MAX
	    && appid_get(a->ids, path, &h) == 0 && h.key.dev == id->dev
	    && h.key.ino == id->ino)
		g_strlcpy(s->sha256, h.sha256, sizeof(s->sha256));
	s->package = appdpkg_owner(a->dpkg, path, NULL);
	g_hash_table_insert(a->seen, key, s);
	return s;
}

/* seen_emit - the "application" event for s and e */
static void seen_emit(struct apps *a, struct seen *s, const struct apps_event *e)
{
	struct sl_addr dst = { 0 };
	char comm[17];
	struct event_field f[] = {
		EF_S("action", e->enforced ? "denied" : "learned"),
		EF_S("reason", reason_name(e->reason)), EF_S("path", s->path),
		EF_S("script", s->script), EF_S("sha256", s->sha256),
		EF_S("package", s->package ? s->package : ""),
		EF_U("pid", e->pid), EF_U("uid", e->uid), EF_S("comm", comm),
		EF_U("count", s->unreported),
	};
	struct event ev = { .type = "application", .dst = &dst,
			    .dst_port = e->dport, .fields = f,
			    .nfields = sizeof(f) / sizeof(f[0]),
			    .proto = e->proto == 6 ? "TCP" : e->proto == 17 ? "UDP"
			    : NULL };

	memcpy(comm, e->comm, 16);
	comm[16] = 0;
	dst.family = e->family == 10 ? 6 : 4;
	memcpy(dst.b, e->daddr, dst.family == 6 ? 16 : 4);
	a->event(a->ctx, &ev);
	s->unreported = 0;
	s->last_event = a->now;
	s->last_enforced = e->enforced;
}

/* appseen_event - appbpf_event_fn */
void appseen_event(void *ctx, const struct apps_event *e)
{
	struct apps *a = ctx;
	char script[APPS_SCRIPT_MAX];
	struct seen *s;

	memcpy(script, e->script, sizeof(script));
	script[sizeof(script) - 1] = 0;
	if (e->reason != APPS_R_SCRIPT)
		script[0] = 0;
	if ((s = seen_get(a, event_path(a, e), script, &e->id)) == NULL)
		return;
	if (e->enforced)
		s->denied++;
	else
		s->learned++;
	s->unreported++;
	s->reason = (int)e->reason;
	s->last_pid = e->pid;
	s->uid = e->uid;
	memcpy(s->comm, e->comm, sizeof(s->comm));
	s->comm[sizeof(s->comm) - 1] = 0;
	if (s->last_event == 0 || a->now - s->last_event >= EVENT_GAP_NS
	    || s->last_enforced != e->enforced)
		seen_emit(a, s, e);
}

/* json_str - s as a JSON string */
static void json_str(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			g_string_append_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			g_string_append_printf(out, "\\u%04x", c);
		else
			g_string_append_c(out, (char)c);
	}
	g_string_append_c(out, '"');
}

/* row - what one line of "apps" says */
struct row {
	const char *path, *script, *state, *source, *reason, *sha256, *package;
	const char *approved;	/* the approved SHA-256 of a changed file, or "" */
	int changed;
	uint64_t denied, learned;
};

/* row_out - one line, or one JSON object */
static void row_out(GString *out, int json, const struct row *r)
{
	if (!json) {
		g_string_append_printf(out, "%s%s%s state=%s source=%s reason=%s "
				       "sha256=%s%s%s package=%s changed=%s denied=%llu "
				       "learned=%llu\n", r->path, *r->script ? " " : "",
				       r->script, r->state, r->source, r->reason,
				       *r->sha256 ? r->sha256 : "-",
				       *r->approved ? " approved_sha256=" : "", r->approved,
				       r->package ? r->package : "-",
				       r->changed ? "yes" : "no",
				       (unsigned long long)r->denied,
				       (unsigned long long)r->learned);
		return;
	}
	if (out->len > 1)
		g_string_append_c(out, ',');
	g_string_append(out, "{\"path\":");
	json_str(out, r->path);
	g_string_append(out, ",\"script\":");
	json_str(out, r->script);
	g_string_append_printf(out, ",\"state\":\"%s\",\"source\":\"%s\","
			       "\"reason\":\"%s\",\"sha256\":\"%s\","
			       "\"approved_sha256\":\"%s\",\"package\":",
			       r->state, r->source, r->reason, r->sha256, r->approved);
	json_str(out, r->package ? r->package : "");
	g_string_append_printf(out, ",\"changed\":%s,\"denied\":%llu,\"learned\":%llu}",
			       r->changed ? "true" : "false",
			       (unsigned long long)r->denied,
			       (unsigned long long)r->learned);
}

/* seen_of - the seen entry of an approval, if any */
static struct seen *seen_of(struct apps *a, const struct approval *ap)
{
	char *key = g_strdup_printf("%s\t%s", ap->path, ap->script ? ap->script : "");
	struct seen *s = g_hash_table_lookup(a->seen, key);

	g_free(key);
	return s;
}

static const char *const source_names[] = { "config", "sluicectl", "package" };

/* appseen_list - approvals (a package's only when changed), then the
   executables denied or learned that no approval names */
void appseen_list(struct apps *a, int json, GString *out)
{
	GHashTableIter it;
	gpointer k, v;

	if (json)
		g_string_append_c(out, '[');
	g_hash_table_iter_init(&it, a->approved);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct approval *ap = v;
		struct seen *s = seen_of(a, ap);
		struct row r = {
			ap->path, ap->script ? ap->script : "",
			ap->changed ? "changed" : "approved", source_names[ap->kind],
			s ? reason_name((unsigned)s->reason) : "-",
			ap->changed ? ap->now_sha256 : ap->script ? ap->sid.sha256
			: ap->id.sha256, appdpkg_owner(a->dpkg, ap->path, NULL),
			!ap->changed ? "" : ap->script ? ap->sid.sha256 : ap->id.sha256,
			ap->changed,
			s ? s->denied : 0, s ? s->learned : 0,
		};

		if (ap->kind != KIND_PKG || ap->changed || s != NULL)
			row_out(out, json, &r);
	}
	g_hash_table_iter_init(&it, a->seen);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct seen *s = v;
		char *name = *s->script ? g_strdup_printf("%s %s", s->path, s->script)
			     : g_strdup(s->path);
		struct row r = {
			s->path, s->script, s->denied ? "denied" : "learned", "-",
			reason_name((unsigned)s->reason), s->sha256, s->package, "", 0,
			s->denied, s->learned,
		};

		if (!g_hash_table_contains(a->approved, name))
			row_out(out, json, &r);
		g_free(name);
	}
	if (json)
		g_string_append(out, "]\n");
}

/* appseen_metrics - the kernel's counters and ours */
void appseen_metrics(const struct apps *a, GString *out)
{
	static const char *const names[APPS_S_N] = {
		"allowed", "denied", "learned", "lost"
	};
	uint64_t st[APPS_S_N];
	int i;

	appbpf_stats(a->bpf, st);
	g_string_append(out, "# HELP sluice_app_connections_total Outbound "
			"connections judged per application, by outcome "
			"(lost: a denial the ring buffer had no room to report).\n"
			"# TYPE sluice_app_connections_total counter\n");
	for (i = 0; i < APPS_S_N; i++)
		g_string_append_printf(out, "sluice_app_connections_total{outcome=\"%s\"} "
				       "%llu\n", names[i], (unsigned long long)st[i]);
	g_string_append_printf(out, "# HELP sluice_app_approved Executables approved "
			       "(configuration, sluicectl, packages).\n"
			       "# TYPE sluice_app_approved gauge\n"
			       "sluice_app_approved %u\n"
			       "# HELP sluice_app_changes_total Approved executables "
			       "found changed.\n# TYPE sluice_app_changes_total counter\n"
			       "sluice_app_changes_total %llu\n"
			       "# HELP sluice_app_hashed_total Files read to hash them.\n"
			       "# TYPE sluice_app_hashed_total counter\n"
			       "sluice_app_hashed_total %llu\n",
			       g_hash_table_size(a->approved),
			       (unsigned long long)a->changes,
			       (unsigned long long)appid_hashed(a->ids));
}
