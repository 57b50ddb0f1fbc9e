// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NAME
 *	apps.bpf - per-application reverse firewall, in the kernel
 * DESCRIPTION
 *	cgroup/connect4, connect6, sendmsg4 and sendmsg6 run in the
 *	process that calls connect() or sends an unconnected datagram,
 *	before anything leaves: the executable is current->mm->exe_file,
 *	so a process that lives 20 ms is judged as surely as a daemon,
 *	and nothing is scanned. Its device and inode are looked up in
 *	"allowed", which sluiced fills with the files it hashed; a size
 *	or ctime other than the one sluiced hashed means the file was
 *	changed since, and it is denied. An interpreter (APPS_F_INTERP)
 *	passes only in a process whose exec gave it an approved script
 *	as argv[1] ("procs", filled at exec from "scripts" before the
 *	process ran a single instruction of its own, and inherited at
 *	fork). A script is named by its path, so a process in another
 *	mount namespace than the machine's (where a bind mount or a
 *	chroot can put other contents under that path, no privilege
 *	needed with user namespaces) never gets a script approval.
 *	Denials go to sluiced through the ring buffer; in learn
 *	mode they are reported and let through.
 *	The structures below are the few kernel fields we read, declared
 *	with preserve_access_index: libbpf relocates each access against
 *	the running kernel's BTF, so no vmlinux.h is needed to build.
 *	The licence is GPL: bpf_probe_read_kernel and the tracing
 *	attachments are GPL-only.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#include "apps/apps_bpf.h"

#define AF_INET 2
#define AF_INET6 10
#define PRA __attribute__((preserve_access_index))

struct super_block { __u32 s_dev; } PRA;
struct inode {
	unsigned long i_ino;
	struct super_block *i_sb;
	long long i_size;
	long long i_ctime_sec;
	__u32 i_ctime_nsec;
} PRA;
struct qstr { const unsigned char *name; } PRA;
struct dentry { struct dentry *d_parent; struct qstr d_name; } PRA;
struct vfsmount { struct dentry *mnt_root; } PRA;
struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
} PRA;
struct path { struct vfsmount *mnt; struct dentry *dentry; } PRA;
struct file { struct inode *f_inode; struct path f_path; } PRA;
struct mm_struct {
	struct file *exe_file;
	unsigned long arg_start, arg_end;
} PRA;
struct ns_common { unsigned int inum; } PRA;
struct mnt_namespace { struct ns_common ns; } PRA;
struct nsproxy { struct mnt_namespace *mnt_ns; } PRA;
struct task_struct {
	struct mm_struct *mm;
	struct nsproxy *nsproxy;
	int pid, tgid;
} PRA;
struct linux_binprm;

/* what a process started as an interpreter was given */
struct apps_proc {
	struct apps_key interp;
	__u32 approved;
	__u32 pad;
	char script[APPS_SCRIPT_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, APPS_ALLOWED_MAX);
	__type(key, struct apps_key);
	__type(value, struct apps_val);
} allowed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, APPS_SCRIPTS_MAX);
	__type(key, struct apps_script_key);
	__type(value, __u32);
} scripts SEC(".maps");

/* LRU: an entry pushed out denies a script's process, never allows */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, APPS_PROCS_MAX);
	__type(key, __u32);
	__type(value, struct apps_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct apps_conf);
} conf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, APPS_S_N);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* the exec hook's scratch (too big for the stack) */
struct apps_scratch {
	struct apps_script_key sk;
	struct apps_proc p;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct apps_scratch);
} scratch SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

/* ctime_nsec - the nanoseconds of ctime; kernels with multigrain
   timestamps (6.13) keep a "queried" flag in bit 31 of the field */
static __always_inline __u32 ctime_nsec(struct inode *ino)
{
	return BPF_CORE_READ(ino, i_ctime_nsec) & 0x3fffffff;
}

