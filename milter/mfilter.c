/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	mfilter - sluice-milter's libmilter callbacks
 * DESCRIPTION
 *	See mfilter.h. Each session holds a reference to the
 *	configuration it started with; the shared throttle lives in
 *	mstate(3), whose shard locks are the only locks on the hot path
 *	(g.mu guards the configuration pointer, taken once per session;
 *	mailev(3)'s lock the event log, written only when something
 *	happens).
 *
 *	Fail-safe choices: a session the filter cannot track (no memory)
 *	is passed; an MTA that does not offer quarantine gets 451 4.7.1
 *	for what would have been held, so nothing a throttle must stop
 *	is delivered quietly.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "clock.h"
#include "daemon.h"
#include "mailquar.h"
#include "mfilter.h"
#include "mparse.h"
#include "mailev.h"
#include "mailnotify.h"
#include "msample.h"

struct msess {
	struct mconf *conf;		/* referenced for the session */
	int can_quarantine;		/* the MTA offered SMFIF_QUARANTINE */
	int can_skip;			/* the MTA understands SMFIS_SKIP */
	int envelope_only;		/* no connect/HELO: client from MAIL */
	int mail_noreply;		/* SMFIP_NR_MAIL: MAIL gets no reply */
	char client[ADDR_STRLEN];
	char sasl[MAILADDR_MAX];
	char sender[MAILADDR_MAX];
	/* the message in progress */
	int hold;			/* quarantine at end of message */
	int locked;			/* ... until the operator releases it */
	struct mstate_ticket *holds;	/* hold mode: its queued recipients */
	int honeytoken;
	char identity[MAILADDR_IDENT_MAX];
	char token_rcpt[MAILADDR_MAX];
	char reason[200];
	char qid[MSTATE_QID_MAX];	/* at end of message */
	struct msample *sample;		/* only for honeytoken messages */
};

static struct {
	pthread_mutex_t mu;		/* the conf pointer */
	struct mstate *state;
	struct mconf *conf;
	void (*kick)(void);
	struct mailev *events;
	int warned_quarantine;		/* said once, not per connection */
	struct {			/* the counters both filters keep */
		uint64_t rcpt, passed, delayed, held, deferred, rejected;
		uint64_t released, honeytokens, quarantines, malformed;
	} n;
} g = { .mu = PTHREAD_MUTEX_INITIALIZER };

#define COUNT(f) __atomic_add_fetch(&g.n.f, 1, __ATOMIC_RELAXED)
#define READ(f) __atomic_load_n(&g.n.f, __ATOMIC_RELAXED)

/* mfilter_stats - the verdict counters */
void mfilter_stats(struct mailctl_stats *out)
{
	out->rcpt = READ(rcpt);
	out->passed = READ(passed);
	out->delayed = READ(delayed);
	out->held = READ(held);
	out->deferred = READ(deferred);
	out->rejected = READ(rejected);
	out->released = READ(released);
	out->honeytokens = READ(honeytokens);
	out->quarantines = READ(quarantines);
	out->malformed = READ(malformed);
}

/* mfilter_released - n held messages left the hold queue */
void mfilter_released(unsigned n)
{
	__atomic_add_fetch(&g.n.released, n, __ATOMIC_RELAXED);
}

/* mfilter_start - what the callbacks use */
void mfilter_start(struct mstate *state, struct mconf *conf,
		   void (*kick)(void), struct mailev *events)
{
	g.state = state;
	g.events = events;
	g.conf = mconf_ref(conf);
	g.kick = kick;
}

/* mfilter_set_conf - new sessions get conf; running ones keep theirs */
void mfilter_set_conf(struct mconf *conf)
{
	struct mconf *old;

	pthread_mutex_lock(&g.mu);
	old = g.conf;
	g.conf = mconf_ref(conf);
	pthread_mutex_unlock(&g.mu);
	mconf_unref(old);
}

/* sess_get - the session of ctx, created on first use; NULL on ENOMEM */
static struct msess *sess_get(SMFICTX *ctx)
{
	struct msess *s = smfi_getpriv(ctx);

	if (s != NULL)
		return s;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	pthread_mutex_lock(&g.mu);
	s->conf = mconf_ref(g.conf);
	pthread_mutex_unlock(&g.mu);
	s->can_quarantine = 1;
	smfi_setpriv(ctx, s);
	return s;
}

