/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	ctl - the control protocol between sluicectl, the mail filters and sluiced
 * SYNOPSIS
 *	#include "ctl.h"
 * DESCRIPTION
 *	The client side: connect to the unix socket, write one request
 *	line, read the status line ("OK" or "ERR reason") and the body
 *	until the server closes. Every step shares one deadline, so a
 *	wedged server costs the caller at most timeout_ms. A body longer
 *	than the caller's buffer is cut (the reply stays NUL-terminated).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

/* ctl_now_ms - monotonic milliseconds for the deadline */
static int64_t ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ctl_wait - poll fd for events until deadline; 0, or -1 ETIMEDOUT */
static int ctl_wait(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t left;
	int r;

	for (;;) {
		left = deadline - ctl_now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* ctl_connect - non-blocking connect within the deadline */
static int ctl_connect(const char *path, int64_t deadline)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err = 0;
	socklen_t elen = sizeof(err);

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	if ((errno != EINPROGRESS && errno != EAGAIN) ||
	    ctl_wait(fd, POLLOUT, deadline) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
		if (err)
			errno = err;
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* ctl_send - write all of buf within the deadline */
static int ctl_send(int fd, const char *buf, size_t n, int64_t deadline)
{
	ssize_t w;

	while (n > 0) {
		if (ctl_wait(fd, POLLOUT, deadline) < 0)
			return -1;
		w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ctl_recv - read until EOF or buf is full; bytes read, or -1 */
static ssize_t ctl_recv(int fd, char *buf, size_t cap, int64_t deadline)
{
	size_t got = 0;
	ssize_t r;

	while (got < cap) {
		if (ctl_wait(fd, POLLIN, deadline) < 0)
			return -1;
		r = recv(fd, buf + got, cap - got, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* ctl_parse - split the status line from the body into reply */
static int ctl_parse(char *raw, size_t n, char *reply, size_t len)
{
	char *nl = memchr(raw, '\n', n), *body;
	size_t blen;
	int status;

	raw[n] = 0;
	if (nl)
		*nl = 0;
	body = nl ? nl + 1 : raw + n;
	blen = (size_t)(raw + n - body);
	if (strcmp(raw, "OK") == 0) {
		status = 0;
	} else if (strncmp(raw, "ERR", 3) == 0 && (raw[3] == ' ' || raw[3] == 0)) {
		status = 1;
		/* the reason is the reply; a body after it is dropped */
		body = raw[3] ? raw + 4 : raw + 3;
		blen = strlen(body);
	} else {
		errno = EPROTO;
		return -1;
	}
	if (reply && len) {
		if (blen >= len)
			blen = len - 1;
		memmove(reply, body, blen);
		reply[blen] = 0;
	}
	return status;
}

/* ctl_call - send request, read "OK"/"ERR reason" and the body */
int ctl_call(const char *socket_path, const char *request, char *reply,
	     size_t len, int timeout_ms)
{
	int64_t deadline = ctl_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	char line[CTL_LINE_MAX + 1], *raw;
	size_t rlen = request ? strlen(request) : 0, cap = len + CTL_LINE_MAX;
	ssize_t n;
	int fd, r, saved;

	if (reply && len)
		reply[0] = 0;
	if (socket_path == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (rlen == 0 || rlen + 1 > CTL_LINE_MAX || memchr(request, '\n', rlen)) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(line, request, rlen);
	line[rlen++] = '\n';
	if ((raw = malloc(cap + 1)) == NULL)
		return -1;
	if ((fd = ctl_connect(socket_path, deadline)) < 0) {
		saved = errno;
		free(raw);
		errno = saved;
		return -1;
	}
	if (ctl_send(fd, line, rlen, deadline) < 0 ||
	    (n = ctl_recv(fd, raw, cap, deadline)) < 0)
		r = -1;
	else
		r = ctl_parse(raw, (size_t)n, reply, len);
	saved = errno;
	close(fd);
	free(raw);
	errno = saved;
	return r;
}