/* count - one more in stats[i] */
static __always_inline void count(__u32 i)
{
	__u64 *n = bpf_map_lookup_elem(&stats, &i);

	if (n)
		*n += 1;
}

/* file_id - a file's device and inode */
static __always_inline void file_id(struct file *f, struct apps_key *k)
{
	struct inode *ino = BPF_CORE_READ(f, f_inode);

	k->ino = BPF_CORE_READ(ino, i_ino);
	k->dev = BPF_CORE_READ(ino, i_sb, s_dev);
}

/* exe_path - the executable's path, leaf first, across mounts */
static __always_inline void exe_path(struct file *f, struct apps_event *e)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry), *parent;
	struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
	struct mount *m = (void *)vm - bpf_core_field_offset(struct mount, mnt);
	struct mount *up;
	const unsigned char *name;
	int i, n = 0;

	for (i = 0; i < APPS_PARTS + 4; i++) {
		if (n >= APPS_PARTS)
			break;
		if (d == BPF_CORE_READ(m, mnt.mnt_root)) {
			up = BPF_CORE_READ(m, mnt_parent);
			if (up == m)
				break;
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = up;
			continue;
		}
		parent = BPF_CORE_READ(d, d_parent);
		if (parent == d)
			break;
		name = BPF_CORE_READ(d, d_name.name);
		bpf_probe_read_kernel_str(e->parts[n], APPS_PART_MAX, name);
		n++;
		d = parent;
	}
	e->nparts = n;
}

