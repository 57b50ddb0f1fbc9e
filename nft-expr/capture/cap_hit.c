/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	cap_hit - what a hit on a dark address leaves
 * DESCRIPTION
 *	See cap_hit.h. The sample is hashed even without a sample_dir, so
 *	the event names the content either way. The store's age sweep
 *	reads the directory: it runs at start and every CAP_HIT_SWEEP_S,
 *	not per packet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "capture/cap_hit.h"
#include "capture/cap_limit.h"
#include "capture/cap_store.h"
#include "queue/pkt.h"

#define CAP_HIT_SWEEP_S 600
#define CAP_HIT_LIMIT_MEM (4 << 20)	/* sources the rate limit tracks */

struct cap_hit {
	struct cap_hit_ops ops;
	void *ctx;
	struct cap_store *store;	/* NULL without sample_dir */
	struct cap_limit *limit;
	unsigned sample_bytes;
	uint64_t sample_cap;
	int full_said;
	int error_said;			/* a failed write reported; reset by
					   the next sample written */
	int64_t next_sweep;
	struct cap_hit_stats st;
};

/* emit - one honeypot event with fields f */
static void emit(struct cap_hit *h, const struct cap_seg *s,
		 const struct sl_addr *src, const struct event_field *f,
		 size_t nf)
{
	struct event ev = {
		.type = "honeypot", .src = src,
		.src_port = s ? s->sport : 0, .dst = s ? &s->dst : NULL,
		.dst_port = s ? s->dport : 0,
		.proto = s ? pkt_proto_name(s->proto) : NULL,
		.fields = f, .nfields = nf,
	};

	h->st.events++;
	h->ops.event(h->ctx, &ev);
}

/* on_suppressed - cap_limit_fn: a count whose second is over */
static void on_suppressed(void *ctx, const struct sl_addr *src, uint64_t n)
{
	struct event_field f[] = { EF_S("stage", "suppressed"),
				   EF_U("suppressed", n) };

	emit(ctx, NULL, src, f, 2);
}

/* cap_hit_create - NULL with the reason in err */
struct cap_hit *cap_hit_create(const struct cap_conf *c, const uint8_t seed[16],
			       const struct cap_hit_ops *ops, void *ctx,
			       char *err, size_t errlen)
{
	struct cap_hit *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		snprintf(err, errlen, "capture: out of memory");
		return NULL;
	}
	h->ops = *ops;
	h->ctx = ctx;
	h->sample_bytes = c->sample_bytes;
	h->sample_cap = c->sample_cap;
	h->limit = cap_limit_create(c->events_per_second, CAP_HIT_LIMIT_MEM,
				    seed, on_suppressed, h);
	if (h->limit == NULL) {
		snprintf(err, errlen, "capture: out of memory");
		cap_hit_free(h);
		return NULL;
	}
	if (c->sample_dir != NULL
	    && (h->store = cap_store_open(c->sample_dir, c->sample_cap,
					  c->sample_max_age_ns / 1000000000ULL)) == NULL) {
		snprintf(err, errlen, "[capture] sample_dir %s: %s", c->sample_dir,
			 strerror(errno));
		cap_hit_free(h);
		return NULL;
	}
	return h;
}

/* cap_hit_free - accepts NULL */
void cap_hit_free(struct cap_hit *h)
{
	if (h == NULL)
		return;
	cap_store_close(h->store);
	cap_limit_free(h->limit);
	free(h);
}

/* sample - store the payload; its name in hex; the store's word */
static const char *sample(struct cap_hit *h, const uint8_t *p, size_t len,
			  char hex[CAP_STORE_HEX])
{
	struct event_field f[] = { EF_S("stage", "store_full") };
	struct event_field fe[2] = { EF_S("stage", "store_error") };

	if (h->store == NULL) {
		cap_store_hash(p, len, hex);
		return "off";
	}
	switch (cap_store_put(h->store, p, len, hex)) {
	case CAP_STORE_NEW:
		h->st.samples_new++;
		h->error_said = 0;
		return "new";
	case CAP_STORE_KNOWN:
		h->st.samples_known++;
		return "known";
	case CAP_STORE_FULL:
		h->st.samples_refused++;
		if (!h->full_said) {
			h->full_said = 1;
			emit(h, NULL, NULL, f, 1);
		}
		return "full";
	case CAP_STORE_ERROR:
	default:
		h->st.samples_failed++;
		if (!h->error_said) {	/* once per outage (a full disk) */
			h->error_said = 1;
			fe[1] = (struct event_field)EF_S("error", strerror(errno));
			emit(h, NULL, NULL, fe, 2);
		}
		return "error";
	}
}