/* msg_reset - forget the message, keep the connection */
static void msg_reset(struct msess *s)
{
	mstate_cancel(g.state, s->holds);
	s->holds = NULL;
	s->hold = s->locked = s->honeytoken = 0;
	s->identity[0] = s->token_rcpt[0] = s->reason[0] = s->qid[0] = 0;
	s->sasl[0] = s->sender[0] = 0;
	msample_free(s->sample);
	s->sample = NULL;
}

/* emit - one event about this session's message (res may be NULL),
   with nx fields of its own */
static void emit(struct msess *s, const char *type, const char *verdict,
		 const struct mailthr_result *res, const struct event_field *x,
		 size_t nx)
{
	struct mailev_about a = { .client = s->client, .sender = s->sender,
				  .sasl = s->sasl, .queue_id = s->qid,
				  .res = res };

	if (res == NULL)
		a.identity = s->identity;
	if (mailev_emit(g.events, sl_monotonic_ns(), type, verdict, &a, x,
			nx) < 0)
		daemon_log(LOG_WARNING, "event log: %m; events are counted as "
			   "lost (status events_lost) until it takes them again");
}

/* reply - a custom SMTP reply of class cls (4 or 5) from a mailthr text;
   libmilter sends it only when its first digit matches the verdict */
static sfsistat reply(SMFICTX *ctx, int cls, const char *text)
{
	char xcode[12], msg[MPARSE_REPLY_MAX];

	mparse_reply(text, cls, xcode, msg, sizeof(msg));
	if (smfi_setreply(ctx, cls == 4 ? "451" : "550", xcode, msg) !=
	    MI_SUCCESS)
		daemon_log(LOG_WARNING, "smfi_setreply %s refused \"%s\"",
			   xcode, msg);
	return cls == 4 ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

/* on_honeytoken - event, quarantine request, sample */
static void on_honeytoken(struct msess *s, const struct mailthr_result *res)
{
	const char *q = "whitelisted";

	if (!res->whitelisted) {
		s->honeytoken = 1;
		snprintf(s->token_rcpt, sizeof(s->token_rcpt), "%s",
			 res->recipient);
		q = res->observe ? "observe" : res->quarantine_client ?
		    mailquar_request(&s->conf->mail, &s->conf->core,
				     s->client) : "no client";
		if (strcmp(q, "requested") == 0)
			COUNT(quarantines);
		if (s->conf->sample_dir && s->sample == NULL)
			s->sample = msample_create(s->conf->sample_max);
	}
	emit(s, "honeytoken", res->whitelisted ? "pass" : "hold", res,
	     (struct event_field[]){ EF_S("client_quarantine", q) }, 1);
}

/* on_hold - mark the message for quarantine at end of message; t is
   the hold ticket of a recipient queued in hold mode (the message is
   released with it), NULL for a lockout (released by the operator) */
static sfsistat on_hold(SMFICTX *ctx, struct msess *s, struct mstate_ticket *t,
			const struct mailthr_result *res)
{
	if (!s->can_quarantine) {
		mstate_cancel(g.state, t);
		return reply(ctx, 4, "4.7.1 Sender throttled; try again later");
	}
	if (t)
		mstate_chain(&s->holds, t);
	else
		s->locked = 1;
	if (!s->hold || t == NULL)
		mparse_reason(s->reason, sizeof(s->reason), "sluice: %s (%s)",
			      s->honeytoken ? "honeytoken recipient" :
			      res->text, res->identity);
	s->hold = 1;
	snprintf(s->identity, sizeof(s->identity), "%s", res->identity);
	return SMFIS_CONTINUE;
}

/* on_wait - sleep until the recipient's release or max_delay */
static sfsistat on_wait(SMFICTX *ctx, struct msess *s,
			struct mstate_ticket *t, const struct mailthr_result *res)
{
	uint64_t deadline = sl_monotonic_ns() + s->conf->mail.max_delay;

	if (g.kick)
		g.kick();
	if (mstate_wait(g.state, t, deadline)) {
		COUNT(released);
		return SMFIS_CONTINUE;
	}
	emit(s, "throttle", mailev_verdict(MAILTHR_DEFER), res, NULL, 0);
	return reply(ctx, 4, res->text);
}

/* decide - act on one recipient's verdict */
static sfsistat decide(SMFICTX *ctx, struct msess *s, enum mailthr_verdict v,
		       struct mstate_ticket *t, const struct mailthr_result *res)
{
	COUNT(rcpt);
	switch (v) {
	case MAILTHR_PASS:
		COUNT(passed);
		return SMFIS_CONTINUE;
	case MAILTHR_WAIT:
		COUNT(delayed);
		return on_wait(ctx, s, t, res);
	case MAILTHR_HOLD:
		COUNT(held);
		return on_hold(ctx, s, t, res);
	case MAILTHR_DEFER:
		COUNT(deferred);
		return reply(ctx, 4, res->text);
	case MAILTHR_REJECT:
		COUNT(rejected);
		return reply(ctx, 5, res->text);
	default:
		daemon_log(LOG_ERR, "unknown verdict %d: passed", (int)v);
		return SMFIS_CONTINUE;
	}
}

/* note_event - the events mailthr reports for one recipient (raw is
   the recipient as the MTA gave it) */
static void note_event(struct msess *s, enum mailthr_verdict v,
		       const struct mailthr_result *res, const char *raw)
{
	const char *vn = mailev_verdict(v);

	switch (res->event) {
	case MAILTHR_EV_NONE:
		break;
	case MAILTHR_EV_DELAYED:
		emit(s, "throttle", vn, res, NULL, 0);
		break;
	case MAILTHR_EV_LOCKOUT:
		if (v == MAILTHR_HOLD)
			mailnotify_held(&s->conf->mail, "sluice-milter",
					res->identity, "locked out");
		emit(s, "lockout", vn, res, NULL, 0);
		break;
	case MAILTHR_EV_HONEYTOKEN:
		COUNT(honeytokens);
		if (v == MAILTHR_HOLD && !res->whitelisted)
			mailnotify_held(&s->conf->mail, "sluice-milter",
					res->identity, "honeytoken recipient");
		on_honeytoken(s, res);
		break;
	case MAILTHR_EV_MALFORMED:
		COUNT(malformed);
		emit(s, "malformed", vn, res, (struct event_field[]){
			EF_S("recipient_raw", raw) }, 1);
		break;
	default:
		break;
	}
}

/* ask_macros - the macros we use, at the stages we read them; with
   lean, {client_addr} at MAIL (connect is negotiated away) */
static void ask_macros(SMFICTX *ctx, int lean)
{
	if (!lean)
		smfi_setsymlist(ctx, SMFIM_CONNECT, "{client_addr}");
	smfi_setsymlist(ctx, SMFIM_ENVFROM,
			lean ? "{client_addr} {auth_authen}" : "{auth_authen}");
	smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i");
	smfi_setsymlist(ctx, SMFIM_DATA, "i");
	smfi_setsymlist(ctx, SMFIM_EOM, "i");
}

/* on_negotiate - ask the MTA for the stages and macros we use only */
static sfsistat on_negotiate(SMFICTX *ctx, unsigned long f0,
			     unsigned long f1, unsigned long f2,
			     unsigned long f3, unsigned long *pf0,
			     unsigned long *pf1, unsigned long *pf2,
			     unsigned long *pf3)
{
	const unsigned long lean_off = SMFIP_NOCONNECT | SMFIP_NOHELO;
	struct msess *s = sess_get(ctx);
	unsigned long off = SMFIP_NOUNKNOWN;
	int lean;

	(void)f2;
	(void)f3;
	/*
	 * Headers and body cost a round trip each per message; Postfix
	 * with a filter that takes them ran at about 60% of Postfix alone
	 * here. Only honeytoken samples need them, and a message without
	 * one is accepted at DATA (on_data), so they are never sent for
	 * it. DATA stays: measured with Postfix 3.7 and Debian's
	 * libmilter, negotiating it away (SMFIP_NODATA) cut throughput
	 * from about 480 to 300 messages a second.
	 *
	 * Where the MTA can leave out connect and HELO and send the
	 * client address at MAIL (Postfix, sendmail 8.14+), the envelope
	 * is all we are sent; MAIL's answer is always continue, so it
	 * gets no reply either (SMFIP_NR_MAIL). Elsewhere (miltertest,
	 * older MTAs) connect and HELO stay as before.
	 */
	if (s == NULL || s->conf->sample_dir == NULL)
		off |= SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOBODY;
	lean = s != NULL && (f0 & SMFIF_SETSYMLIST) &&
	       (f1 & lean_off) == lean_off;
	if (lean)
		off |= lean_off | SMFIP_NR_MAIL;
	*pf0 = f0 & (SMFIF_QUARANTINE | SMFIF_SETSYMLIST);
	*pf1 = f1 & (off | SMFIP_SKIP);
	*pf2 = *pf3 = 0;
	if (s) {
		s->can_quarantine = (f0 & SMFIF_QUARANTINE) != 0;
		s->can_skip = (f1 & SMFIP_SKIP) != 0;
		s->envelope_only = lean;
		s->mail_noreply = (*pf1 & SMFIP_NR_MAIL) != 0;
	}
	if (!(f0 & SMFIF_QUARANTINE) &&
	    !__atomic_exchange_n(&g.warned_quarantine, 1, __ATOMIC_RELAXED))
		daemon_log(LOG_WARNING, "MTA offers no quarantine: held mail "
		     "will get 451 4.7.1 instead");
	if (f0 & SMFIF_SETSYMLIST)
		ask_macros(ctx, lean);
	return SMFIS_CONTINUE;
}

/* on_connect - the client address, from the socket or {client_addr} */
static sfsistat on_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	struct msess *s = sess_get(ctx);

	(void)host;
	if (s == NULL)
		return SMFIS_ACCEPT;	/* cannot track it: fail open */
	if (mparse_sockaddr(sa, s->client) < 0)
		mparse_client_macro(smfi_getsymval(ctx, "{client_addr}"),
				    s->client);
	return SMFIS_CONTINUE;
}

