/*
 * NAME
 *	sluiced - the netfilter agent: Williamson and credit throttles on NFQUEUE
 * SYNOPSIS
 *	sluiced [-f] [-n] [-c FILE]
 * DESCRIPTION
 *	Start-up: read the configuration (exit 2 if it is bad), install
 *	table inet sluice unless "ruleset = none", bind the queues, then
 *	run one epoll loop over the signalfd and the queue socket.
 *	SIGHUP reloads the configuration keeping all state; SIGTERM and
 *	SIGINT accept every held packet, remove the table and exit 0, so
 *	that `nft list ruleset` is exactly what it was before the start.
 *	sluiced(8) is the manual.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "daemon.h"
#include "nfqueue.h"
#include "nftrules.h"
#include "sdconf.h"

#define ERRLEN 512

struct sluiced {
	const char *path;
	struct sd_conf conf;
	struct nftrules *nft;	/* NULL with ruleset = none */
	struct nfqueue *q;
	int sfd, efd;
	int stop;
};

/* closed_zones - does any zone fail closed */
static int closed_zones(const struct sd_conf *c)
{
	size_t i;

	for (i = 0; i < c->nzones; i++)
		if (c->zones[i].fail == SD_FAIL_CLOSED)
			return 1;
	return 0;
}

/* ruleset_up - install our table (ruleset = own) and say which queue
   expression the kernel took */
static void ruleset_up(struct sluiced *s)
{
	struct nftrules_conf nc = {
		.table = s->conf.table, .hooks = s->conf.hook_mask,
		.priority = 0, .queue_num = (uint16_t)s->conf.queue_num,
		.closed_queue = (uint16_t)(s->conf.queue_num + 1),
	};
	char err[ERRLEN];

	if (s->conf.ruleset == SD_RULESET_NONE) {
		slog(LOG_INFO, "ruleset none: installing nothing; your ruleset "
		     "queues to %u", s->conf.queue_num);
		return;
	}
	if ((s->nft = nftrules_open()) == NULL)
		slog_die(1, "netfilter netlink socket: %s", strerror(errno));
	if (nftrules_install(s->nft, &nc, err, sizeof(err)) < 0)
		slog_die(1, "%s", err);
	slog(LOG_INFO, "ruleset own: table inet %s installed, queue %u "
	     "(fail-open) and %u (fail-closed zones) using the %s",
	     s->conf.table, nc.queue_num, nc.closed_queue,
	     nftq_kind_name(nftrules_queue_kind(s->nft)));
}

/* ruleset_down - remove our table, if we installed one */
static void ruleset_down(struct sluiced *s)
{
	char err[ERRLEN];

	if (s->nft == NULL)
		return;
	if (nftrules_remove(s->nft, err, sizeof(err)) < 0)
		slog(LOG_ERR, "%s", err);
	else
		slog(LOG_INFO, "table inet %s removed", s->conf.table);
	nftrules_close(s->nft);
	s->nft = NULL;
}

/* queue_up - bind the fail-open queue, and the fail-closed one if used */
static void queue_up(struct sluiced *s)
{
	struct nfqueue_conf qc = {
		.queue = { (uint16_t)s->conf.queue_num,
			   (uint16_t)(s->conf.queue_num + 1) },
		.fail_open = { s->conf.fail_open, 0 },
		.nqueues = closed_zones(&s->conf) ? 2 : 1,
		.maxlen = s->conf.queue_maxlen,
		.rcvbuf = (int)s->conf.socket_buffer,
		.copy_range = 256,
	};
	char err[ERRLEN];

	if ((s->q = nfqueue_open(&qc, err, sizeof(err))) == NULL) {
		ruleset_down(s);
		slog_die(1, "%s", err);
	}
}

/* on_packet - the verdict for one queued packet */
static void on_packet(void *ctx, const struct nfqueue_pkt *p)
{
	struct sluiced *s = ctx;

	nfqueue_verdict(s->q, p->queue, p->id, NF_ACCEPT);
}

