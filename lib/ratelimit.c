/* SPDX-License-Identifier: Apache-2.0 */
#include "lib/ratelimit.h"

uint64_t ratelimit_interval(const struct ratelimit_cfg *cfg)
{
	uint64_t per = cfg->per_sec ? cfg->per_sec : 1;
	uint64_t i = cfg->hz / per;

	return i ? i : 1;
}

uint64_t ratelimit_max_lines(const struct ratelimit_cfg *cfg, uint64_t ticks)
{
	uint64_t refills = ticks / ratelimit_interval(cfg);
	uint64_t burst = cfg->burst ? cfg->burst : 1;

	return refills > UINT64_MAX - burst ? UINT64_MAX : burst + refills;
}

/* Adds the whole intervals since rl->last, never above the burst. */
static void refill(struct ratelimit *rl, uint32_t burst, uint64_t interval,
		   uint64_t now)
{
	if (now < rl->last) {
		rl->last = now;
		return;
	}
	uint64_t refills = (now - rl->last) / interval;

	if (rl->tokens >= burst || refills >= burst - rl->tokens) {
		rl->tokens = burst;
		rl->last = now;
		return;
	}
	rl->tokens += (uint32_t)refills;
	rl->last += refills * interval;
}

bool ratelimit_allow(struct ratelimit *rl, const struct ratelimit_cfg *cfg,
		     uint64_t now, uint64_t *resumed)
{
	uint32_t burst = cfg->burst ? cfg->burst : 1;

	if (!rl->started) {
		rl->started = true;
		rl->tokens = burst;
		rl->last = now;
	} else {
		refill(rl, burst, ratelimit_interval(cfg), now);
	}
	if (!rl->tokens) {
		rl->pending++;
		return false;
	}
	rl->tokens--;
	*resumed = rl->pending;
	rl->pending = 0;
	return true;
}