/* on_helo - nothing to decide; defined so the MTA sends it (miltertest
   waits for a reply at conninfo when connect or helo is missing) */
static sfsistat on_helo(SMFICTX *ctx, char *name)
{
	(void)ctx;
	(void)name;
	return SMFIS_CONTINUE;
}

/* on_envfrom - sender and SASL user of a new message */
static sfsistat on_envfrom(SMFICTX *ctx, char **argv)
{
	struct msess *s = sess_get(ctx);

	if (s == NULL)
		return SMFIS_ACCEPT;
	msg_reset(s);
	if (s->envelope_only)
		mparse_client_macro(smfi_getsymval(ctx, "{client_addr}"),
				    s->client);
	if (mparse_path((const char *const *)argv, s->sender,
			sizeof(s->sender)) < 0)
		s->sender[0] = 0;	/* unusable: identity falls through */
	mparse_value(smfi_getsymval(ctx, "{auth_authen}"), s->sasl,
		     sizeof(s->sasl));
	return s->mail_noreply ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* on_envrcpt - the throttle decides this recipient */
static sfsistat on_envrcpt(SMFICTX *ctx, char **argv)
{
	struct msess *s = sess_get(ctx);
	char rcpt[MAILADDR_MAX];
	struct mailthr_result res;
	struct mstate_ticket *t;
	struct mailaddr_req r;
	enum mailthr_verdict v;

	if (s == NULL)
		return SMFIS_CONTINUE;
	if (mparse_path((const char *const *)argv, rcpt, sizeof(rcpt)) < 0)
		rcpt[0] = 0;		/* mailthr reports it malformed */
	if (s->qid[0] == 0)		/* Postfix: after the first RCPT */
		mparse_value(smfi_getsymval(ctx, "i"), s->qid, sizeof(s->qid));
	r.sasl_user = s->sasl;
	r.sender = s->sender;
	r.client_addr = s->client;
	r.recipient = rcpt;
	v = mstate_rcpt(g.state, &r, sl_monotonic_ns(), &res, &t);
	note_event(s, v, &res, argv && argv[0] ? argv[0] : "");
	return decide(ctx, s, v, t, &res);
}

/* on_data - all recipients are known: a message nothing is to be
   done with at its end (no hold, no sample) is accepted here, so the
   MTA sends this filter neither its headers, body nor end */
static sfsistat on_data(SMFICTX *ctx)
{
	struct msess *s = smfi_getpriv(ctx);

	if (s == NULL)
		return SMFIS_ACCEPT;
	if (s->hold || s->sample)
		return SMFIS_CONTINUE;
	msg_reset(s);
	return SMFIS_ACCEPT;
}

/* on_header - collect a honeytoken message's headers */
static sfsistat on_header(SMFICTX *ctx, char *name, char *value)
{
	struct msess *s = smfi_getpriv(ctx);

	if (s && s->sample)
		msample_header(s->sample, name ? name : "", value ? value : "");
	return SMFIS_CONTINUE;
}

/* on_eoh - the blank line between headers and body */
static sfsistat on_eoh(SMFICTX *ctx)
{
	struct msess *s = smfi_getpriv(ctx);

	if (s && s->sample)
		msample_add(s->sample, "\r\n", 2);
	return SMFIS_CONTINUE;
}

/* on_body - collect a honeytoken message's body; skip any other's */
static sfsistat on_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
	struct msess *s = smfi_getpriv(ctx);

	if (s && s->sample) {
		msample_add(s->sample, data, len);
		return SMFIS_CONTINUE;
	}
	return s && s->can_skip ? SMFIS_SKIP : SMFIS_CONTINUE;
}

