/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A token bucket for log lines, in pure arithmetic: the caller gives the
 * time (TSC ticks) and the tick rate, so it runs the same on the host (unit
 * tests) and in the core. A full bucket holds `burst` lines; it refills by
 * one line every hz / per_sec ticks. Lines that find it empty are counted
 * as suppressed, and the next line let through reports how many there were.
 */
#ifndef LIB_RATELIMIT_H
#define LIB_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit_cfg {
	uint32_t burst;	  /* lines a full bucket holds (>= 1) */
	uint32_t per_sec; /* steady lines per second (>= 1) */
	uint64_t hz;	  /* ticks per second of the clock given as `now` */
};

/* All zero is a valid, unused limiter: its first line finds it full. */
struct ratelimit {
	uint64_t last;	  /* ticks up to which refills are accounted */
	uint64_t pending; /* lines suppressed since the last one let through */
	uint32_t tokens;  /* lines left in the bucket */
	bool started;
};

/*
 * One line at time `now`: true if it may be printed. Then *resumed is the
 * number of lines suppressed since the previous printed one (0 if none),
 * which the caller reports once; the count starts again at 0. False: the
 * line is counted in rl->pending. A clock that went backwards refills
 * nothing (and restarts the accounting at now).
 */
bool ratelimit_allow(struct ratelimit *rl, const struct ratelimit_cfg *cfg,
		     uint64_t now, uint64_t *resumed);

/* Ticks between two refills: hz / per_sec, at least 1. */
uint64_t ratelimit_interval(const struct ratelimit_cfg *cfg);

/*
 * The most lines `ratelimit_allow` lets through in `ticks` of time,
 * starting from a full bucket: burst + ticks / interval (saturating).
 */
uint64_t ratelimit_max_lines(const struct ratelimit_cfg *cfg, uint64_t ticks);

#endif
