/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-caused events (core/gevent.def): what L1 or L2 can trigger as often
 * as it likes must not flood L0's console or slow the other CPUs down. Each
 * event is counted per vCPU and per kind, the last one is kept, and its log
 * line is printed only while the vCPU's line budget lasts (the rest are
 * summarized as "N more suppressed").
 */
#ifndef CORE_GEVENT_H
#define CORE_GEVENT_H

#include <stdint.h>

#include "lib/log.h"

enum gevent_kind {
#define GEVENT(id, text) GEV_##id,
#include "core/gevent.def"
#undef GEVENT
	GEV_COUNT
};

#define GEVENT_LAST_MAX 128 /* bytes of the last event's text, with the NUL */

/* Per vCPU (struct vcpu.gev). */
struct gevent_stats {
	uint64_t count[GEV_COUNT];
	uint64_t suppressed;          /* lines not printed (rate limit) */
	uint64_t window_start;        /* rate limiter state (core/gevent.c) */
	uint32_t window_lines;
	uint32_t last_kind;           /* enum gevent_kind of the last event */
	char last[GEVENT_LAST_MAX];   /* its text */
};

struct vcpu;

/* "VM-entry check failed", ... */
const char *gevent_name(enum gevent_kind kind);

/*
 * Records one event of v (NULL: not tied to a vCPU, e.g. a DMA fault; it
 * counts in a global record) and logs "text" at level within the rate limit.
 */
__attribute__((format(printf, 4, 5))) void gevent(struct vcpu *v,
						  enum gevent_kind kind,
						  enum log_level level,
						  const char *fmt, ...);

#endif
