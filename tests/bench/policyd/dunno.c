/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	dunno - the benchmark's baseline: a policy server with no logic
 * SYNOPSIS
 *	policy-dunno PORT
 * DESCRIPTION
 *	One thread, epoll, 127.0.0.1:PORT; answers "action=DUNNO" to each
 *	request (an empty line ends one), nothing parsed, nothing logged.
 *	This is the fastest a policy server on this machine can be, so
 *	sluice-policyd's requests per second are compared against it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#define MAXFD 4096
static char last[MAXFD];	/* last byte seen per connection */

/* answer - count requests in what arrived, write one reply each */
static int answer(int fd, const char *buf, ssize_t n)
{
	static const char reply[] = "action=DUNNO\n\n";
	char out[4096];
	size_t o = 0;
	ssize_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' && last[fd] == '\n') {
			if (o + sizeof(reply) > sizeof(out))
				return -1;
			memcpy(out + o, reply, sizeof(reply) - 1);
			o += sizeof(reply) - 1;
			last[fd] = 0;
			continue;
		}
		last[fd] = buf[i];
	}
	return o && write(fd, out, o) != (ssize_t)o ? -1 : 0;
}

/* main - listen and answer until killed */
int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct epoll_event ev, evs[64];
	int lfd, ep, one = 1, n, i, fd;
	char buf[65536];
	ssize_t r;

	if (argc != 2) {
		fprintf(stderr, "usage: policy-dunno PORT\n");
		return 2;
	}
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lfd, 128) < 0) {
		perror("policy-dunno: bind");
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, 64, -1);
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == lfd) {
				fd = accept(lfd, NULL, NULL);
				if (fd < 0 || fd >= MAXFD) {
					if (fd >= 0)
						close(fd);
					continue;
				}
				last[fd] = 0;
				ev.events = EPOLLIN;
				ev.data.fd = fd;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r <= 0 || answer(fd, buf, r) < 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				close(fd);
			}
		}
	}
}
