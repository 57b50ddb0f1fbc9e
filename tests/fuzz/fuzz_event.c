/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME
 *	fuzz_event - libFuzzer harness: any field bytes give one valid JSON line
 * DESCRIPTION
 *	The input is cut at NUL bytes into the event type, the protocol
 *	and field names and values; its first bytes pick the buffer length
 *	and the addresses. Whatever they hold, event_format() must return
 *	one valid JSON line shorter than the buffer (or nothing, for a
 *	buffer too small for any), and event_summary() one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "../unit/jsoncheck.h"

#define NSTR 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[EVENT_MAX], copy[8192];
	const char *str[NSTR];
	struct event_field f[NSTR / 2];
	struct sl_addr src, dst;
	struct event ev;
	size_t len, n, i, k = 0;

	if (size < 40 || size >= sizeof(copy))
		return 0;
	len = 1 + ((size_t)data[0] << 8 | data[1]) % EVENT_MAX;
	addr_from_bytes(&src, data[2] & 1 ? 6 : 4, data + 3);
	addr_from_bytes(&dst, data[2] & 2 ? 6 : 4, data + 19);
	memcpy(copy, data + 35, size - 35);
	copy[size - 35] = 0;
	for (i = 0, str[k++] = copy; i < size - 35 && k < NSTR; i++)
		if (copy[i] == 0 && i + 1 < size - 35)
			str[k++] = copy + i + 1;
	while (k < NSTR)
		str[k++] = "";
	for (i = 0; i < NSTR / 2 - 1; i++) {
		f[i].name = str[2 + 2 * i];
		f[i].type = (enum event_ftype)(data[35 + i % 5] % 5);
		if (f[i].type == EF_STR)
			f[i].v.s = str[3 + 2 * i];
		else
			memcpy(&f[i].v, data + 3 + i, sizeof(f[i].v));
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = str[0];
	ev.proto = data[2] & 4 ? str[1] : NULL;
	ev.src = data[2] & 8 ? &src : NULL;
	ev.dst = data[2] & 16 ? &dst : NULL;
	ev.src_port = (uint16_t)(data[3] << 8 | data[4]);
	ev.dst_port = (uint16_t)(data[5] << 8 | data[6]);
	ev.wall_ns = (uint64_t)data[7] << 56 >> 8 | data[8];
	ev.fields = f;
	ev.nfields = NSTR / 2 - 1;
	n = event_format(line, len, &ev);
	if (n >= len || (n > 0 && !json_line_valid(line, n)))
		abort();
	n = event_summary(line, len, &ev);
	if (n >= len || strlen(line) != n || strpbrk(line, "\r\n"))
		abort();
	return 0;
}
