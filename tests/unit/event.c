/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	event.t - EVE JSON lines: golden output, escaping, cutting, the sink
 * DESCRIPTION
 *	json_line_valid() (jsoncheck.h) proves a hostile field cannot
 *	break the line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "../tap.h"
#include "jsoncheck.h"

#define T0 1795811908123456789ULL	/* 2026-11-28T... see golden */

static void test_golden(void)
{
	struct sl_addr s, d;
	char buf[EVENT_MAX];
	struct event_field f[] = {
		EF_S("reason", "queue over high watermark"),
		EF_U("queue", 101),
		EF_I("delta", -3),
		EF_B("dry_run", 1),
		EF_D("ratio", 0.25),
	};
	struct event ev = {
		.type = "lockout", .wall_ns = 1000000000ULL * 1700000000ULL + 123456789ULL,
		.src = &s, .src_port = 40000, .dst = &d, .dst_port = 25,
		.proto = "TCP", .fields = f, .nfields = 5,
	};
	size_t n;

	addr_parse("192.0.2.7", &s);
	addr_parse("2001:db8::25", &d);
	n = event_format(buf, sizeof(buf), &ev);
	is_str(buf, "{\"timestamp\":\"2023-11-14T22:13:20.123456+0000\","
	       "\"event_type\":\"lockout\",\"src_ip\":\"192.0.2.7\",\"src_port\":40000,"
	       "\"dest_ip\":\"2001:db8::25\",\"dest_port\":25,\"proto\":\"TCP\","
	       "\"lockout\":{\"reason\":\"queue over high watermark\",\"queue\":101,"
	       "\"delta\":-3,\"dry_run\":true,\"ratio\":0.25}}\n", "golden lockout line");
	is_uint(n, strlen(buf), "returned length is the line's");

	ev.src = NULL; ev.dst = NULL; ev.proto = NULL; ev.nfields = 0;
	ev.type = "reload"; ev.wall_ns = 1000000000ULL * 86400 + 5000;
	event_format(buf, sizeof(buf), &ev);
	is_str(buf, "{\"timestamp\":\"1970-01-02T00:00:00.000005+0000\","
	       "\"event_type\":\"reload\",\"reload\":{}}\n",
	       "unknown addresses and proto are left out");

	ev.src = &s; ev.src_port = 0;
	event_format(buf, sizeof(buf), &ev);
	ok(strstr(buf, "\"src_ip\":\"192.0.2.7\"") && !strstr(buf, "src_port"),
	   "port 0 left out");

	event_summary(buf, sizeof(buf), &(struct event){ .type = "lockout",
		.src = &s, .src_port = 5, .dst = &d, .dst_port = 25, .proto = "SMTP",
		.fields = f, .nfields = 2 });
	is_str(buf, "lockout src=192.0.2.7:5 dst=[2001:db8::25]:25 proto=SMTP "
	       "reason=\"queue over high watermark\" queue=101", "summary line");
}

static const char *hostile[] = {
	"\"},\"event_type\":\"forged\"",
	"line\nbreak\r\n{\"x\":1}",
	"back\\slash\\",
	"\x01\x02\x1f\x7f tab\t bell\a",
	"\xff\xfe invalid utf-8 \xc0\xaf overlong \xed\xa0\x80 surrogate",
	"cut \xe2\x82",
	"\xf4\x90\x80\x80 past U+10FFFF",
	"ok utf-8: \xc3\xa9\xe2\x82\xac\xf0\x9f\x90\x9b",
	"",
};

