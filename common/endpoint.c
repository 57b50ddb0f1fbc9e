/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	endpoint - socket addresses written the way Postfix and libmilter do
 * SYNOPSIS
 *	#include "endpoint.h"
 * DESCRIPTION
 *	endpoint_parse() accepts "unix:/path", "local:/path", "/path",
 *	"inet:host:port", "inet:[v6]:port", libmilter's "inet:port@host"
 *	and "inet6:port@host", and "inet:port" (all addresses). host is a
 *	literal address, "localhost", "*" or empty (all addresses); names
 *	are never resolved, so start-up never waits on DNS. Errors say
 *	what was wrong and what is accepted.
 *
 *	endpoint_listen() refuses to steal a unix socket another process
 *	still answers on; it only removes one nobody listens on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "endpoint.h"

#define EP_ACCEPTED "accepted: unix:/path, inet:host:port, " \
	"inet:[v6addr]:port, inet:port@host (host a literal address or localhost)"
#define EP_HOSTMAX 64

/* ep_error - format an error naming the input and what is accepted */
static int ep_error(char *err, size_t len, const char *text, const char *why)
{
	if (err && len)
		snprintf(err, len, "\"%.200s\": %s; %s", text, why, EP_ACCEPTED);
	return -1;
}

/* ep_unix - fill a unix endpoint from an absolute path */
static int ep_unix(const char *text, const char *path, struct endpoint *ep,
		   char *err, size_t len)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&ep->ss;

	if (path[0] != '/')
		return ep_error(err, len, text, "unix socket path must be absolute");
	if (strlen(path) >= sizeof(sun->sun_path) || strlen(path) >= sizeof(ep->path))
		return ep_error(err, len, text, "unix socket path longer than 107 bytes");
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, path);
	strcpy(ep->path, path);
	ep->family = AF_UNIX;
	ep->len = (socklen_t)sizeof(*sun);
	return 0;
}

/* ep_port - decimal 1..65535, digits only */
static int ep_port(const char *s, size_t n, uint16_t *port)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* ep_inet - fill an inet endpoint from host text (maybe bracketed) and port */
static int ep_inet(const char *text, const char *host, size_t hlen,
		   uint16_t port, int want6, struct endpoint *ep,
		   char *err, size_t len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&ep->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ep->ss;
	char h[EP_HOSTMAX];

	if (hlen > 0 && (host[0] == '[') != (host[hlen - 1] == ']'))
		return ep_error(err, len, text, "unbalanced brackets around the host");
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host++;
		hlen -= 2;
		want6 = 1;
	}
	if (hlen >= sizeof(h))
		return ep_error(err, len, text, "host too long");
	memcpy(h, host, hlen);
	h[hlen] = 0;
	if (hlen == 0 || strcmp(h, "*") == 0)
		strcpy(h, want6 ? "::" : "0.0.0.0");
	else if (strcmp(h, "localhost") == 0)
		strcpy(h, want6 ? "::1" : "127.0.0.1");
	if (!want6 && inet_pton(AF_INET, h, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		ep->family = AF_INET;
		ep->len = (socklen_t)sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, h, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		ep->family = AF_INET6;
		ep->len = (socklen_t)sizeof(*sin6);
		return 0;
	}
	return ep_error(err, len, text, "host is not a literal address or localhost");
}

/* ep_split_inet - "host:port", "[v6]:port", "port@host" or "port" */
static int ep_split_inet(const char *text, const char *rest, int want6,
			 struct endpoint *ep, char *err, size_t len)
{
	const char *at = strchr(rest, '@'), *colon = strrchr(rest, ':');
	uint16_t port;

	if (at) {
		/* libmilter: port first, then the host */
		if (ep_port(rest, (size_t)(at - rest), &port) < 0)
			return ep_error(err, len, text, "port must be a number from 1 to 65535");
		if (at[1] == 0)
			return ep_error(err, len, text, "host missing after @");
		return ep_inet(text, at + 1, strlen(at + 1), port, want6, ep, err, len);
	}
	if (colon == NULL) {
		if (ep_port(rest, strlen(rest), &port) < 0)
			return ep_error(err, len, text, "port must be a number from 1 to 65535");
		return ep_inet(text, "", 0, port, want6, ep, err, len);
	}
	if (ep_port(colon + 1, strlen(colon + 1), &port) < 0)
		return ep_error(err, len, text, "port must be a number from 1 to 65535");
	if (memchr(rest, ':', (size_t)(colon - rest)) && rest[0] != '[')
		return ep_error(err, len, text, "an IPv6 host must be in brackets");
	return ep_inet(text, rest, (size_t)(colon - rest), port, want6, ep, err, len);
}

