/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L0's MSR policy (vmx/msr_policy.def) and the pure decisions built on it:
 * what an RDMSR or WRMSR of L1 (or L2) does, and what an entry of a
 * VM-entry/VM-exit MSR-load or MSR-store list does. One decision serves
 * both paths, so a list loads exactly what L1's WRMSR in VMX non-root
 * operation could. vmx/msr_access.c carries the decisions out on the CPU.
 */
#ifndef VMX_MSR_POLICY_H
#define VMX_MSR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/mtrr.h"

enum msr_rd {
	MSR_RD_PASS,
	MSR_RD_L0,
	MSR_RD_VIRT,
	MSR_RD_EMUL,
	MSR_RD_GP,
	MSR_RD_TSC
};
enum msr_wr { MSR_WR_PASS, MSR_WR_GP, MSR_WR_DROP, MSR_WR_VIRT, MSR_WR_EMUL };

struct msr_rule {
	uint32_t first, last;
	enum msr_rd rd;
	enum msr_wr wr;
	const char *why;
};

extern const struct msr_rule msr_rules[];
extern const unsigned msr_rule_count;

/* The row covering msr; MSRs in no row get a PASS/PASS rule. */
const struct msr_rule *msr_rule_of(uint32_t msr);

/* What L0 keeps per vCPU for the VIRT and EMUL rows. */
struct msr_virt {
	bool ready;		/* filled from the CPU at the first access */
	struct mtrr_state mtrr; /* L1's MTRRs; the CPU's stay as at start-up */
	uint64_t misc_enable;	/* L1's IA32_MISC_ENABLE */
	bool has_x2apic;	/* CPUID.1:ECX[21] */
	unsigned phys_bits;	/* MAXPHYADDR */
	/*
	 * L1's TSC = the CPU's + tsc_offset (vmcs01's TSC_OFFSET; vmcs02 adds
	 * vmcs12's). L1's WRMSR to the TSC or IA32_TSC_ADJUST moves only this
	 * offset, never the CPU's TSC that L0's own clock (the log rate
	 * limit) reads.
	 */
	uint64_t tsc_offset;
	uint64_t tsc_adjust;  /* L1's IA32_TSC_ADJUST */
	bool has_tsc_adjust;  /* the CPU has IA32_TSC_ADJUST */
	bool tsc_stale01;     /* vmcs01's TSC_OFFSET lags tsc_offset */
	/* split-lock detection (vmx/splitlock.c): offered to L1 where the
	 * CPU has it; L1's virtual MSR_TEST_CTRL holds only bit 29 */
	bool sld_offered;
	bool has_core_caps;   /* IA32_CORE_CAPABILITIES exists */
	uint64_t core_caps;   /* its value on the CPU */
	uint64_t test_ctrl;   /* L1's MSR_TEST_CTRL */
};

/* What the decisions need to know about the vCPU and the CPU. */
struct msr_ctx {
	struct msr_virt *virt;
	uint64_t apic_base; /* the CPU's IA32_APIC_BASE */
	bool has_x2apic;    /* CPUID.1:ECX[21] */
	unsigned phys_bits; /* MAXPHYADDR */
	uint64_t tsc;	    /* the CPU's TSC now (for the TSC MSRs) */
};

enum msr_act {
	MSR_ACT_HW,	/* RDMSR/WRMSR on the CPU (value: what to write) */
	MSR_ACT_L0,	/* read: L0's answer (feature control, VMX caps) */
	MSR_ACT_VALUE,	/* read: value */
	MSR_ACT_VIRT,	/* write: *slot = value, hardware untouched */
	MSR_ACT_DROP,	/* write: accepted, nothing happens */
	MSR_ACT_ICR,	/* write: the x2APIC ICR, INIT/SIPI routed by L0 */
	MSR_ACT_GP,	/* #GP as the CPU would raise it (bad value) */
	MSR_ACT_REFUSE, /* #GP by L0's policy (counted as a guest event) */
	MSR_ACT_TSC,	/* write: L1's TSC offset becomes value */
	MSR_ACT_TEST_CTRL, /* write: L1's MSR_TEST_CTRL (*slot) becomes value */
};

struct msr_verdict {
	enum msr_act act;
	uint64_t value;
	uint64_t *slot;
};

struct msr_verdict msr_decide_read(uint32_t msr, const struct msr_ctx *c);
struct msr_verdict msr_decide_write(uint32_t msr, uint64_t value,
				    const struct msr_ctx *c);

/*
 * The lists' own rules (SDM Vol. 3C 27.4 loading at VM entry, 28.4 storing
 * and 28.6 loading at VM exit): MSRs a list may never name, whatever WRMSR
 * would do. An entry that passes goes through msr_decide_write/read.
 */
bool msrlist_load_forbidden(uint32_t msr);
bool msrlist_store_forbidden(uint32_t msr);
/* The list-load decision: forbidden entries fail (REFUSE), else WRMSR's. */
struct msr_verdict msrlist_decide_load(uint32_t msr, uint64_t value,
				       const struct msr_ctx *c);

/* The vCPU's copy of an MTRR MSR, NULL if the CPU has no such MTRR. */
uint64_t *mtrr_slot(struct mtrr_state *s, uint32_t msr);
/* Would WRMSR accept value for this MTRR (SDM Vol. 3A 12.11.2)? */
bool mtrr_value_valid(const struct mtrr_state *s, uint32_t msr, uint64_t value);

enum apic_base_verdict {
	APIC_BASE_OK,	   /* write it (the CPU's BSP bit kept) */
	APIC_BASE_GP,	   /* the CPU would #GP (SDM Vol. 3A 11.12.5) */
	APIC_BASE_REFUSED, /* legal, but L0 refuses: relocation, disable */
};
enum apic_base_verdict apic_base_decide(uint64_t cur, uint64_t want,
					bool has_x2apic, unsigned phys_bits);

#endif