static void test_hostile(void)
{
	char buf[EVENT_MAX], sum[EVENT_MAX];
	struct sl_addr s;
	size_t i, n;

	addr_parse("198.51.100.1", &s);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct event_field f[] = { EF_S("sender", hostile[i]),
					   EF_S(hostile[i], "as a name") };
		struct event ev = { .type = "honeytoken", .wall_ns = T0, .src = &s,
			.proto = hostile[i], .fields = f, .nfields = 2 };

		n = event_format(buf, sizeof(buf), &ev);
		ok(json_line_valid(buf, n), "hostile string %zu stays one valid line", i);
		ok(strstr(buf, "\"event_type\":\"honeytoken\"") &&
		   !strstr(buf, "\"event_type\":\"forged\""), "no forged member (%zu)", i);
		event_summary(sum, sizeof(sum), &ev);
		ok(!strpbrk(sum, "\n\r") && strlen(sum) < sizeof(sum),
		   "summary %zu is one line", i);
	}
	{
		struct event_field f[] = { EF_S("x", "\xff") };
		struct event ev = { .type = "t", .wall_ns = T0, .fields = f, .nfields = 1 };

		event_format(buf, sizeof(buf), &ev);
		ok(strstr(buf, "\"x\":\"\xef\xbf\xbd\"") != NULL, "invalid byte becomes U+FFFD");
		f[0].v.s = "\x01\"\\";
		event_format(buf, sizeof(buf), &ev);
		ok(strstr(buf, "\"x\":\"\\u0001\\\"\\\\\"") != NULL, "control, quote and backslash escaped");
	}
}

static void test_cut(void)
{
	static char big[20000];
	char buf[EVENT_MAX];
	size_t len, n, bad = 0, i;
	struct event_field f[] = { EF_S("a", big), EF_U("after", 1), EF_S("b", big) };
	struct event ev = { .type = "capture", .wall_ns = T0, .fields = f, .nfields = 3 };
	const char fill[] = "a\"\\\x01\xc3\xa9\xe2\x82\xac\xf0\x9f\x90\x9b\xff";

	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = fill[i % (sizeof(fill) - 1)];
	n = event_format(buf, sizeof(buf), &ev);
	ok(n < sizeof(buf) && json_line_valid(buf, n), "over-long strings are cut (%zu bytes)", n);
	ok(n > sizeof(buf) - 16, "the cut line still uses the buffer (%zu)", n);
	for (len = 0; len < 400; len++) {
		char small[400];

		memset(small, 'X', sizeof(small));
		n = event_format(small, len, &ev);
		if (len > 0 && (n >= len || (n > 0 && !json_line_valid(small, n))))
			bad++;
		if (len > 0 && n == 0 && small[0] != 0)
			bad++;
	}
	is_uint(bad, 0, "every buffer length 0..399 gives a valid line or nothing");
	{
		char small[120];

		n = event_format(small, sizeof(small), &ev);
		ok(n > 0 && strstr(small, "\"event_type\":\"capture\""), "a short buffer keeps the head (%zu bytes)", n);
	}
}

