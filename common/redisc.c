/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	redisc - a small Redis client with deadlines and bounded replies
 * SYNOPSIS
 *	See redisc.h.
 * DESCRIPTION
 *	hiredis's own blocking context applies its timeout per system
 *	call, so a peer that trickles one byte every 40 ms keeps a 50 ms
 *	"timeout" waiting for ever; its reader buffers whatever length a
 *	bulk string announces. Here every wait is a poll() up to the one
 *	deadline of the call, and the bytes fed to the reader for one reply
 *	are counted against reply_max. hiredis's own reply constructors
 *	allocate whatever array length a peer announces ("*555555551" is
 *	4 GB of pointers before one element arrives), so the reader here
 *	builds replies with ours, which refuse arrays over
 *	REDISC_ELEMENTS_MAX (the reader then fails the reply); the
 *	objects are hiredis's struct redisReply, freed by freeReplyObject.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "redisc.h"

struct redisc {
	struct redisc_params p;
	int fd;				/* -1: not connected */
	int refused;			/* Cluster or Sentinel at last connect */
	redisReader *rd;
};

/* rd_new - one reply object of type */
static redisReply *rd_new(int type)
{
	redisReply *r = calloc(1, sizeof(*r));

	if (r)
		r->type = type;
	return r;
}

/* rd_attach - hang r in its parent array, if any */
static void *rd_attach(const redisReadTask *task, redisReply *r)
{
	if (task->parent)
		((redisReply *)task->parent->obj)->element[task->idx] = r;
	return r;
}

/* rd_string - a bulk, status or error string */
static void *rd_string(const redisReadTask *task, char *str, size_t len)
{
	redisReply *r = rd_new(task->type);

	if (r == NULL || (r->str = malloc(len + 1)) == NULL) {
		free(r);
		return NULL;
	}
	memcpy(r->str, str, len);
	r->str[len] = 0;
	r->len = len;
	return rd_attach(task, r);
}

/* rd_array - an array of at most REDISC_ELEMENTS_MAX elements */
static void *rd_array(const redisReadTask *task, int n)
{
	redisReply *r;

	if (n < 0 || n > REDISC_ELEMENTS_MAX || (r = rd_new(REDIS_REPLY_ARRAY)) == NULL)
		return NULL;
	if (n > 0 && (r->element = calloc((size_t)n, sizeof(*r->element))) == NULL) {
		free(r);
		return NULL;
	}
	r->elements = (size_t)n;
	return rd_attach(task, r);
}

/* rd_integer - an integer */
static void *rd_integer(const redisReadTask *task, long long v)
{
	redisReply *r = rd_new(REDIS_REPLY_INTEGER);

	if (r == NULL)
		return NULL;
	r->integer = v;
	return rd_attach(task, r);
}

/* rd_nil - a nil bulk or array */
static void *rd_nil(const redisReadTask *task)
{
	redisReply *r = rd_new(REDIS_REPLY_NIL);

	return r ? rd_attach(task, r) : NULL;
}

static redisReplyObjectFunctions rd_fns = {
	rd_string, rd_array, rd_integer, rd_nil, freeReplyObject
};

/* rd_reader - a reader with the bounded constructors */
static redisReader *rd_reader(void)
{
	return redisReaderCreateWithFunctions(&rd_fns);
}

/* redisc_create - a client (not yet connected); NULL with errno */
struct redisc *redisc_create(const struct redisc_params *p)
{
	struct redisc *rc = calloc(1, sizeof(*rc));

	if (rc == NULL)
		return NULL;
	rc->p = *p;
	if (rc->p.reply_max == 0)
		rc->p.reply_max = REDISC_REPLY_MAX;
	rc->fd = -1;
	return rc;
}

/* redisc_close - drop the connection (the next call reconnects) */
void redisc_close(struct redisc *rc)
{
	if (rc->fd >= 0)
		close(rc->fd);
	rc->fd = -1;
	if (rc->rd)
		redisReaderFree(rc->rd);
	rc->rd = NULL;
}

