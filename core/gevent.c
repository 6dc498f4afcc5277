/* SPDX-License-Identifier: Apache-2.0 */
#include "core/gevent.h"

#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "lib/fmt.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "lib/tscfreq.h"
#include "vmx/vcpu.h"

static const char *const names[GEV_COUNT] = {
#define GEVENT(id, text) [GEV_##id] = text,
#include "core/gevent.def"
#undef GEVENT
};

/* Until gevent_init: the assumed (fastest) TSC, so never too many lines. */
static struct ratelimit_cfg limit_cfg = {GEVENT_BURST, GEVENT_PER_SEC,
					 TSCFREQ_ASSUMED_HZ};

static uint64_t tsc_now(void)
{
	return read_tsc();
}

static uint64_t (*clock_now)(void) = tsc_now;

static struct log_wait console_wait = {tsc_now, TSCFREQ_ASSUMED_HZ / 1000000 *
						    GEVENT_CONSOLE_WAIT_US};

/* Events with no vCPU (DMA faults) share this record under a lock. */
static struct gevent_stats global;
static struct spinlock global_lock;

const char *gevent_name(enum gevent_kind kind)
{
	return (unsigned)kind < GEV_COUNT ? names[kind] : "?";
}

const struct ratelimit_cfg *gevent_limit_cfg(void)
{
	return &limit_cfg;
}

void gevent_init(void)
{
	struct tscfreq_cpuid c = {.max_leaf = cpuid(0, 0).eax};
	enum tscfreq_source src;

	if (c.max_leaf >= 0x15) {
		struct cpuid_regs r = cpuid(0x15, 0);

		c.l15_eax = r.eax;
		c.l15_ebx = r.ebx;
		c.l15_ecx = r.ecx;
	}
	if (c.max_leaf >= 0x16)
		c.l16_eax = cpuid(0x16, 0).eax;
	limit_cfg.hz = tscfreq_hz(&c, &src);
	console_wait.ticks = limit_cfg.hz / 1000000 * GEVENT_CONSOLE_WAIT_US;
	log_info("core: guest events: %u lines per kind and vCPU, then %u per "
		 "second; TSC %lu kHz (%s)",
		 limit_cfg.burst, limit_cfg.per_sec, limit_cfg.hz / 1000,
		 tscfreq_source_name(src));
}

#ifdef UNIT_TEST
void gevent_test_setup(uint64_t (*now)(void), uint64_t hz)
{
	clock_now = now;
	console_wait.now = now;
	limit_cfg.hz = hz;
	console_wait.ticks = hz / 1000000 * GEVENT_CONSOLE_WAIT_US;
	memset(&global, 0, sizeof(global));
}
#endif

void gevent_global_stats(struct gevent_stats *out)
{
	spin_lock(&global_lock);
	memcpy(out, &global, sizeof(*out));
	spin_unlock(&global_lock);
}

/* The counts; true if the line may be printed (*resumed: lines before it). */
static bool account(struct gevent_stats *s, enum gevent_kind kind,
		    enum log_level level, const char *text, uint64_t *resumed)
{
	s->count[kind]++;
	s->last_kind = kind;
	fmt_snprintf(s->last, sizeof(s->last), "%s", text);
	*resumed = 0;
	if (level > log_threshold())
		return false;
	if (ratelimit_allow(&s->limit[kind], &limit_cfg, clock_now(), resumed))
		return true;
	/* atomic: print() adds to them outside the global record's lock */
	__atomic_fetch_add(&s->not_printed[kind], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->suppressed, 1, __ATOMIC_RELAXED);
	return false;
}

/* A line of s the console could not take in time. */
static void gave_up(struct gevent_stats *s, enum gevent_kind kind)
{
	__atomic_fetch_add(&s->not_printed[kind], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->suppressed, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->console_busy, 1, __ATOMIC_RELAXED);
}

static bool print(struct gevent_stats *s, enum gevent_kind kind,
		  enum log_level level, const char *text, uint64_t resumed)
{
	const char *who = s == &global ? "global: " : "";

	/* a summary the console cannot take is lost (the counters keep it) */
	if (resumed && !log_printf_within(level, &console_wait,
					  "gevent: %s%lu more suppressed: %s",
					  who, resumed, names[kind]))
		__atomic_fetch_add(&s->console_busy, 1, __ATOMIC_RELAXED);
	if (!log_printf_within(level, &console_wait, "%s", text)) {
		gave_up(s, kind);
		return false;
	}
	__atomic_fetch_add(&s->printed[kind], 1, __ATOMIC_RELAXED);
	return true;
}

bool gevent(struct vcpu *v, enum gevent_kind kind, enum log_level level,
	    const char *fmt, ...)
{
	struct gevent_stats *s = v ? &v->gev : &global;
	char text[LOG_LINE_MAX]; /* the line; s->last keeps its start */
	uint64_t resumed;
	bool show;
	va_list ap;

	if ((unsigned)kind >= GEV_COUNT)
		return false;
	va_start(ap, fmt);
	fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!v)
		spin_lock(&global_lock);
	show = account(s, kind, level, text, &resumed);
	if (!v)
		spin_unlock(&global_lock);
	return show && print(s, kind, level, text, resumed);
}
