/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	sluiced_ownaddr - unit test of own-address messages and resolv.conf
 *	(nft-expr/ownaddr.c, nft-expr/sdexempt.c)
 * DESCRIPTION
 *	rtnetlink address messages are built with libmnl as the kernel
 *	sends them: the address each adds or removes (IFA_LOCAL before
 *	IFA_ADDRESS, which is the peer's on a point-to-point link), and
 *	nothing from other messages, other families, attributes of the
 *	wrong length or a message cut short. Then the nameserver lines of
 *	a resolv.conf, with the comments, options and junk it may hold.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "daemon/ownaddr.h"
#include "daemon/sdexempt.h"
#include "../tap.h"

struct spec {
	const char *name;
	uint16_t type;		/* RTM_NEWADDR, RTM_DELADDR, other */
	uint8_t family;		/* AF_INET, AF_INET6, other */
	const char *address, *local;	/* NULL: attribute absent */
	int attr_len;		/* 0: the family's; else this (wrong) one */
	int cut;		/* bytes cut from nlmsg_len */
	enum ownaddr_change want;
	const char *want_addr;
};

static const struct spec specs[] = {
	{ "v4 new", RTM_NEWADDR, AF_INET, "10.77.1.1", NULL, 0, 0, OWNADDR_NEW, "10.77.1.1" },
	{ "v4 del", RTM_DELADDR, AF_INET, "10.77.1.2", NULL, 0, 0, OWNADDR_DEL, "10.77.1.2" },
	{ "v4 ptp: local, not the peer", RTM_NEWADDR, AF_INET, "192.0.2.9", "192.0.2.1",
	  0, 0, OWNADDR_NEW, "192.0.2.1" },
	{ "v6 new", RTM_NEWADDR, AF_INET6, "fd77:1::1", NULL, 0, 0, OWNADDR_NEW, "fd77:1::1" },
	{ "v6 del", RTM_DELADDR, AF_INET6, "fe80::1", NULL, 0, 0, OWNADDR_DEL, "fe80::1" },
	{ "a link message", RTM_NEWLINK, AF_INET, "10.77.1.1", NULL, 0, 0, OWNADDR_NONE, NULL },
	{ "another family", RTM_NEWADDR, 17, "10.77.1.1", NULL, 0, 0, OWNADDR_NONE, NULL },
	{ "no address", RTM_NEWADDR, AF_INET, NULL, NULL, 0, 0, OWNADDR_NONE, NULL },
	{ "v4 address of 16 bytes", RTM_NEWADDR, AF_INET, "10.77.1.1", NULL, 16, 0,
	  OWNADDR_NONE, NULL },
	{ "v6 address of 4 bytes", RTM_NEWADDR, AF_INET6, "fd77:1::1", NULL, 4, 0,
	  OWNADDR_NONE, NULL },
	{ "cut inside the header", RTM_NEWADDR, AF_INET, "10.77.1.1", NULL, 0, 12,
	  OWNADDR_NONE, NULL },
};

/* put_addr - one address attribute of the spec's length */
static void put_addr(struct nlmsghdr *nlh, uint16_t type, const struct spec *s,
		     const char *text)
{
	uint8_t b[16] = { 0 };
	int fam = strchr(text, ':') ? AF_INET6 : AF_INET;
	size_t len = s->attr_len ? (size_t)s->attr_len : fam == AF_INET ? 4 : 16;

	inet_pton(fam, text, b);
	mnl_attr_put(nlh, type, len, b);
}

/* build - the message of spec s in buf */
static struct nlmsghdr *build(char *buf, const struct spec *s)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = s->type;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = s->family;
	ifa->ifa_prefixlen = s->family == AF_INET ? 24 : 64;
	if (s->address)
		put_addr(nlh, IFA_ADDRESS, s, s->address);
	if (s->local)
		put_addr(nlh, IFA_LOCAL, s, s->local);
	if (s->cut)
		nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(*ifa) - (unsigned)s->cut;
	return nlh;
}

/* test_msgs - every spec */
static void test_msgs(void)
{
	char buf[512], got[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct sl_addr a;
		enum ownaddr_change c;

		memset(&a, 0, sizeof(a));
		c = ownaddr_msg(build(buf, &specs[i]), &a);
		is_int(c, specs[i].want, "%s: change", specs[i].name);
		if (specs[i].want_addr != NULL)
			is_str(addr_format(&a, got), specs[i].want_addr, "%s: address",
			       specs[i].name);
	}
}

/* test_resolvers - nameserver lines only, scopes cut, junk skipped */
static void test_resolvers(void)
{
	char path[64], got[ADDR_STRLEN];
	struct sl_addr r[SDEXEMPT_RESOLVERS_MAX];
	static const char *const want[] = { "10.77.1.13", "fe80::53", "2001:db8::53" };
	FILE *fp;
	int n, i;

	snprintf(path, sizeof(path), "/tmp/sluice-resolv.%ld", (long)getpid());
	fp = fopen(path, "w");
	fprintf(fp, "# generated\nsearch lab.example\nnameserver 10.77.1.13\n"
		"nameserver fe80::53%%eth0\n  nameserver\t2001:db8::53  # tab\n"
		"nameserver not-an-address\nnameserverx 10.0.0.9\noptions ndots:2\n"
		";nameserver 10.0.0.8\n");
	fclose(fp);
	n = sdexempt_resolvers(path, r, SDEXEMPT_RESOLVERS_MAX);
	is_int(n, 3, "three resolvers read");
	for (i = 0; i < n && i < 3; i++)
		is_str(addr_format(&r[i], got), want[i], "resolver %d", i);
	is_int(sdexempt_resolvers(path, r, 1), 1, "at most max read");
	unlink(path);
	is_int(sdexempt_resolvers(path, r, SDEXEMPT_RESOLVERS_MAX), -1,
	       "a missing file is -1");
}

int main(void)
{
	test_msgs();
	test_resolvers();
	return done_testing();
}
