/* SPDX-License-Identifier: Apache-2.0 */
/* VMCALL from L1: the ABI of core/hypercall.h (docs/hypercalls.md). */
#include "core/hypercall.h"

#include "core/percpu.h"
#include "vmx/ept.h"
#include "vmx/exit.h"

/* A known value in L0's memory: tests show L1 can neither read nor change it. */
static volatile uint64_t canary[2] = { HC_CANARY_LO, HC_CANARY_HI };

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
		exit_print_counters();
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
