/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	vdfast - the fast path: working sets mirrored into kernel pairs
 * SYNOPSIS
 *	#include "verdict/vdfast.h"
 * DESCRIPTION
 *	For each host of a williamson zone with fast_path on, the engine
 *	keeps the destinations (not only the tags) of its working set and
 *	has the kernel hold a (source . destination) pair for each, which
 *	the table's fast rule accepts before the queue. The throttle stays
 *	the only judge; the pairs follow it:
 *
 *	- After every decision of the host's (vdfast_contact) the pairs
 *	  are compared with the throttle's working set: a destination that
 *	  left it is removed from the kernel, and the removal is applied
 *	  before the engine's next answer (vd_answer commits it), so no
 *	  packet of a destination sluiced evicted passes the kernel after
 *	  the verdict of the packet that evicted it. A destination that
 *	  entered is added (lazily, with the next commit).
 *	- A locked-out host has no pairs (the throttle refuses all its
 *	  contacts, so must the kernel); a quarantined one is dropped by
 *	  the quarantine rule, which comes first.
 *	- A host is mirrored only when the destinations of its whole
 *	  working set are known (after a restart or a reload they are
 *	  learnt one userspace contact at a time), so the order read back
 *	  below covers every slot.
 *	- Once a release interval (the throttle's period boundaries, where
 *	  a working set ages and delay queues release) vdfast_tick reads
 *	  back from the kernel when each pair was last refreshed (the rule
 *	  updates the pair's timeout), orders each mirrored working set by
 *	  the latest of that and sluiced's own last contact (ties in the
 *	  throttle's order), lets the throttle age it as a contact at that
 *	  moment would, and removes what aged out. The releases of that
 *	  boundary are answered after that, and after their evictions are
 *	  out of the kernel (verdict_tick).
 *
 *	Where this can differ from the throttle alone: a kernel contact in
 *	the few milliseconds between a period boundary and its read-back
 *	counts as made before the boundary, and two contacts of one host
 *	within the kernel's timer resolution (a jiffy) are ordered by the
 *	throttle's order. Both decide only which slot ages first.
 */
#ifndef SLUICE_VDFAST_H
#define SLUICE_VDFAST_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

struct verdict;
struct vzone;
struct vdfast;

/* vdfast_create - the mirror of zone z (wset_size slots a host, mem
   bytes); NULL with errno */
struct vdfast *vdfast_create(struct verdict *v, struct vzone *z,
			     unsigned wset_size, uint64_t release_ns,
			     size_t mem);
/* vdfast_free - remove every pair from the kernel (committed), free;
   accepts NULL */
void vdfast_free(struct vdfast *f);
/* vdfast_contact - z's throttle decided for key: bring its pairs in
   line; dst is the destination the decision let in (NULL if none) */
void vdfast_contact(struct verdict *v, struct vzone *z, const uint8_t *key,
		    const struct sl_addr *dst, uint64_t now);
/* vdfast_forget - the throttle lost key (evicted): remove its pairs */
void vdfast_forget(struct vzone *z, const uint8_t *key);
/* vdfast_due - does zone z's mirror have its period boundary at now */
int vdfast_due(const struct vzone *z, uint64_t now);
/* vdfast_tick - read back the kernel's contacts, age, remove what left
   for every zone due at now (all of them with force) */
void vdfast_tick(struct verdict *v, uint64_t now, int force);
/* vdfast_next - the now of the next period boundary with pairs */
uint64_t vdfast_next(const struct verdict *v);
/* vdfast_hosts - hosts mirrored, and pairs in the kernel (*pairs) */
size_t vdfast_hosts(const struct vzone *z, size_t *pairs);

#endif
