/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	endpoint - socket addresses written the way Postfix and libmilter do
 * SYNOPSIS
 *	#include "endpoint.h"
 * DESCRIPTION
 *	Accepted: "unix:/path", "local:/path", a bare "/path",
 *	"inet:host:port", "inet:[v6addr]:port", and libmilter's
 *	"inet:port@host", "inet6:port@host". host may be a literal address
 *	or "localhost"; no other name is resolved (no DNS at start-up).
 */
#ifndef SLUICE_ENDPOINT_H
#define SLUICE_ENDPOINT_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

struct endpoint {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;		/* AF_UNIX, AF_INET, AF_INET6 */
	char path[108];		/* AF_UNIX */
};

/* endpoint_parse - 0, or -1 with the reason in err */
int endpoint_parse(const char *text, struct endpoint *ep, char *err, size_t errlen);
/* endpoint_listen - bound, listening, non-blocking, close-on-exec socket;
   removes a stale unix socket first; -1 with errno */
int endpoint_listen(const struct endpoint *ep, int backlog);
/* endpoint_listen_owned - endpoint_listen, a unix socket born with
   mode (the umask set around bind, no chmod after) and then given
   uid/gid ((uid_t)-1 / (gid_t)-1: unchanged); a socket whose chown
   fails is removed; -1 with errno */
int endpoint_listen_owned(const struct endpoint *ep, int backlog,
			  mode_t mode, uid_t uid, gid_t gid);
/* endpoint_connect - blocking connected socket; -1 with errno */
int endpoint_connect(const struct endpoint *ep);

/* the socket file a unix listener made, to remove it at stop only if
   it is still that file (a newer daemon may have bound the path) */
struct endpoint_file {
	char path[108];		/* empty: not a unix endpoint */
	dev_t dev;
	ino_t ino;
};

/* endpoint_file_get - after endpoint_listen: ep's socket file now */
void endpoint_file_get(const struct endpoint *ep, struct endpoint_file *f);
/* endpoint_file_remove - unlink f's path if it is still f's file */
void endpoint_file_remove(const struct endpoint_file *f);

#endif
