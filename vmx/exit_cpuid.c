/* SPDX-License-Identifier: Apache-2.0 */
/* CPUID exits: the CPU's answer, plus what says that L0 is there. */
#include "arch/x86/cpu.h"
#include "core/hypercall.h"
#include "lib/string.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"

#define CPUID1_ECX_OSXSAVE (1u << 27)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID7_ECX_OSPKE (1u << 4)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_PKE (1ull << 22)

/*
 * Features whose MSRs vmx/msr_policy.def refuses are hidden, so that L1
 * does not expect them (SDM Vol. 2A CPUID). One row per hidden field:
 * leaf, subleaf (-1: any), register, bits.
 */
enum cpuid_reg { R_EAX, R_EBX, R_ECX, R_EDX };
static const struct {
	uint32_t leaf;
	int64_t sub;
	enum cpuid_reg reg;
	uint32_t bits;
} hidden[] = {
	{ 1, -1, R_EDX, 1u << 21 },     /* DS: BTS and PEBS (IA32_DS_AREA) */
	{ 1, -1, R_ECX, 1u << 2 },      /* DTES64 */
	{ 1, -1, R_ECX, 1u << 4 },      /* DS-CPL */
	{ 1, -1, R_ECX, 1u << 15 },     /* PDCM: IA32_PERF_CAPABILITIES */
	{ 7, 0, R_EBX, 1u << 25 },      /* Intel PT */
	{ 0xa, -1, R_EAX, ~0u },        /* architectural PMU: none */
	{ 0xa, -1, R_EBX, ~0u },
	{ 0xa, -1, R_ECX, ~0u },
	{ 0xa, -1, R_EDX, ~0u },
	{ 0xd, 1, R_ECX, 1u << 8 },     /* PT state in IA32_XSS */
	/* CET: L0 does not switch its state between L1 and L2 (no "load CET
	 * state" controls for L1) nor offer EPTP bit 7 (supervisor shadow-
	 * stack control, reserved without CET: SDM Vol. 3C 25.6.11) */
	{ 7, 0, R_ECX, 1u << 7 },       /* CET_SS */
	{ 7, 0, R_EDX, 1u << 20 },      /* CET_IBT */
	{ 0xd, 1, R_ECX, 3u << 11 },    /* CET state in IA32_XSS */
	{ 0x14, -1, R_EAX, ~0u },       /* the Intel PT leaf */
	{ 0x14, -1, R_EBX, ~0u },
	{ 0x14, -1, R_ECX, ~0u },
	{ 0x14, -1, R_EDX, ~0u },
};

#define ROWS (sizeof(hidden) / sizeof(hidden[0]))

/* Bit n: some row hides a field of leaf n (n < 32); bit 0 also for higher leaves. */
static uint32_t rows_for_leaves(void)
{
	static uint32_t mask;

	if (!mask)
		for (unsigned i = 0; i < ROWS; i++)
			mask |= hidden[i].leaf < 32 ? 1u << hidden[i].leaf : 1u;
	return mask;
}

static void hide_refused(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	uint32_t *regs[] = { &r->eax, &r->ebx, &r->ecx, &r->edx };

	/* most leaves have no row: one test instead of the whole table */
	if (leaf < 32 && !(rows_for_leaves() & (1u << leaf)))
		return;
	for (unsigned i = 0; i < ROWS; i++)
		if (hidden[i].leaf == leaf &&
		    (hidden[i].sub < 0 || hidden[i].sub == sub))
			*regs[hidden[i].reg] &= ~hidden[i].bits;
}

static struct cpuid_regs hypervisor_leaf(uint32_t leaf)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf == HV_CPUID_LEAF) {
		r.eax = HV_CPUID_LEAF + 1;
		memcpy(&r.ebx, HV_SIGNATURE, 4);
		memcpy(&r.ecx, HV_SIGNATURE + 4, 4);
		memcpy(&r.edx, HV_SIGNATURE + 8, 4);
	}
	return r;
}

/*
 * Bits that mirror a CR4 bit follow L1's CR4, not L0's: CPUID runs here in
 * root mode, where CR4 is L0's (SDM Vol. 2A CPUID, leaves 1 and 7).
 */
static void follow_guest_cr4(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	uint64_t cr4 = vmcs_read(GUEST_CR4);

	if (leaf == 1) {
		r->ecx &= ~CPUID1_ECX_OSXSAVE;
		r->ecx |= (cr4 & CR4_OSXSAVE) ? CPUID1_ECX_OSXSAVE : 0;
		r->ecx |= CPUID1_ECX_HYPERVISOR;
	} else if (leaf == 7 && sub == 0) {
		r->ecx &= ~CPUID7_ECX_OSPKE;
		r->ecx |= (cr4 & CR4_PKE) ? CPUID7_ECX_OSPKE : 0;
	}
}

enum exit_action exit_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.rax, sub = (uint32_t)v->regs.rcx;
	struct cpuid_regs r;

	if ((leaf & 0xffff0000u) == HV_CPUID_LEAF) {
		r = hypervisor_leaf(leaf);
	} else {
		r = cpuid(leaf, sub);
		follow_guest_cr4(leaf, sub, &r);
		hide_refused(leaf, sub, &r);
	}
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	vcpu_skip_instruction(v);
	return EXIT_RESUME;
}
