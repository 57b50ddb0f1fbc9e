/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	nullmilter - the benchmark's baseline: a milter that continues everything
 * SYNOPSIS
 *	nullmilter [-a] SOCKET
 * DESCRIPTION
 *	Same libmilter as sluice-milter, no logic: every callback is
 *	defined and returns SMFIS_CONTINUE, so libmilter negotiates no
 *	stage away and the MTA sends connect, HELO, MAIL, RCPT, DATA,
 *	each header, end of headers, the body and end of message, waiting
 *	for each reply.
 *
 *	With -a, the floor of what a milter costs: every stage but MAIL
 *	is negotiated away and MAIL is answered with SMFIS_ACCEPT, so the
 *	MTA waits for one reply per message.
 *
 *	SOCKET is in libmilter's spelling (inet:PORT@127.0.0.1). Stops
 *	on SIGTERM (libmilter's own handling).
 */
#include <stdio.h>
#include <string.h>
#include <libmilter/mfapi.h>

/* go_* - continue, whatever the stage */
static sfsistat go_conn(SMFICTX *c, char *h, _SOCK_ADDR *a)
{ (void)c; (void)h; (void)a; return SMFIS_CONTINUE; }
static sfsistat go_str(SMFICTX *c, char *s) { (void)c; (void)s; return SMFIS_CONTINUE; }
static sfsistat go_argv(SMFICTX *c, char **v) { (void)c; (void)v; return SMFIS_CONTINUE; }
static sfsistat go_hdr(SMFICTX *c, char *n, char *v)
{ (void)c; (void)n; (void)v; return SMFIS_CONTINUE; }
static sfsistat go_body(SMFICTX *c, unsigned char *b, size_t n)
{ (void)c; (void)b; (void)n; return SMFIS_CONTINUE; }
static sfsistat go_ctx(SMFICTX *c) { (void)c; return SMFIS_CONTINUE; }
static sfsistat go_unknown(SMFICTX *c, const char *s)
{ (void)c; (void)s; return SMFIS_CONTINUE; }

/* floor_mail - -a: the message is accepted at MAIL */
static sfsistat floor_mail(SMFICTX *c, char **v) { (void)c; (void)v; return SMFIS_ACCEPT; }

/* floor_negotiate - -a: every stage but MAIL negotiated away */
static sfsistat floor_negotiate(SMFICTX *c, unsigned long f0, unsigned long f1,
				unsigned long f2, unsigned long f3,
				unsigned long *p0, unsigned long *p1,
				unsigned long *p2, unsigned long *p3)
{
	const unsigned long off = SMFIP_NOCONNECT | SMFIP_NOHELO |
	    SMFIP_NORCPT | SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOBODY |
	    SMFIP_NOUNKNOWN | SMFIP_NODATA;

	(void)c; (void)f0; (void)f2; (void)f3;
	*p0 = *p2 = *p3 = 0;
	*p1 = f1 & off;
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = "nullmilter", .xxfi_version = SMFI_VERSION,
	.xxfi_flags = 0, .xxfi_connect = go_conn, .xxfi_helo = go_str,
	.xxfi_envfrom = go_argv, .xxfi_envrcpt = go_argv,
	.xxfi_header = go_hdr, .xxfi_eoh = go_ctx, .xxfi_body = go_body,
	.xxfi_eom = go_ctx, .xxfi_abort = go_ctx, .xxfi_close = go_ctx,
	.xxfi_unknown = go_unknown, .xxfi_data = go_ctx,
};

int main(int argc, char **argv)
{
	const char *sock = argv[argc - 1];

	if (argc == 3 && strcmp(argv[1], "-a") == 0) {
		desc.xxfi_envfrom = floor_mail;
		desc.xxfi_negotiate = floor_negotiate;
	} else if (argc != 2) {
		fprintf(stderr, "usage: nullmilter [-a] SOCKET\n");
		return 2;
	}
	if (smfi_setconn((char *)sock) != MI_SUCCESS ||
	    smfi_register(desc) != MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot listen on %s\n", sock);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