/* reload - SIGHUP: a new configuration, or the old one if it is bad */
static void reload(struct sluiced *s)
{
	struct sd_conf next;
	char err[ERRLEN];

	if (sdconf_load(s->path, &next, err, sizeof(err)) < 0) {
		slog(LOG_ERR, "reload refused, keeping the running configuration: %s",
		     err);
		return;
	}
	sdconf_release(&s->conf);
	s->conf = next;
	slog(LOG_INFO, "configuration reloaded from %s", s->path);
}

/* on_signal - drain the signalfd */
static void on_signal(struct sluiced *s)
{
	struct signalfd_siginfo si;

	while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(s);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			slog(LOG_INFO, "signal %u: stopping", si.ssi_signo);
			s->stop = 1;
		}
	}
}

/* loop_add - watch fd for input */
static void loop_add(struct sluiced *s, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (epoll_ctl(s->efd, EPOLL_CTL_ADD, fd, &ev) < 0)
		slog_die(1, "epoll_ctl: %s", strerror(errno));
}

/* loop - until SIGTERM/SIGINT */
static void loop(struct sluiced *s)
{
	struct epoll_event ev[8];
	int n, i;

	while (!s->stop) {
		n = epoll_wait(s->efd, ev, 8, -1);
		if (n < 0 && errno != EINTR)
			slog_die(1, "epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			if (ev[i].data.fd == s->sfd)
				on_signal(s);
			else if (nfqueue_read(s->q, on_packet, s) < 0)
				slog(LOG_WARNING, "queue read: %s", strerror(errno));
		}
		if (nfqueue_flush(s->q) < 0)
			slog(LOG_WARNING, "queue verdicts: %s", strerror(errno));
	}
}

/* log_counters - the queue's counters, at stop */
static void log_counters(struct sluiced *s)
{
	struct nfqueue_stats st;

	nfqueue_stats(s->q, &st);
	slog(LOG_INFO, "queue: %llu packets, %llu accepted, %llu dropped, "
	     "%llu held now; %llu batch and %llu single verdicts in %llu sends",
	     (unsigned long long)st.packets, (unsigned long long)st.accepts,
	     (unsigned long long)st.drops, (unsigned long long)st.held_now,
	     (unsigned long long)st.batches, (unsigned long long)st.singles,
	     (unsigned long long)st.sends);
}

static const char usage[] = "[-f] [-n] [-c FILE]";

int main(int argc, char **argv)
{
	struct sluiced s = { .sfd = -1, .efd = -1 };
	struct daemon_opts o;
	char err[ERRLEN];

	daemon_args(argc, argv, "sluiced", usage, NULL, NULL, &o);
	s.path = o.config;
	if (sdconf_load(s.path, &s.conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "sluiced: %s\n", err);
		return 2;
	}
	if (o.check_only) {
		printf("%s: configuration ok\n", s.path);
		sdconf_release(&s.conf);
		return 0;
	}
	slog_open("sluiced", o.foreground, LOG_DAEMON);
	if (!o.foreground && daemon(0, 0) < 0)
		slog_die(1, "daemon: %s", strerror(errno));
	if ((s.sfd = daemon_signalfd()) < 0 || (s.efd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		slog_die(1, "signals: %s", strerror(errno));
	ruleset_up(&s);
	queue_up(&s);
	loop_add(&s, s.sfd);
	loop_add(&s, nfqueue_fd(s.q));
	slog(LOG_INFO, "sluiced %s started, %zu zone(s)", SLUICE_VERSION,
	     s.conf.nzones);
	loop(&s);
	log_counters(&s);
	nfqueue_close(s.q);
	ruleset_down(&s);
	sdconf_release(&s.conf);
	close(s.efd);
	close(s.sfd);
	slog(LOG_INFO, "stopped");
	return 0;
}