/* endpoint_parse - 0, or -1 with the reason in err */
int endpoint_parse(const char *text, struct endpoint *ep, char *err, size_t errlen)
{
	memset(ep, 0, sizeof(*ep));
	if (text == NULL || *text == 0)
		return ep_error(err, errlen, text ? text : "", "empty");
	if (strlen(text) > 256)
		return ep_error(err, errlen, text, "too long");
	if (text[0] == '/')
		return ep_unix(text, text, ep, err, errlen);
	if (strncmp(text, "unix:", 5) == 0)
		return ep_unix(text, text + 5, ep, err, errlen);
	if (strncmp(text, "local:", 6) == 0)
		return ep_unix(text, text + 6, ep, err, errlen);
	if (strncmp(text, "inet:", 5) == 0)
		return ep_split_inet(text, text + 5, 0, ep, err, errlen);
	if (strncmp(text, "inet6:", 6) == 0)
		return ep_split_inet(text, text + 6, 1, ep, err, errlen);
	return ep_error(err, errlen, text, "unknown transport");
}

/* ep_socket - a close-on-exec stream socket of the endpoint's family */
static int ep_socket(const struct endpoint *ep, int nonblock)
{
	return socket(ep->family, SOCK_STREAM | SOCK_CLOEXEC |
		      (nonblock ? SOCK_NONBLOCK : 0), 0);
}

/* ep_unix_stale - remove path if it is a socket nobody answers on */
static int ep_unix_stale(const struct endpoint *ep)
{
	struct stat st;
	int fd, r;

	if (lstat(ep->path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	if ((fd = ep_socket(ep, 0)) < 0)
		return -1;
	r = connect(fd, (const struct sockaddr *)&ep->ss, ep->len);
	close(fd);
	if (r == 0 || errno != ECONNREFUSED) {
		/* something answers (or may: EAGAIN, a full backlog) */
		if (r == 0)
			errno = EADDRINUSE;
		return -1;
	}
	return unlink(ep->path);
}

/* endpoint_listen - bound, listening, non-blocking, close-on-exec socket */
int endpoint_listen(const struct endpoint *ep, int backlog)
{
	int fd, one = 1, saved;

	if (ep->family == AF_UNIX && ep_unix_stale(ep) < 0)
		return -1;
	if ((fd = ep_socket(ep, 1)) < 0)
		return -1;
	if (ep->family != AF_UNIX)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&ep->ss, ep->len) < 0 ||
	    listen(fd, backlog) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* endpoint_listen_owned - a unix socket born with mode, then owned
   by uid/gid; the window between bind and chown is closed to others
   by the mode itself, which never widens */
int endpoint_listen_owned(const struct endpoint *ep, int backlog,
			  mode_t mode, uid_t uid, gid_t gid)
{
	mode_t old;
	int fd, saved;

	if (ep->family != AF_UNIX)
		return endpoint_listen(ep, backlog);
	old = umask(~mode & 0777);
	fd = endpoint_listen(ep, backlog);
	saved = errno;
	umask(old);
	if (fd >= 0 && (uid != (uid_t)-1 || gid != (gid_t)-1)
	    && lchown(ep->path, uid, gid) < 0) {
		saved = errno;
		close(fd);
		(void)unlink(ep->path);
		fd = -1;
	}
	errno = saved;
	return fd;
}

/* endpoint_connect - blocking connected socket; -1 with errno */
int endpoint_connect(const struct endpoint *ep)
{
	int fd, saved;

	if ((fd = ep_socket(ep, 0)) < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&ep->ss, ep->len) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* endpoint_file_get - after endpoint_listen: ep's socket file now */
void endpoint_file_get(const struct endpoint *ep, struct endpoint_file *f)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	if (ep->family == AF_UNIX && lstat(ep->path, &st) == 0) {
		snprintf(f->path, sizeof(f->path), "%s", ep->path);
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	}
}

/* endpoint_file_remove - unlink f's path if it is still f's file */
void endpoint_file_remove(const struct endpoint_file *f)
{
	struct stat st;

	if (f->path[0] && lstat(f->path, &st) == 0 && st.st_dev == f->dev
	    && st.st_ino == f->ino)
		(void)unlink(f->path);
}
