/*
 * NAME
 *	mctl - sluice-milter's operator socket
 * SYNOPSIS
 *	#include "mctl.h"
 * DESCRIPTION
 *	The control protocol of ctl(3) on [milter] control_socket, served
 *	by ctl_server (common/) in the main thread, so sluicectl -s SOCKET
 *	talks to the milter as to sluiced. Commands: status (counters),
 *	hosts (identities with state: queue, working set, lockout),
 *	release IDENTITY (lift a lockout and release the queue; sessions
 *	waiting for it pass).
 */
#ifndef SLUICE_MCTL_H
#define SLUICE_MCTL_H

#include <stddef.h>
#include <stdint.h>
#include "mstate.h"

struct mctl;

/* mctl_open - listen on the unix socket path; NULL with err */
struct mctl *mctl_open(const char *path, struct mstate *state, char *err,
		       size_t errlen);
/* mctl_close - accepts NULL; removes the socket */
void mctl_close(struct mctl *c);
/* mctl_fd - readable when mctl_run has work */
int mctl_fd(const struct mctl *c);
/* mctl_run - serve what is ready */
void mctl_run(struct mctl *c, uint64_t now);

#endif
