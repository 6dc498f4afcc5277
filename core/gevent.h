/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-caused events (core/gevent.def): what L1 or L2 can trigger as often
 * as it likes must not flood L0's console or slow the other CPUs down. Each
 * event is counted per vCPU and per kind, the last one is kept, and its log
 * line is printed only while that kind's line budget on the vCPU lasts
 * (lib/ratelimit.h: GEVENT_BURST lines, then GEVENT_PER_SEC per second of
 * TSC time); the rest are counted, and the next printed line of the kind is
 * preceded by "gevent: N more suppressed: <kind>". A line also gives up
 * (and is counted as suppressed) when another CPU holds the console for
 * longer than GEVENT_CONSOLE_WAIT_US. docs/architecture.md, "Guest events".
 */
#ifndef CORE_GEVENT_H
#define CORE_GEVENT_H

#include <stdint.h>

#include "lib/log.h"
#include "lib/ratelimit.h"

enum gevent_kind {
#define GEVENT(id, text) GEV_##id,
#include "core/gevent.def"
#undef GEVENT
	GEV_COUNT
};

#define GEVENT_LAST_MAX 128 /* bytes of the last event's text, with the NUL */

/* The line budget of each kind, per vCPU (and of the global record). */
#define GEVENT_BURST   5
#define GEVENT_PER_SEC 1
/* The longest a guest event line waits for another CPU's console line. */
#define GEVENT_CONSOLE_WAIT_US 10000

/* Per vCPU (struct vcpu.gev). */
struct gevent_stats {
	uint64_t count[GEV_COUNT];
	uint64_t printed[GEV_COUNT];	 /* lines of the kind printed */
	uint64_t not_printed[GEV_COUNT]; /* rate-limited or console busy */
	uint64_t suppressed;		 /* lines not printed, all kinds */
	uint64_t
	    console_busy; /* lines (summaries too) given up on a held console */
	struct ratelimit limit[GEV_COUNT];
	uint32_t last_kind;	    /* enum gevent_kind of the last event */
	char last[GEVENT_LAST_MAX]; /* its text */
};

struct vcpu;

/* "VM-entry check failed", ... */
const char *gevent_name(enum gevent_kind kind);

/*
 * Records one event of v (NULL: not tied to a vCPU, e.g. a DMA fault; it
 * counts in a global record) and logs "text" at level within the rate limit.
 * A level the log threshold filters out is counted, costs no line budget.
 * Returns true if the line was printed (callers may ignore it).
 */
__attribute__((format(printf, 4, 5))) bool gevent(struct vcpu *v,
						  enum gevent_kind kind,
						  enum log_level level,
						  const char *fmt, ...);

/* Once, on the bootstrap CPU after log_setup: the TSC rate; logs the policy. */
void gevent_init(void);

/* The limiter's settings (its hz is the TSC's), for reports and tests. */
const struct ratelimit_cfg *gevent_limit_cfg(void);

/*
 * A copy of the global record (NULL-vCPU events), taken under its lock.
 */
void gevent_global_stats(struct gevent_stats *out);

#ifdef UNIT_TEST
/* Host tests: a fake clock of hz ticks per second; the global record reset. */
void gevent_test_setup(uint64_t (*now)(void), uint64_t hz);
#endif

#endif
