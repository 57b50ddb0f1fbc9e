/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	endpoint.t - Postfix and libmilter socket addresses; listen and connect
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "endpoint.h"
#include "../tap.h"

/* want: family, then the address text and port for inet, path for unix */
static const struct {
	const char *in;
	int family;
	const char *addr;
	unsigned port;
} good[] = {
	{ "unix:/run/sluice/policyd.sock", AF_UNIX, "/run/sluice/policyd.sock", 0 },
	{ "local:/var/run/milter.sock", AF_UNIX, "/var/run/milter.sock", 0 },
	{ "/tmp/x.sock", AF_UNIX, "/tmp/x.sock", 0 },
	{ "inet:127.0.0.1:10040", AF_INET, "127.0.0.1", 10040 },
	{ "inet:localhost:25", AF_INET, "127.0.0.1", 25 },
	{ "inet:[::1]:10040", AF_INET6, "::1", 10040 },
	{ "inet:[2001:db8::5]:65535", AF_INET6, "2001:db8::5", 65535 },
	{ "inet:8891@127.0.0.1", AF_INET, "127.0.0.1", 8891 },
	{ "inet:8891@localhost", AF_INET, "127.0.0.1", 8891 },
	{ "inet6:8891@::1", AF_INET6, "::1", 8891 },
	{ "inet6:8891@[::1]", AF_INET6, "::1", 8891 },
	{ "inet6:8891@localhost", AF_INET6, "::1", 8891 },
	{ "inet:8891", AF_INET, "0.0.0.0", 8891 },
	{ "inet:*:25", AF_INET, "0.0.0.0", 25 },
	{ "inet::25", AF_INET, "0.0.0.0", 25 },
	{ "inet:1@192.0.2.1", AF_INET, "192.0.2.1", 1 },
};

/* bad: input and a word the error must contain */
static const struct { const char *in; const char *why; } bad[] = {
	{ "", "empty" },
	{ "tcp:1.2.3.4:25", "unknown transport" },
	{ "unix:relative.sock", "absolute" },
	{ "unix:", "absolute" },
	{ "unix:/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "107" },
	{ "inet:127.0.0.1:0", "1 to 65535" },
	{ "inet:127.0.0.1:65536", "1 to 65535" },
	{ "inet:127.0.0.1:", "1 to 65535" },
	{ "inet:127.0.0.1:25x", "1 to 65535" },
	{ "inet:127.0.0.1:-25", "1 to 65535" },
	{ "inet:example.com:25", "literal address" },
	{ "inet:::1:25", "brackets" },
	{ "inet:[::1:25", "brackets" },
	{ "inet:@127.0.0.1", "1 to 65535" },
	{ "inet:x@127.0.0.1", "1 to 65535" },
	{ "inet:25@", "missing" },
	{ "inet:25@mail.example", "literal address" },
	{ "inet:[1.2.3.4]:25", "literal address" },
	{ "inet:999.1.1.1:25", "literal address" },
};

/* ep_text - the address and port (or path) of an endpoint */
static void ep_text(const struct endpoint *ep, char *buf, size_t len, unsigned *port)
{
	const struct sockaddr_in *sin = (const void *)&ep->ss;
	const struct sockaddr_in6 *sin6 = (const void *)&ep->ss;

	*port = 0;
	if (ep->family == AF_UNIX) {
		snprintf(buf, len, "%s", ((const struct sockaddr_un *)&ep->ss)->sun_path);
	} else if (ep->family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, buf, (socklen_t)len);
		*port = ntohs(sin->sin_port);
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, (socklen_t)len);
		*port = ntohs(sin6->sin6_port);
	}
}

/* test_unix_listen - listen, refuse to steal a live socket, remove a stale one */
static void test_unix_listen(void)
{
	char path[64], spec[80], err[256];
	struct endpoint ep;
	int l1, l2, c;

	snprintf(path, sizeof(path), "/tmp/sluice-ep-%ld.sock", (long)getpid());
	snprintf(spec, sizeof(spec), "unix:%s", path);
	unlink(path);
	ok(endpoint_parse(spec, &ep, err, sizeof(err)) == 0, "parse %s", spec);
	l1 = endpoint_listen(&ep, 8);
	ok(l1 >= 0, "listen on a fresh unix socket (errno %d)", l1 < 0 ? errno : 0);
	c = endpoint_connect(&ep);
	ok(c >= 0, "connect to it");
	if (c >= 0)
		close(c);
	errno = 0;
	l2 = endpoint_listen(&ep, 8);
	ok(l2 < 0 && errno == EADDRINUSE, "a live socket is not stolen (errno %d)", errno);
	close(l1);
	l2 = endpoint_listen(&ep, 8);
	ok(l2 >= 0, "a stale socket is replaced");
	if (l2 >= 0)
		close(l2);
	unlink(path);
}

/* test_inet_listen - 127.0.0.1 on a port of our own, then connect */
static void test_inet_listen(void)
{
	struct endpoint ep;
	char spec[64], err[256];
	int l = -1, c, i;

	/* find a free port: try a few derived from our pid */
	for (i = 0; i < 20 && l < 0; i++) {
		snprintf(spec, sizeof(spec), "inet:127.0.0.1:%d",
			 20000 + (int)((getpid() * 7 + i * 131) % 30000));
		if (endpoint_parse(spec, &ep, err, sizeof(err)) == 0)
			l = endpoint_listen(&ep, 8);
	}
	ok(l >= 0, "listen on %s", spec);
	c = l >= 0 ? endpoint_connect(&ep) : -1;
	ok(c >= 0, "connect to %s", spec);
	if (c >= 0)
		close(c);
	if (l >= 0)
		close(l);
}

int main(void)
{
	struct endpoint ep;
	char err[512], buf[128];
	unsigned port;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int r = endpoint_parse(good[i].in, &ep, err, sizeof(err));

		if (!ok(r == 0, "accept %s", good[i].in)) {
			diag("  error: %s", err);
			continue;
		}
		is_int(ep.family, good[i].family, "family of %s", good[i].in);
		ep_text(&ep, buf, sizeof(buf), &port);
		is_str(buf, good[i].addr, "address of %s", good[i].in);
		is_uint(port, good[i].port, "port of %s", good[i].in);
		if (ep.family == AF_UNIX)
			is_str(ep.path, good[i].addr, "path field of %s", good[i].in);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		ok(endpoint_parse(bad[i].in, &ep, err, sizeof(err)) < 0,
		   "refuse \"%s\"", bad[i].in);
		ok(strstr(err, bad[i].in) != NULL, "error names the input: %s", err);
		ok(strstr(err, "inet:port@host") && strstr(err, "unix:/path"),
		   "error says what is accepted");
		if (bad[i].why)
			ok(strstr(err, bad[i].why) != NULL, "error says \"%s\"", bad[i].why);
	}
	test_unix_listen();
	test_inet_listen();
	return done_testing();
}
