/* SPDX-License-Identifier: Apache-2.0 */
/* VMCALL from L1: the ABI of core/hypercall.h (docs/hypercalls.md). */
#include "core/hypercall.h"

#include "core/gevent.h"
#include "arch/x86/cpu.h"
#include "core/percpu.h"
#include "vmx/msr_policy.h"
#include "vmx/ept.h"
#include "vmx/exit.h"

/* A known value in L0's memory: tests show L1 can neither read nor change it. */
static volatile uint64_t canary[2] = { HC_CANARY_LO, HC_CANARY_HI };

/* HC_GUEST_EVENTS: RBX kind, RCX whose -> RBX count, RCX printed, RDX not. */
static uint64_t guest_events(struct guest_regs *r)
{
	struct gevent_stats global;
	uint64_t kind = r->rbx, sum[3] = { 0, 0, 0 };

	if (kind >= GEV_COUNT || r->rcx > HC_GEV_GLOBAL)
		return HC_BAD_ARG;
	for (uint32_t cpu = 0; cpu < bootinfo.ncpus; cpu++) {
		const struct percpu *pc =
		    (const void *)(bootinfo.percpu_va + cpu * PERCPU_SIZE);
		const struct gevent_stats *g = &pc->vcpu.gev;

		if (r->rcx == HC_GEV_GLOBAL ||
		    (r->rcx == HC_GEV_SELF && pc != this_cpu()))
			continue;
		sum[0] += g->count[kind];
		sum[1] += g->printed[kind];
		sum[2] += g->not_printed[kind];
	}
	if (r->rcx == HC_GEV_GLOBAL) {
		gevent_global_stats(&global);
		sum[0] = global.count[kind];
		sum[1] = global.printed[kind];
		sum[2] = global.not_printed[kind];
	}
	r->rbx = sum[0];
	r->rcx = sum[1];
	r->rdx = sum[2];
	return HC_OK;
}

static uint64_t mem_budget(struct vcpu *v, struct guest_regs *r)
{
	const struct ept02_budget *b = &v->nested.ept02_budget;

	switch (r->rbx) {
	case 0:
		r->rbx = b->used;
		r->rcx = b->evictions;
		r->rdx = ept01.table_pages;
		return HC_OK;
	case 1:
		r->rbx = b->cap;
		r->rcx = ept01_table_bound(&ept01);
		r->rdx = ept01.sinks;
		return HC_OK;
	default:
		return HC_UNKNOWN;
	}
}

enum exit_action exit_vmcall(struct vcpu *v)
{
	struct guest_regs *r = &v->regs;

	if (vcpu_cpl() > 0) {
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return EXIT_RESUME;
	}
	switch (r->rax) {
	case HC_PRINT_COUNTERS:
		/* L1 may call it in a loop: a guest event, within its budget */
		r->rbx = gevent(v, GEV_COUNTERS, LOG_INFO,
				"exits: cpu%u asks for the counters", v->cpu);
		if (r->rbx)
			exit_print_counters();
		/* a profiling build (make PROFILE=1) asked for its profile */
		prof_print(v->cpu, &v->nested.prof);
		r->rax = HC_OK;
		break;
	case HC_L0_INFO:
		r->rbx = bootinfo.core_pa;
		r->rcx = bootinfo.region_size;
		r->rdx = bootinfo.core_pa + ((uint64_t)canary - bootinfo.core_va);
		r->rax = HC_OK;
		break;
	case HC_L0_CANARY_CHECK:
		r->rbx = canary[0] == HC_CANARY_LO && canary[1] == HC_CANARY_HI;
		r->rax = HC_OK;
		break;
	case HC_VCPU_EXITS:
		r->rbx = v->exits_total;
		r->rcx = v->nested.entries;
		r->rdx = v->nested.reflected;
		r->rax = HC_OK;
		break;
	case HC_GUEST_EVENTS:
		r->rax = guest_events(r);
		break;
	case HC_MTRR_HW:
		r->rax = HC_UNKNOWN;
		if (msr_rule_of((uint32_t)r->rcx)->wr == MSR_WR_VIRT &&
		    rdmsr_safe((uint32_t)r->rcx, &r->rbx) == 0)
			r->rax = HC_OK;
		break;
	case HC_MEM_BUDGET:
		r->rax = mem_budget(v, r);
		break;
	default:
		r->rax = HC_UNKNOWN;
		break;
	}
	vcpu_skip_instruction(v);
	return EXIT_RESUME;
}