/* report - a denial to sluiced; counted as lost if the ring is full */
static __always_inline void report(struct bpf_sock_addr *ctx, int family,
				   struct file *f, const struct apps_key *k,
				   __u32 reason, int enforced,
				   const struct apps_proc *p)
{
	struct apps_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	struct inode *ino = BPF_CORE_READ(f, f_inode);

	if (!e) {
		count(APPS_S_LOST);
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->id = *k;
	e->size = BPF_CORE_READ(ino, i_size);
	e->ctime_sec = BPF_CORE_READ(ino, i_ctime_sec);
	e->ctime_nsec = ctime_nsec(ino);
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->reason = reason;
	e->family = family;
	e->dport = bpf_ntohs(ctx->user_port);
	e->proto = ctx->protocol;
	e->enforced = enforced;
	if (family == AF_INET) {
		__u32 a = ctx->user_ip4;

		__builtin_memcpy(e->daddr, &a, 4);
	} else {
		__u32 a[4] = { ctx->user_ip6[0], ctx->user_ip6[1],
			       ctx->user_ip6[2], ctx->user_ip6[3] };

		__builtin_memcpy(e->daddr, a, 16);
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (p)
		bpf_probe_read_kernel_str(e->script, sizeof(e->script), p->script);
	exe_path(f, e);
	bpf_ringbuf_submit(e, 0);
}

/* verdict - 1 to let the connection go, 0 to deny it (EPERM) */
static __always_inline int verdict(struct bpf_sock_addr *ctx, int family)
{
	__u32 zero = 0, tgid = bpf_get_current_pid_tgid() >> 32, reason;
	struct apps_conf *c = bpf_map_lookup_elem(&conf, &zero);
	struct task_struct *t = (void *)bpf_get_current_task();
	struct file *f = BPF_CORE_READ(t, mm, exe_file);
	struct apps_proc *p = NULL;
	struct apps_key k;
	struct apps_val *v;
	struct inode *ino;

	if (!c || c->mode == APPS_OFF || !f)
		return 1;	/* off, or a kernel thread */
	file_id(f, &k);
	ino = BPF_CORE_READ(f, f_inode);
	v = bpf_map_lookup_elem(&allowed, &k);
	if (!v)
		reason = APPS_R_UNKNOWN;
	else if (v->size != (__u64)BPF_CORE_READ(ino, i_size)
		 || v->ctime_sec != BPF_CORE_READ(ino, i_ctime_sec)
		 || v->ctime_nsec != ctime_nsec(ino))
		reason = APPS_R_CHANGED;
	else if (!(v->flags & APPS_F_INTERP))
		reason = 0;
	else {
		p = bpf_map_lookup_elem(&procs, &tgid);
		reason = p && p->approved && p->interp.dev == k.dev
			 && p->interp.ino == k.ino ? 0 : APPS_R_SCRIPT;
	}
	if (reason == 0) {
		count(APPS_S_ALLOWED);
		return 1;
	}
	if (!p)
		p = bpf_map_lookup_elem(&procs, &tgid);
	count(c->mode == APPS_ENFORCE ? APPS_S_DENIED : APPS_S_LEARNED);
	report(ctx, family, f, &k, reason, c->mode == APPS_ENFORCE, p);
	return c->mode == APPS_ENFORCE ? 0 : 1;
}

SEC("cgroup/connect4")
int apps_connect4(struct bpf_sock_addr *ctx)
{
	return verdict(ctx, AF_INET);
}

SEC("cgroup/connect6")
int apps_connect6(struct bpf_sock_addr *ctx)
{
	return verdict(ctx, AF_INET6);
}

SEC("cgroup/sendmsg4")
int apps_sendmsg4(struct bpf_sock_addr *ctx)
{
	return verdict(ctx, AF_INET);
}

SEC("cgroup/sendmsg6")
int apps_sendmsg6(struct bpf_sock_addr *ctx)
{
	return verdict(ctx, AF_INET6);
}

/* apps_exec - a new program: an interpreter's argv[1] is read now,
   before the process has run any code that could rewrite it */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(apps_exec, struct task_struct *t, int old_pid,
	     struct linux_binprm *bprm)
{
	__u32 zero = 0, tgid = BPF_CORE_READ(t, tgid);
	struct file *f = BPF_CORE_READ(t, mm, exe_file);
	struct apps_scratch *x = bpf_map_lookup_elem(&scratch, &zero);
	struct apps_conf *c = bpf_map_lookup_elem(&conf, &zero);
	struct apps_val *v;
	unsigned long arg;
	long n;

	if (!x || !f)
		return 0;
	__builtin_memset(x, 0, sizeof(*x));
	file_id(f, &x->sk.interp);
	v = bpf_map_lookup_elem(&allowed, &x->sk.interp);
	if (!v || !(v->flags & APPS_F_INTERP)) {
		bpf_map_delete_elem(&procs, &tgid);
		return 0;
	}
	arg = BPF_CORE_READ(t, mm, arg_start);
	n = bpf_probe_read_user_str(x->sk.path, sizeof(x->sk.path), (void *)arg);
	if (n <= 0 || bpf_probe_read_user_str(x->sk.path, sizeof(x->sk.path),
					      (void *)(arg + n)) <= 0)
		__builtin_memset(x->sk.path, 0, sizeof(x->sk.path));
	x->p.interp = x->sk.interp;
	__builtin_memcpy(x->p.script, x->sk.path, sizeof(x->p.script));
	x->p.approved = bpf_map_lookup_elem(&scripts, &x->sk) != NULL && c
			&& BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum) == c->mntns;
	bpf_map_update_elem(&procs, &tgid, &x->p, BPF_ANY);
	return 0;
}

/* apps_fork - a child process keeps what its parent was started as */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(apps_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct apps_proc *p;

	if (ctgid == ptgid)
		return 0;	/* a thread */
	p = bpf_map_lookup_elem(&procs, &ptgid);
	if (p)
		bpf_map_update_elem(&procs, &ctgid, p, BPF_ANY);
	else
		bpf_map_delete_elem(&procs, &ctgid);
	return 0;
}

/* apps_exit - a process ended */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(apps_exit, struct task_struct *t)
{
	__u32 tgid = BPF_CORE_READ(t, tgid);

	if (BPF_CORE_READ(t, pid) == (int)tgid)
		bpf_map_delete_elem(&procs, &tgid);
	return 0;
}
