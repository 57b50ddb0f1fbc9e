/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	appbpf - the per-application BPF program: loaded, attached, fed
 * DESCRIPTION
 *	See appbpf.h. libbpf's own messages go to the log only as the
 *	reason of a failure: the verifier's log is long, and its last
 *	line is the one an operator needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "apps/appbpf.h"
#include "apps.skel.h"

struct appbpf {
	struct apps_bpf *skel;
	struct ring_buffer *rb;
	appbpf_event_fn *fn;
	void *ctx;
	int cgfd;
	int ncpu;
	__u32 mntns;		/* inode of init's mount namespace */
};

/* last libbpf warning, for the error message */
static char libbpf_last[256];

/* libbpf_print - keep libbpf's last warning line */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char line[sizeof(libbpf_last)];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '))
		line[--n] = 0;
	if (n > 0)
		memcpy(libbpf_last, line, n + 1);
	return 0;
}

/* on_event - ring_buffer sample callback */
static int on_event(void *ctx, void *data, size_t len)
{
	struct appbpf *b = ctx;

	if (len >= sizeof(struct apps_event))
		b->fn(b->ctx, data);
	return 0;
}

/* fail - the reason, with libbpf's last word; NULL after undoing */
static struct appbpf *fail(struct appbpf *b, const char *what, int e,
			   char *err, size_t len)
{
	snprintf(err, len, "[applications] BPF program: %s: %s%s%s", what,
		 strerror(e), libbpf_last[0] ? " (libbpf: " : "",
		 libbpf_last[0] ? libbpf_last : "");
	if (libbpf_last[0])
		strncat(err, ")", len - strlen(err) - 1);
	appbpf_close(b);
	return NULL;
}

/* attach_cgroup - the four socket programs as links on the cgroup */
static int attach_cgroup(struct appbpf *b)
{
	struct bpf_program *p[] = {
		b->skel->progs.apps_connect4, b->skel->progs.apps_connect6,
		b->skel->progs.apps_sendmsg4, b->skel->progs.apps_sendmsg6,
	};
	struct bpf_link **l[] = {
		&b->skel->links.apps_connect4, &b->skel->links.apps_connect6,
		&b->skel->links.apps_sendmsg4, &b->skel->links.apps_sendmsg6,
	};
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if ((*l[i] = bpf_program__attach_cgroup(p[i], b->cgfd)) == NULL)
			return -1;
	return 0;
}

/* appbpf_open - load and attach */
struct appbpf *appbpf_open(const char *cgroup, int mode, appbpf_event_fn *fn,
			   void *ctx, char *err, size_t errlen)
{
	struct appbpf *b = calloc(1, sizeof(*b));
	struct stat st;

	if (b == NULL)
		return fail(NULL, "allocating", ENOMEM, err, errlen);
	libbpf_last[0] = 0;
	libbpf_set_print(libbpf_print);
	b->fn = fn;
	b->ctx = ctx;
	b->ncpu = libbpf_num_possible_cpus();
	if (stat("/proc/1/ns/mnt", &st) == 0 || stat("/proc/self/ns/mnt", &st) == 0)
		b->mntns = (__u32)st.st_ino;
	if ((b->cgfd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "[applications] cgroup %s: %s", cgroup,
			 strerror(errno));
		free(b);
		return NULL;
	}
	if ((b->skel = apps_bpf__open_and_load()) == NULL)
		return fail(b, "loading", errno, err, errlen);
	if (appbpf_mode(b, mode) < 0)
		return fail(b, "setting the mode", errno, err, errlen);
	if (attach_cgroup(b) < 0)
		return fail(b, "attaching to the cgroup", errno, err, errlen);
	if ((b->skel->links.apps_exec =
	     bpf_program__attach(b->skel->progs.apps_exec)) == NULL
	    || (b->skel->links.apps_fork =
		bpf_program__attach(b->skel->progs.apps_fork)) == NULL
	    || (b->skel->links.apps_exit =
		bpf_program__attach(b->skel->progs.apps_exit)) == NULL)
		return fail(b, "attaching to sched_process_exec/fork/exit",
			    errno, err, errlen);
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_event,
				 b, NULL);
	if (b->rb == NULL)
		return fail(b, "ring buffer", errno, err, errlen);
	return b;
}

/* appbpf_close - links first: nothing is judged by a half-gone program */
void appbpf_close(struct appbpf *b)
{
	if (b == NULL)
		return;
	ring_buffer__free(b->rb);
	apps_bpf__destroy(b->skel);
	if (b->cgfd >= 0)
		close(b->cgfd);
	free(b);
}

/* appbpf_mode - conf[0]: the mode, and the machine's mount namespace
   (init's, read at open: sluiced itself may run in a private one, as
   systemd's ProtectSystem makes it) */
int appbpf_mode(struct appbpf *b, int mode)
{
	struct apps_conf c = { .mode = (__u32)mode, .mntns = b->mntns };
	__u32 zero = 0;

	return bpf_map_update_elem(bpf_map__fd(b->skel->maps.conf), &zero, &c,
				   BPF_ANY);
}

/* appbpf_allow - allowed[k] = v */
int appbpf_allow(struct appbpf *b, const struct apps_key *k,
		 const struct apps_val *v)
{
	return bpf_map_update_elem(bpf_map__fd(b->skel->maps.allowed), k, v,
				   BPF_ANY);
}

/* appbpf_forget - allowed[k] removed */
int appbpf_forget(struct appbpf *b, const struct apps_key *k)
{
	if (bpf_map_delete_elem(bpf_map__fd(b->skel->maps.allowed), k) < 0
	    && errno != ENOENT)
		return -1;
	return 0;
}

/* appbpf_script - scripts[interp, script] set or removed */
int appbpf_script(struct appbpf *b, const struct apps_key *interp,
		  const char *script, int on)
{
	struct apps_script_key k;
	int fd = bpf_map__fd(b->skel->maps.scripts);
	__u32 one = 1;

	memset(&k, 0, sizeof(k));
	k.interp = *interp;
	if (strlen(script) >= sizeof(k.path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(k.path, script, strlen(script));
	if (on)
		return bpf_map_update_elem(fd, &k, &one, BPF_ANY);
	if (bpf_map_delete_elem(fd, &k) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* appbpf_fd - the ring buffer's epoll descriptor */
int appbpf_fd(const struct appbpf *b)
{
	return ring_buffer__epoll_fd(b->rb);
}

/* appbpf_read - consume the ring buffer */
int appbpf_read(struct appbpf *b)
{
	return ring_buffer__consume(b->rb);
}

/* appbpf_stats - per-CPU counters summed */
void appbpf_stats(const struct appbpf *b, uint64_t out[APPS_S_N])
{
	__u64 v[b->ncpu > 0 ? b->ncpu : 1];
	__u32 i;
	int c;

	for (i = 0; i < APPS_S_N; i++) {
		out[i] = 0;
		if (b->ncpu <= 0
		    || bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.stats), &i, v) < 0)
			continue;
		for (c = 0; c < b->ncpu; c++)
			out[i] += v[c];
	}
}
