/* SPDX-License-Identifier: Apache-2.0 */
/* VMCALL from L1: the ABI of core/hypercall.h (docs/hypercalls.md). */
#include "core/hypercall.h"

#include "arch/x86/cpu.h"
#include "core/percpu.h"
#include "vmx/msr_policy.h"
#include "vmx/exit.h"

/* A known value in L0's memory: tests show L1 can neither read nor change it. */
static volatile uint64_t canary[2] = { HC_CANARY_LO, HC_CANARY_HI };

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
	case HC_MTRR_HW:
		r->rax = HC_UNKNOWN;
		if (msr_rule_of((uint32_t)r->rcx)->wr == MSR_WR_VIRT &&
		    rdmsr_safe((uint32_t)r->rcx, &r->rbx) == 0)
			r->rax = HC_OK;
		break;
	default:
		r->rax = HC_UNKNOWN;
		break;
	}
	vcpu_skip_instruction(v);
	return EXIT_RESUME;
}