/* hit_event - keep the sample a hit carries; the event if allowed */
static void hit_event(struct cap_hit *h, const struct cap_seg *s,
		      const char *stage, int allowed, uint64_t suppressed)
{
	struct event_field f[8];
	char hex[CAP_STORE_HEX];
	gchar *b64 = NULL;
	size_t n = 0, keep = s->data_len < h->sample_bytes ? s->data_len
	    : h->sample_bytes;
	const char *word = NULL;

	/* the sample is kept even when its event is suppressed */
	if (s->wire_len > 0)
		word = sample(h, s->data, keep, hex);
	if (!allowed)
		return;
	f[n++] = (struct event_field)EF_S("stage", stage);
	if (word != NULL) {
		b64 = g_base64_encode(s->data, keep < CAP_HIT_PAYLOAD_B64 ? keep
				      : CAP_HIT_PAYLOAD_B64);
		f[n++] = (struct event_field)EF_S("sha256", hex);
		f[n++] = (struct event_field)EF_U("length", keep);
		if (s->wire_len > keep)
			f[n++] = (struct event_field)EF_U("seen", s->wire_len);
		f[n++] = (struct event_field)EF_S("payload", b64);
		f[n++] = (struct event_field)EF_S("sample", word);
	}
	if (suppressed > 0)
		f[n++] = (struct event_field)EF_U("suppressed", suppressed);
	emit(h, s, &s->src, f, n);
	g_free(b64);
}

/* cap_hit_note - one classified segment */
void cap_hit_note(struct cap_hit *h, const struct cap_seg *s,
		  enum cap_what w, uint64_t now_ns)
{
	struct cap_hit_proto *p = &h->st.proto[s->proto == 17];
	const char *stage = NULL;
	uint64_t sup = 0;
	int allowed;

	switch (w) {
	case CAP_SYN:
		p->hits++, stage = "syn";
		break;
	case CAP_DATA:
		p->payloads++, stage = "payload";
		break;
	case CAP_UDP_FIRST:
		p->hits++, stage = "datagram";
		break;
	case CAP_PROBE:
		p->probes++;
		return;
	case CAP_CLOSE:
		p->closes++;
		return;
	case CAP_UDP_AGAIN:
		p->again++;
		return;
	case CAP_INVALID:
		h->st.invalid++;
		return;
	case CAP_NOTHING:
	default:
		return;
	}
	if (h->ops.hit != NULL)
		h->ops.hit(h->ctx, &s->src, s->dport);
	if (!(allowed = cap_limit_take(h->limit, &s->src, now_ns, &sup)))
		h->st.suppressed++;
	hit_event(h, s, stage, allowed, sup);
}

/* cap_hit_tick - suppressed counts due, the sweep when due */
void cap_hit_tick(struct cap_hit *h, uint64_t now_ns, int64_t wall_s)
{
	struct cap_store_stats ss;

	cap_limit_flush(h->limit, now_ns);
	if (h->store == NULL || wall_s < h->next_sweep)
		return;
	h->next_sweep = wall_s + CAP_HIT_SWEEP_S;
	(void)cap_store_sweep(h->store, wall_s);
	cap_store_stats(h->store, &ss);
	if (h->full_said && ss.bytes + h->sample_bytes <= h->sample_cap)
		h->full_said = 0;	/* room again: a new full is news */
}

/* cap_hit_stats - counters */
void cap_hit_stats(const struct cap_hit *h, struct cap_hit_stats *out)
{
	struct cap_store_stats ss;

	*out = h->st;
	if (h->store != NULL) {
		cap_store_stats(h->store, &ss);
		out->samples = ss.samples;
		out->sample_bytes = ss.bytes;
	}
}