/* keep_sample - write the honeytoken sample; its hash, or NULL */
static const char *keep_sample(struct msess *s, char hex[MSAMPLE_HEX])
{
	if (s->sample == NULL || s->conf->sample_dir == NULL)
		return NULL;
	if (msample_write(s->sample, s->conf->sample_dir, hex) < 0) {
		daemon_log(LOG_WARNING, "sample in %s: %m",
			   s->conf->sample_dir);
		return NULL;
	}
	return hex;
}

/* held - hand the hold tickets over; 1 if the message must be held */
static int held(struct msess *s, const char *qid, const char **release)
{
	unsigned pending = mstate_pending(g.state, s->holds);
	unsigned waiting = mstate_hold(g.state, s->holds, qid);

	s->holds = NULL;
	if (s->locked) {
		*release = "operator";
		return 1;
	}
	if (waiting) {
		*release = "throttle";
		return 1;
	}
	if (pending) {			/* no usable queue id */
		*release = "operator";
		return 1;
	}
	return 0;			/* all released before the end */
}

/* on_eom - quarantine what must be held, keep the sample */
static sfsistat on_eom(SMFICTX *ctx)
{
	struct msess *s = smfi_getpriv(ctx);
	char hex[MSAMPLE_HEX];
	const char *sample, *release = "";

	if (s == NULL)
		return SMFIS_CONTINUE;
	sample = keep_sample(s, hex);
	if (mparse_value(smfi_getsymval(ctx, "i"), s->qid, sizeof(s->qid)) < 0)
		s->qid[0] = 0;
	if (s->hold && held(s, s->qid, &release)) {
		if (smfi_quarantine(ctx, s->reason) != MI_SUCCESS)
			daemon_log(LOG_ERR, "smfi_quarantine %s failed",
				   s->qid);
		if (strcmp(release, "operator") == 0 &&
		    mstate_hold_operator(g.state, s->identity, s->qid) < 0)
			daemon_log(LOG_WARNING, "held message %s of %s not "
				   "tracked: release it with postsuper -H",
				   s->qid[0] ? s->qid : "(no queue id)",
				   s->identity);
		emit(s, "hold", "hold", NULL, (struct event_field[]){
			EF_S("release", release), EF_S("sample", sample) }, 2);
	}
	msg_reset(s);
	return SMFIS_CONTINUE;
}

/* on_abort - the message ended early; the connection goes on */
static sfsistat on_abort(SMFICTX *ctx)
{
	struct msess *s = smfi_getpriv(ctx);

	if (s)
		msg_reset(s);
	return SMFIS_CONTINUE;
}

/* on_close - end of the connection */
static sfsistat on_close(SMFICTX *ctx)
{
	struct msess *s = smfi_getpriv(ctx);

	if (s == NULL)
		return SMFIS_CONTINUE;
	smfi_setpriv(ctx, NULL);
	msg_reset(s);
	mconf_unref(s->conf);
	free(s);
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = "sluice-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_QUARANTINE,
	.xxfi_connect = on_connect,
	.xxfi_helo = on_helo,
	.xxfi_envfrom = on_envfrom,
	.xxfi_envrcpt = on_envrcpt,
	.xxfi_header = on_header,
	.xxfi_eoh = on_eoh,
	.xxfi_body = on_body,
	.xxfi_data = on_data,
	.xxfi_eom = on_eom,
	.xxfi_abort = on_abort,
	.xxfi_close = on_close,
	.xxfi_negotiate = on_negotiate,
};

/* mfilter_desc - for smfi_register */
struct smfiDesc *mfilter_desc(void)
{
	return &desc;
}