static void test_sink(void)
{
	char path[64], rot[70], buf[2 * EVENT_MAX];
	struct event_sink *s;
	struct event ev = { .type = "test", .wall_ns = T0 };
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/tmp/sluice-event-%ld.json", (long)getpid());
	snprintf(rot, sizeof(rot), "%s.1", path);
	unlink(path);
	unlink(rot);
	ok((s = event_open(path)) != NULL, "event_open %s", path);
	if (s == NULL)
		return;
	ok(event_emit(s, &ev) == 0, "emit one");
	rename(path, rot);
	ok(event_emit(s, &ev) == 0, "emit after rotation goes to the old file");
	ok(event_reopen(s) == 0, "event_reopen");
	ok(event_emit(s, &ev) == 0, "emit after reopen");
	event_close(s);
	event_close(NULL);
	fd = open(rot, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	is_int(n, 2 * strlen("{\"timestamp\":\"2026-11-27T20:38:28.123456+0000\",\"event_type\":\"test\",\"test\":{}}\n"),
	       "rotated file has two lines, each written whole");
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	is_str(buf, "{\"timestamp\":\"2026-11-27T20:38:28.123456+0000\",\"event_type\":\"test\",\"test\":{}}\n",
	       "new file holds the line after reopen");
	unlink(path);
	unlink(rot);
	ok(event_open("/nonexistent-dir/x.json") == NULL, "open in a missing directory fails");
}

/* test_full - a file that runs out of room (RLIMIT_FSIZE stands in for
   a full disk: the write that crosses it is cut short, the next fails)
   keeps whole lines only; the first lost event is an error, the next
   ones are not (said once), all are counted; with room again the sink
   writes on */
static void test_full(void)
{
	static const char line[] = "{\"timestamp\":\"2026-11-27T20:38:28.123456+0000\","
				   "\"event_type\":\"test\",\"test\":{}}\n";
	struct event ev = { .type = "test", .wall_ns = T0 };
	struct rlimit old, lim;
	struct event_sink *s;
	struct stat sb;
	char path[64];
	int r[6], i, e = 0;

	snprintf(path, sizeof(path), "/tmp/sluice-event-full-%ld.json", (long)getpid());
	unlink(path);
	if ((s = event_open(path)) == NULL || getrlimit(RLIMIT_FSIZE, &old) < 0) {
		ok(0, "event_open %s", path);
		return;
	}
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 2 * (sizeof(line) - 1) + 10;	/* room for 2.1 lines */
	setrlimit(RLIMIT_FSIZE, &lim);
	for (i = 0; i < 6; i++) {
		r[i] = event_emit(s, &ev);
		if (i == 2)
			e = errno;
	}
	setrlimit(RLIMIT_FSIZE, &old);
	ok(r[0] == 0 && r[1] == 0, "two lines fit: got %d %d", r[0], r[1]);
	ok(r[2] == -1 && e == EFBIG, "the third, cut short, is the error: got %d (%s)",
	   r[2], strerror(e));
	ok(r[3] == 1 && r[4] == 1 && r[5] == 1, "the next three are lost quietly: got %d %d %d",
	   r[3], r[4], r[5]);
	is_uint(event_lost(s), 4, "four counted lost");
	ok(stat(path, &sb) == 0 && sb.st_size == 2 * (off_t)(sizeof(line) - 1),
	   "the file holds two whole lines, not the part of the third: got %lld bytes",
	   (long long)sb.st_size);
	ok(event_emit(s, &ev) == 0, "with room again the next one is written");
	ok(stat(path, &sb) == 0 && sb.st_size == 3 * (off_t)(sizeof(line) - 1),
	   "three whole lines now");
	ok(event_emit(s, &ev) == 0 && event_lost(s) == 4, "the count stays");
	setrlimit(RLIMIT_FSIZE, &lim);		/* full again at once */
	ok(event_emit(s, &ev) == 1, "a loss again within the minute is not said again");
	setrlimit(RLIMIT_FSIZE, &old);
	is_uint(event_lost(s), 5, "but counted");
	event_close(s);
	unlink(path);
	is_uint(event_lost(NULL), 0, "event_lost(NULL) is 0");
}

/* test_checker - the validity scan itself refuses broken lines */
static void test_checker(void)
{
	static const char *broken[] = {
		"{\"a\":\"x\ny\"}\n", "{\"a\":\"\x01\"}\n", "{\"a\":\"\"\"}\n",
		"{\"a\":\"\\q\"}\n", "{\"a\":\"\xff\"}\n", "{\"a\":1}{}\n",
		"{\"a\":1}", "{\"a\":01}\n", "{\"a\":nan}\n", "{\"a\":\"x}\n",
		"{\"a\":\"\xc0\xaf\"}\n", "{\"a\":\"\xed\xa0\x80\"}\n",
		"{\"a\":\"\xe0\x80\xaf\"}\n", "{\"a\":\"\xf4\x90\x80\x80\"}\n",
	};
	const char *good = "{\"a\":{\"b\":-1.5e3,\"c\":\"\\u00e9\"}}\n";
	size_t i, bad = 0;

	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
		bad += !json_line_valid(broken[i], strlen(broken[i]));
	is_uint(bad, sizeof(broken) / sizeof(broken[0]), "checker refuses every broken line");
	ok(json_line_valid(good, strlen(good)),
	   "checker accepts a good line");
}

int main(void)
{
	test_checker();
	test_golden();
	test_hostile();
	test_cut();
	test_sink();
	test_full();
	return done_testing();
}
