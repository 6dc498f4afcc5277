/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Carries out vmx/msr_policy.c's verdicts on this CPU. Nothing here writes
 * an MSR the policy keeps from L1: a list entry runs in VMX root operation,
 * so it gets the same verdict as L1's WRMSR and no raw access.
 */
#include "vmx/msr_access.h"

#include "arch/x86/cpu.h"
#include "core/gevent.h"
#include "nested/nested.h"
#include "vmx/apic.h"
#include "vmx/guard.h"
#include "vmx/msr.h"
#include "vmx/msr_policy.h"

#define CPUID1_ECX_X2APIC (1u << 21)

static unsigned phys_bits(void)
{
	if (cpuid(0x80000000, 0).eax < 0x80000008)
		return MTRR_PHYS_BITS_DEFAULT;
	return cpuid(0x80000008, 0).eax & 0xff;
}

/*
 * L1's copies start as the CPU's values, taken at the first access (CPUID
 * too: under another hypervisor each CPUID of L0 is an exit). The APIC
 * base is read only for a write to it.
 */
static struct msr_ctx ctx_of(struct vcpu *v, uint32_t msr)
{
	struct msr_virt *m = &v->msrv;

	if (!m->ready) {
		mtrr_read(&m->mtrr);
		m->misc_enable = rdmsr(MSR_IA32_MISC_ENABLE);
		m->has_tsc_adjust =
		    rdmsr_safe(MSR_IA32_TSC_ADJUST, &m->tsc_adjust) == 0;
		m->has_x2apic = cpuid(1, 0).ecx & CPUID1_ECX_X2APIC;
		m->phys_bits = phys_bits();
		m->sld_offered = splitlock_offered();
		m->has_core_caps = rdmsr_safe(MSR_IA32_CORE_CAPABILITIES,
					      &m->core_caps) == 0;
		m->ready = true;
	}
	return (struct msr_ctx){
	    .virt = m,
	    .apic_base =
		msr == MSR_IA32_APIC_BASE ? rdmsr(MSR_IA32_APIC_BASE) : 0,
	    .has_x2apic = m->has_x2apic,
	    .phys_bits = m->phys_bits,
	    .tsc = msr == MSR_IA32_TSC || msr == MSR_IA32_TSC_ADJUST ? read_tsc()
								     : 0,
	};
}

static void refused(struct vcpu *v, uint32_t msr, const char *what,
		    uint64_t value)
{
	if (msr == MSR_IA32_APIC_BASE)
		gevent(v, GEV_APIC_BASE, LOG_WARN,
		       "IA32_APIC_BASE %s 0x%lx refused (the APIC stays at "
		       "its base, enabled)",
		       what, value);
	else /* reads of hidden features are normal probing: debug */
		gevent(v, GEV_MSR_DENIED, *what == 'r' ? LOG_DEBUG : LOG_INFO,
		       "MSR 0x%x %s refused: %s", msr, what,
		       msr_rule_of(msr)->why);
}

static bool read_msr(struct vcpu *v, uint32_t msr, uint64_t *value, bool report)
{
	struct msr_ctx c = ctx_of(v, msr);
	struct msr_verdict d = msr_decide_read(msr, &c);

	switch (d.act) {
	case MSR_ACT_HW:
		return rdmsr_safe(msr, value) == 0;
	case MSR_ACT_L0:
		if (msr == MSR_IA32_FEATURE_CONTROL) {
			/* locked, VMX on: what L1 needs to see to use VMX */
			*value = FC_LOCK | FC_VMX_OUTSIDE_SMX;
			return true;
		}
		return nested_vmx_msr(msr, value);
	case MSR_ACT_VALUE:
		*value = d.value;
		return true;
	case MSR_ACT_REFUSE:
		if (report)
			refused(v, msr, "read", 0);
		return false;
	default:
		return false;
	}
}

bool msr_guest_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	return read_msr(v, msr, value, true);
}

bool msr_guest_peek(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	return read_msr(v, msr, value, false);
}

static bool carry_out(struct vcpu *v, uint32_t msr, uint64_t value,
		      struct msr_verdict d)
{
	switch (d.act) {
	case MSR_ACT_HW:
		return wrmsr_safe(msr, d.value) == 0;
	case MSR_ACT_VIRT:
		*d.slot = d.value;
		return true;
	case MSR_ACT_DROP:
		return true;
	case MSR_ACT_ICR:
		return apic_x2apic_icr(v, d.value);
	case MSR_ACT_TSC:
		/* IA32_TSC_ADJUST follows every change of the TSC (SDM 3B 18.17.3) */
		v->msrv.tsc_adjust += d.value - v->msrv.tsc_offset;
		v->msrv.tsc_offset = d.value;
		nested_tsc_offset_changed(v);
		return true;
	case MSR_ACT_TEST_CTRL:
		*d.slot = d.value;
		splitlock_sync(v);
		return true;
	case MSR_ACT_REFUSE:
		refused(v, msr, "write", value);
		return false;
	default:
		return false;
	}
}

bool msr_guest_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	struct msr_ctx c = ctx_of(v, msr);

	return carry_out(v, msr, value, msr_decide_write(msr, value, &c));
}

bool msr_list_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	struct msr_ctx c = ctx_of(v, msr);

	return carry_out(v, msr, value, msrlist_decide_load(msr, value, &c));
}
