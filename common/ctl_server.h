/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctl_server - the server side of the control protocol (ctl.h)
 * SYNOPSIS
 *	#include "ctl_server.h"
 * DESCRIPTION
 *	A unix socket; each connection sends one request line (at most
 *	CTL_LINE_MAX bytes, within CTL_SERVER_LINE_MS) and gets "OK" or
 *	"ERR reason", the body, and the end of the connection. The words
 *	of the line go to the caller's handler; "events" turns the
 *	connection into a follower that gets every published event until
 *	it goes away or falls too far behind. All sockets sit in one epoll
 *	set of the server's own, whose descriptor the daemon watches.
 *
 *	Who may do what is decided by the peer's credentials (SO_PEERCRED
 *	and SO_PEERGROUPS), not by the socket's mode alone: root and
 *	members of the admin group are CTL_PEER_ADMIN, members of the
 *	control group CTL_PEER_CONTROL, anyone else CTL_PEER_NONE, who is
 *	refused every command. Each command of a table says what it needs
 *	(CTL_NEED_ADMIN unless it says otherwise, so a forgotten entry is
 *	the strictest); a CTL_NEED_REPORT command from a control peer is
 *	capped at CTL_SERVER_REPORTS a minute for the whole server. When
 *	every slot is taken, a new connection takes the slot of the one
 *	that waited longest for its request line (a follower only if there
 *	is none), never one of a higher level than its own, so an operator
 *	gets in whoever holds the socket.
 */
#ifndef SLUICE_CTL_SERVER_H
#define SLUICE_CTL_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>

#define CTL_SERVER_CONNS 64		/* connections at once */
#define CTL_SERVER_LINE_MS 5000		/* to send the request line */
#define CTL_SERVER_BACKLOG (1024 * 1024)	/* bytes a follower may lag */
#define CTL_SERVER_REPORTS 60		/* control peers' reports a minute */
#define CTL_SERVER_ARGS 8		/* words of a request line */

/* the groups of ctl_server_open: (gid_t)-1 = none */
struct ctl_access {
	gid_t control_gid, admin_gid;
};

enum ctl_level { CTL_PEER_NONE, CTL_PEER_CONTROL, CTL_PEER_ADMIN };

/* the reports a control peer sent in the current minute */
struct ctl_rate {
	uint64_t window;	/* start of the minute, ns */
	unsigned n;
};

/* who sent a request */
struct ctl_peer {
	uid_t uid;
	enum ctl_level level;
	struct ctl_rate *rate;	/* the server's; NULL = uncapped */
	uint64_t now;
};

/* a command: 0 = OK and out is the body; -1 = ERR and out the reason;
   1 = OK and the connection follows events (out is sent first) */
typedef int ctl_handler(void *ctx, const struct ctl_peer *peer, int json,
			int argc, char **argv, GString *out);

struct ctl_server;

/* ctl_server_open - listen on path, made 0660 and of acc's control
   group (NULL acc: no groups, root alone is served); NULL with err */
struct ctl_server *ctl_server_open(const char *path,
				   const struct ctl_access *acc,
				   ctl_handler *fn, void *ctx, char *err,
				   size_t errlen);
/* ctl_server_close - close every connection, remove the socket;
   accepts NULL */
void ctl_server_close(struct ctl_server *s);
/* ctl_server_fd - readable when ctl_server_run has work */
int ctl_server_fd(const struct ctl_server *s);
/* ctl_server_run - accept, read, answer, write what is ready */
void ctl_server_run(struct ctl_server *s, uint64_t now);
/* ctl_server_expire - drop connections past their line deadline */
void ctl_server_expire(struct ctl_server *s, uint64_t now);
/* ctl_server_publish - one event to every follower, as JSON or text */
void ctl_server_publish(struct ctl_server *s, const char *json,
			const char *text);

/* what a command needs: admin (the default), or a control peer for
   reading, or a control peer's rate-capped report */
enum ctl_need { CTL_NEED_ADMIN = 0, CTL_NEED_READ, CTL_NEED_REPORT };

/* one command of a table for ctl_server_dispatch: the word counts
   accepted, the command word included; fn answers as a ctl_handler
   does, with argv[0] the command word; args spells the arguments for
   the list of known commands ("HOST [REASON]"; NULL: none) */
struct ctl_command {
	const char *name;
	int min_argc, max_argc;
	int (*fn)(void *ctx, int json, char **argv, GString *out);
	const char *args;
	enum ctl_need need;
};

/* ctl_server_join - argv's words joined by single spaces into out
   (an operator's reason: the rest of the line); out->str, or NULL if
   argv has no words */
const char *ctl_server_join(char **argv, GString *out);

/* ctl_server_dispatch - a ctl_handler's work for a table of n commands:
   run the one named by argv[0] if argc is in its range and the peer
   may; else ERR, listing the known ones as the table spells them,
   quoting the command's usage for a wrong word count, or naming what
   the command needs */
int ctl_server_dispatch(const struct ctl_command *cmds, size_t n,
			void *ctx, const struct ctl_peer *peer, int json,
			int argc, char **argv, GString *out);
/* ctl_server_words - split a request line in place into at most
   CTL_SERVER_ARGS words (argv needs one more, for the NULL), a leading
   --json taken off into *json; the word count, or -1 for too many */
int ctl_server_words(char *line, char **argv, int *json);
/* ctl_server_known - "name args, name, ..." of a table, into out */
void ctl_server_known(const struct ctl_command *cmds, size_t n,
		      GString *out);

#endif
