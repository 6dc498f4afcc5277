/* SPDX-License-Identifier: Apache-2.0 */
#include "core/gevent.h"

#include <stdarg.h>

#include "lib/fmt.h"
#include "lib/spinlock.h"
#include "vmx/vcpu.h"

static const char *const names[GEV_COUNT] = {
#define GEVENT(id, text) [GEV_##id] = text,
#include "core/gevent.def"
#undef GEVENT
};

/* Events with no vCPU (DMA faults) share this record under a lock. */
static struct gevent_stats global;
static struct spinlock global_lock;

const char *gevent_name(enum gevent_kind kind)
{
	return (unsigned)kind < GEV_COUNT ? names[kind] : "?";
}

void gevent(struct vcpu *v, enum gevent_kind kind, enum log_level level,
	    const char *fmt, ...)
{
	struct gevent_stats *s = v ? &v->gev : &global;
	va_list ap;

	if ((unsigned)kind >= GEV_COUNT)
		return;
	if (!v)
		spin_lock(&global_lock);
	s->count[kind]++;
	s->last_kind = kind;
	va_start(ap, fmt);
	fmt_vsnprintf(s->last, sizeof(s->last), fmt, ap);
	va_end(ap);
	if (!v)
		spin_unlock(&global_lock);
	/* TODO(issue 9, diagnostics): rate limit per vCPU */
	log_printf(level, "%s", s->last);
}