/* redisc_free - accepts NULL */
void redisc_free(struct redisc *rc)
{
	if (rc == NULL)
		return;
	redisc_close(rc);
	explicit_bzero(rc->p.pass, sizeof(rc->p.pass));
	free(rc);
}

/* wait_fd - poll fd for ev until deadline; 0, or -1 on timeout */
static int wait_fd(int fd, short ev, uint64_t deadline)
{
	struct pollfd pf = { .fd = fd, .events = ev };
	uint64_t now;
	int r;

	for (;;) {
		now = sl_monotonic_ns();
		if (now >= deadline)
			return -1;
		/* round up: a 0 ms poll would spin until the deadline */
		r = poll(&pf, 1, (int)((deadline - now + NS_PER_MS - 1) / NS_PER_MS));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* do_connect - a non-blocking connected socket, or -1 */
static int do_connect(const struct redisc_params *p, uint64_t deadline)
{
	int fd, err = 0;
	socklen_t el = sizeof(err);

	fd = socket(p->ep.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&p->ep.ss, p->ep.len) == 0)
		return fd;
	/* a unix socket with a full backlog says EAGAIN: not worth a wait */
	if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
		return fd;
	close(fd);
	return -1;
}

/* send_all - write len bytes before the deadline */
static int send_all(int fd, const char *buf, size_t len, uint64_t deadline)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			if (wait_fd(fd, POLLOUT, deadline) < 0)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

/* recv_reply - read until the reader has one reply; -1 with why */
static int recv_reply(struct redisc *rc, uint64_t deadline, redisReply **out,
		      const char **why)
{
	char buf[4096];
	size_t fed = 0;
	void *r = NULL;
	ssize_t n;

	for (;;) {
		if (redisReaderGetReply(rc->rd, &r) != REDIS_OK) {
			*why = "malformed reply (not RESP)";
			return -1;
		}
		if (r) {
			*out = r;
			return 0;
		}
		if (fed >= rc->p.reply_max) {
			*why = "reply too long";
			return -1;
		}
		n = recv(rc->fd, buf, sizeof(buf), 0);
		if (n > 0) {
			fed += (size_t)n;
			if (redisReaderFeed(rc->rd, buf, (size_t)n) != REDIS_OK) {
				*why = "out of memory";
				return -1;
			}
		} else if (n == 0) {
			*why = "connection closed by Redis";
			return -1;
		} else if (errno == EAGAIN || errno == EINTR) {
			if (wait_fd(rc->fd, POLLIN, deadline) < 0) {
				*why = "timed out";
				return -1;
			}
		} else {
			*why = "read error";
			return -1;
		}
	}
}

/* roundtrip - send one command, read its reply */
static int roundtrip(struct redisc *rc, uint64_t deadline, int argc,
		     const char **argv, const size_t *argvlen, redisReply **out,
		     const char **why)
{
	char *cmd = NULL;
	int len = redisFormatCommandArgv(&cmd, argc, argv, argvlen);
	int r;

	if (len < 0) {
		*why = "out of memory";
		return -1;
	}
	r = send_all(rc->fd, cmd, (size_t)len, deadline);
	free(cmd);
	if (r < 0) {
		*why = errno == EAGAIN ? "timed out" : "write error";
		return -1;
	}
	return recv_reply(rc, deadline, out, why);
}

/* simple - a command whose reply must not be an error */
static int simple(struct redisc *rc, uint64_t deadline, int argc,
		  const char **argv, redisReply **out, const char **why)
{
	size_t len[4];
	int i;

	for (i = 0; i < argc && i < 4; i++)
		len[i] = strlen(argv[i]);
	if (roundtrip(rc, deadline, argc, argv, len, out, why) < 0)
		return -1;
	if ((*out)->type == REDIS_REPLY_ERROR) {
		*why = strncmp((*out)->str, "WRONGPASS", 9) == 0 ||
		       strncmp((*out)->str, "NOAUTH", 6) == 0 ?
		       "authentication refused" : "error reply at connect";
		freeReplyObject(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* check_mode - refuse a Cluster node or a Sentinel (INFO server) */
static int check_mode(struct redisc *rc, uint64_t deadline, const char **why)
{
	const char *argv[] = { "INFO", "server" };
	redisReply *r = NULL;
	int ok;

	if (simple(rc, deadline, 2, argv, &r, why) < 0)
		return -1;
	ok = r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS;
	rc->refused = 0;
	if (!ok)
		*why = "INFO server: not a text reply";
	else if (strstr(r->str, "redis_mode:cluster")) {
		*why = "a Redis Cluster node: not supported (no MOVED "
		       "redirection); use a standalone Redis";
		ok = 0;
		rc->refused = 1;
	} else if (strstr(r->str, "redis_mode:sentinel")) {
		*why = "a Sentinel: not supported; point redis at the "
		       "master's address";
		ok = 0;
		rc->refused = 1;
	}
	freeReplyObject(r);
	return ok ? 0 : -1;
}

/* open_conn - connect, authenticate and check the server's mode */
static int open_conn(struct redisc *rc, uint64_t deadline, const char **why)
{
	const char *argv[3] = { "AUTH" };
	redisReply *r = NULL;
	int n = 1;

	if ((rc->fd = do_connect(&rc->p, deadline)) < 0) {
		*why = errno == ENOENT || errno == ECONNREFUSED ?
		       "connection refused" : "cannot connect";
		return -1;
	}
	rc->rd = rd_reader();
	if (rc->rd == NULL) {
		*why = "out of memory";
		return -1;
	}
	if (rc->p.pass[0]) {
		if (rc->p.user[0])
			argv[n++] = rc->p.user;
		argv[n++] = rc->p.pass;
		if (simple(rc, deadline, n, argv, &r, why) < 0)
			return -1;
		freeReplyObject(r);
	}
	return check_mode(rc, deadline, why);
}

/* redisc_call - one command, the reply in *out; -1 with why */
int redisc_call(struct redisc *rc, uint64_t deadline, int argc,
		const char **argv, const size_t *argvlen, redisReply **out,
		const char **why)
{
	*out = NULL;
	if ((rc->fd < 0 && open_conn(rc, deadline, why) < 0) ||
	    roundtrip(rc, deadline, argc, argv, argvlen, out, why) < 0) {
		redisc_close(rc);
		return -1;
	}
	return 0;
}

/* redisc_load - SCRIPT LOAD; the SHA it answers, checked */
int redisc_load(struct redisc *rc, uint64_t deadline, const char *script,
		char sha[41], const char **why)
{
	const char *argv[] = { "SCRIPT", "LOAD", script };
	size_t len[] = { 6, 4, strlen(script) };
	redisReply *r;
	int ok;

	if (redisc_call(rc, deadline, 3, argv, len, &r, why) < 0)
		return -1;
	ok = r->type == REDIS_REPLY_STRING && r->len == 40 &&
	     strspn(r->str, "0123456789abcdef") == 40;
	if (ok)
		memcpy(sha, r->str, 41);
	else
		*why = r->type == REDIS_REPLY_ERROR ? "SCRIPT LOAD refused "
		       "(ACL?)" : "SCRIPT LOAD: not a SHA";
	freeReplyObject(r);
	return ok ? 0 : -1;
}

/* is_noscript - Redis lost the script (restart, SCRIPT FLUSH) */
static int is_noscript(const redisReply *r)
{
	return r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOSCRIPT", 8) == 0;
}

/* redisc_script - EVALSHA, loading the script first or again */
int redisc_script(struct redisc *rc, uint64_t deadline, const char *script,
		  char sha[41], int argc, const char **argv, size_t *argvlen,
		  redisReply **out, const char **why)
{
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if (!sha[0] && redisc_load(rc, deadline, script, sha, why) < 0)
			return -1;
		argv[1] = sha;
		argvlen[1] = 40;
		if (redisc_call(rc, deadline, argc, argv, argvlen, out, why) < 0)
			return -1;
		if (!is_noscript(*out))
			return 0;
		freeReplyObject(*out);
		*out = NULL;
		sha[0] = 0;
	}
	*why = "NOSCRIPT after SCRIPT LOAD";
	return -1;
}

/* redisc_refused - the last failure was a refused kind of server */
int redisc_refused(const struct redisc *rc)
{
	return rc->refused;
}

/* format_all - the n commands, one after the other, in one buffer */
static char *format_all(size_t n, int argc, const char *const *const *argv,
			const size_t *const *len, size_t *total)
{
	char *buf = NULL, *cmd, *nb;
	size_t i;
	int l;

	*total = 0;
	for (i = 0; i < n; i++) {
		if ((l = redisFormatCommandArgv(&cmd, argc, (const char **)argv[i],
						len[i])) < 0 ||
		    (nb = realloc(buf, *total + (size_t)l)) == NULL) {
			if (l >= 0)
				free(cmd);
			free(buf);
			return NULL;
		}
		buf = nb;
		memcpy(buf + *total, cmd, (size_t)l);
		*total += (size_t)l;
		free(cmd);
	}
	return buf;
}

/* redisc_pipeline - n commands in one write, n replies */
int redisc_pipeline(struct redisc *rc, uint64_t deadline, size_t n, int argc,
		    const char *const *const *argv, const size_t *const *len,
		    redisReply **out, const char **why)
{
	size_t i, total, got = 0;
	char *buf;
	int r = -1;

	if ((buf = format_all(n, argc, argv, len, &total)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	if (rc->fd >= 0 || open_conn(rc, deadline, why) == 0) {
		if (send_all(rc->fd, buf, total, deadline) < 0)
			*why = errno == EAGAIN ? "timed out" : "write error";
		else
			for (r = 0; got < n && r == 0; got++)
				r = recv_reply(rc, deadline, &out[got], why);
	}
	free(buf);
	if (r == 0 && got == n)
		return 0;
	for (i = 0; i + 1 < got; i++)
		freeReplyObject(out[i]);
	redisc_close(rc);
	return -1;
}

/* redisc_parse - one whole reply from buf: 1, 0 incomplete, -1 bad */
int redisc_parse(const char *buf, size_t len, size_t max, redisReply **out)
{
	redisReader *rd;
	void *r = NULL;
	int ret;

	*out = NULL;
	if (len > max || (rd = rd_reader()) == NULL)
		return -1;
	ret = redisReaderFeed(rd, buf, len) == REDIS_OK &&
	      redisReaderGetReply(rd, &r) == REDIS_OK ? (r != NULL) : -1;
	redisReaderFree(rd);
	*out = r;
	return ret;
}

/* redisc_password_file - "PASSWORD" or "USER PASSWORD" from path */
int redisc_password_file(const char *path, struct redisc_params *p,
			 char *err, size_t errlen)
{
	char line[REDISC_USER_MAX + REDISC_PASS_MAX + 2], *sp;
	FILE *fp = fopen(path, "re");
	int ok;

	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ok = fgets(line, sizeof(line), fp) != NULL;
	fclose(fp);
	line[ok ? strcspn(line, "\r\n") : 0] = 0;
	sp = strchr(line, ' ');
	if (sp) {
		*sp++ = 0;
		ok = strlen(line) < REDISC_USER_MAX && *sp && !strchr(sp, ' ');
	}
	ok = ok && line[0] && strlen(sp ? sp : line) < REDISC_PASS_MAX;
	if (!ok) {
		explicit_bzero(line, sizeof(line));
		snprintf(err, errlen, "%s: expected one line, PASSWORD or USER "
			 "PASSWORD (user under %d, password under %d bytes)",
			 path, REDISC_USER_MAX, REDISC_PASS_MAX);
		return -1;
	}
	snprintf(p->user, sizeof(p->user), "%s", sp ? line : "");
	snprintf(p->pass, sizeof(p->pass), "%s", sp ? sp : line);
	explicit_bzero(line, sizeof(line));
	return 0;
}
