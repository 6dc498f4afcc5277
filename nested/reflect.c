/* SPDX-License-Identifier: Apache-2.0 */
#include "nested/reflect.h"

#include "nested/ctl_bits.h"
#include "vmx/controls.h"

/* SDM Vol. 3C 28.2.1, exit qualification for control-register accesses */
#define RF_CRQ_CR(q)	      ((unsigned)((q)&0xf))
#define RF_CRQ_TYPE(q)	      ((unsigned)(((q) >> 4) & 3))
#define RF_CRQ_LMSW_SOURCE(q) ((uint64_t)(((q) >> 16) & 0xffff))
#define RF_CR_TYPE_MOV_TO     0
#define RF_CR_TYPE_MOV_FROM   1
#define RF_CR_TYPE_CLTS	      2
#define RF_CR_TYPE_LMSW	      3

#define RF_CR0_PE (1ull << 0)
#define RF_CR0_TS (1ull << 3)
/* LMSW loads only CR0 bits 3:0 */
#define RF_CR0_LMSW_BITS 0xfull

/* SDM Vol. 3C 28.2.1, exit qualification for I/O instructions */
#define RF_IOQ_SIZE(q) ((unsigned)((q)&7) + 1)
#define RF_IOQ_PORT(q) ((uint32_t)(((q) >> 16) & 0xffff))

#define RF_VEC_PF	     14
#define RF_INTR_VECTOR(info) ((info)&0xffu)

/* SDM 25.6.9: the MSR bitmap's quarters and the MSR ranges they cover */
#define RF_MSR_LOW_LAST	    0x1fffu
#define RF_MSR_HIGH_FIRST   0xc0000000u
#define RF_MSR_BITMAP_HIGH  1024
#define RF_MSR_BITMAP_WRITE 2048

/* SDM 25.6.4: bitmap A covers ports 0..0x7fff, B 0x8000..0xffff */
#define RF_IO_PORTS_PER_BITMAP 0x8000u

#define R(x) (1ull << (x))
/* "Always L1" of nested/reflect.h, as a mask of basic reasons (all < 64) */
static const uint64_t always_l1 =
    R(EXIT_TRIPLE_FAULT) | R(EXIT_INIT) | R(EXIT_SIPI) | R(EXIT_TASK_SWITCH) |
    R(EXIT_CPUID) | R(EXIT_GETSEC) | R(EXIT_INVD) | R(EXIT_VMCALL) |
    R(EXIT_VMCLEAR) | R(EXIT_VMLAUNCH) | R(EXIT_VMPTRLD) | R(EXIT_VMPTRST) |
    R(EXIT_VMREAD) | R(EXIT_VMRESUME) | R(EXIT_VMWRITE) | R(EXIT_VMXOFF) |
    R(EXIT_VMXON) | R(EXIT_INVALID_GUEST_STATE) | R(EXIT_MSR_LOADING) |
    R(EXIT_MACHINE_CHECK) | R(EXIT_INVEPT) | R(EXIT_INVVPID) |
    R(EXIT_XSETBV) | R(EXIT_VMFUNC);
#undef R

bool reflect_always_l1(uint32_t reason)
{
	uint32_t basic = reason & 0xffff;

	return basic < 64 && ((always_l1 >> basic) & 1);
}

/*
 * A bitmap byte L0 cannot read counts as a set bit: L1 then sees the exit
 * and can sort it out, while running L2 past an intercept L1 may have
 * asked for could not be undone.
 */
static bool bitmap_bit(reflect_read read, void *ctx, uint64_t base,
		       uint32_t index)
{
	uint8_t byte;

	if (!read(ctx, base + index / 8, &byte, 1))
		return true;
	return (byte >> (index % 8)) & 1;
}

/* SDM 26.1.3, "IN, INS/INSB/INSW/INSD, OUT, OUTS/OUTSB/OUTSW/OUTSD" */
static bool io_wanted(const struct reflect_ctls *c, uint64_t q,
		      reflect_read read, void *ctx)
{
	uint32_t port = RF_IOQ_PORT(q), last = port + RF_IOQ_SIZE(q) - 1, p;

	if (!(c->proc & CPU_USE_IO_BITMAPS))
		return (c->proc & CPU_UNCOND_IO_EXITING) != 0;
	/* an access that wraps around the port space always exits */
	if (last > 0xffff)
		return true;
	for (p = port; p <= last; p++) {
		bool set = p < RF_IO_PORTS_PER_BITMAP
			       ? bitmap_bit(read, ctx, c->io_bitmap_a, p)
			       : bitmap_bit(read, ctx, c->io_bitmap_b,
					    p - RF_IO_PORTS_PER_BITMAP);

		if (set)
			return true;
	}
	return false;
}

/* SDM 26.1.3, "RDMSR" and "WRMSR", with the bitmap layout of 25.6.9 */
static bool msr_wanted(const struct reflect_ctls *c, uint64_t rcx, bool write,
		       reflect_read read, void *ctx)
{
	uint32_t msr = (uint32_t)rcx; /* only ECX selects the MSR */
	uint64_t quarter;

	if (!(c->proc & CPU_USE_MSR_BITMAPS))
		return true;
	if (msr <= RF_MSR_LOW_LAST)
		quarter = 0;
	else if (msr - RF_MSR_HIGH_FIRST <= RF_MSR_LOW_LAST)
		quarter = RF_MSR_BITMAP_HIGH;
	else
		return true;
	if (write)
		quarter += RF_MSR_BITMAP_WRITE;
	return bitmap_bit(read, ctx, c->msr_bitmap + quarter,
			  msr & RF_MSR_LOW_LAST);
}

/* SDM 26.2, "Exceptions" and "NMIs" */
static bool exception_wanted(const struct reflect_ctls *c,
			     const struct reflect_exit *e)
{
	uint32_t vector = RF_INTR_VECTOR(e->intr_info);
	bool bit, match;

	switch (e->intr_info & INTR_TYPE_MASK) {
	case INTR_TYPE_NMI:
		return (c->pin & PIN_NMI_EXITING) != 0;
	case INTR_TYPE_HW_EXCEPTION:
	case INTR_TYPE_SW_EXCEPTION:
	case INTR_TYPE_PRIV_SW_EXCEPTION:
		if (vector >= 32)
			return false;
		bit = (c->exception_bitmap >> vector) & 1;
		if (vector != RF_VEC_PF)
			return bit;
		/* #PF: the bitmap bit says which sense of the match exits */
		match = (e->intr_error & c->pf_mask) == c->pf_match;
		return bit ? match : !match;
	default:
		return false;
	}
}

static bool cr3_load_wanted(const struct reflect_ctls *c, uint64_t value)
{
	/* a count above 4 fails vmcs12's VM entry; never read beyond */
	uint32_t n = c->cr3_target_count < 4 ? c->cr3_target_count : 4, i;

	if (!(c->proc & CPU_CR3_LOAD_EXITING))
		return false;
	for (i = 0; i < n; i++)
		if (c->cr3_target[i] == value)
			return false;
	return true;
}

/* SDM 26.1.3, "CLTS", "LMSW", "MOV from CR3/CR8", "MOV to CR0/CR3/CR4/CR8" */
static bool cr_wanted(const struct reflect_ctls *c,
		      const struct reflect_exit *e)
{
	uint64_t q = e->qualification, v = e->cr_source_value, src, mask;
	unsigned cr = RF_CRQ_CR(q);

	switch (RF_CRQ_TYPE(q)) {
	case RF_CR_TYPE_MOV_TO:
		switch (cr) {
		case 0:
			return ((v ^ c->cr0_shadow) & c->cr0_mask) != 0;
		case 4:
			return ((v ^ c->cr4_shadow) & c->cr4_mask) != 0;
		case 3:
			return cr3_load_wanted(c, v);
		case 8:
			return (c->proc & NCTL_PROC_CR8_LOAD_EXITING) != 0;
		default:
			return false;
		}
	case RF_CR_TYPE_MOV_FROM:
		/* MOV from CR0/CR4 reads the shadows and never exits */
		if (cr == 3)
			return (c->proc & CPU_CR3_STORE_EXITING) != 0;
		if (cr == 8)
			return (c->proc & NCTL_PROC_CR8_STORE_EXITING) != 0;
		return false;
	case RF_CR_TYPE_CLTS:
		return (c->cr0_mask & c->cr0_shadow & RF_CR0_TS) != 0;
	default: /* LMSW */
		src = RF_CRQ_LMSW_SOURCE(q);
		mask = c->cr0_mask & RF_CR0_LMSW_BITS;
		/* LMSW can set PE but never clear it */
		if (mask & src & ~c->cr0_shadow & RF_CR0_PE)
			return true;
		return (mask & (src ^ c->cr0_shadow) & ~RF_CR0_PE) != 0;
	}
}

static bool l1_wants(const struct reflect_ctls *c, const struct reflect_exit *e,
		     reflect_read read, void *ctx)
{
	/* SDM 25.6.2: with "activate secondary controls" clear, the CPU
	 * acts as if every secondary control were 0 */
	uint32_t proc = c->proc;
	uint32_t proc2 = (proc & CPU_SECONDARY_CONTROLS) ? c->proc2 : 0;

	/* bits 31:16 are flags (e.g. VM-entry failure for 33, 34 and 41) */
	switch (e->reason & 0xffff) {
	case EXIT_TRIPLE_FAULT:
	case EXIT_INIT:
	case EXIT_SIPI:
	case EXIT_TASK_SWITCH:
	case EXIT_CPUID:
	case EXIT_GETSEC:
	case EXIT_INVD:
	case EXIT_VMCALL:
	case EXIT_VMCLEAR:
	case EXIT_VMLAUNCH:
	case EXIT_VMPTRLD:
	case EXIT_VMPTRST:
	case EXIT_VMREAD:
	case EXIT_VMRESUME:
	case EXIT_VMWRITE:
	case EXIT_VMXOFF:
	case EXIT_VMXON:
	case EXIT_INVALID_GUEST_STATE:
	case EXIT_MSR_LOADING:
	case EXIT_MACHINE_CHECK:
	case EXIT_INVEPT:
	case EXIT_INVVPID:
	case EXIT_XSETBV:
	case EXIT_VMFUNC:
		return true;

	case EXIT_EXCEPTION_NMI:
		return exception_wanted(c, e);
	case EXIT_EXTERNAL_INTERRUPT:
		return (c->pin & PIN_EXTINT_EXITING) != 0;
	case EXIT_PREEMPTION_TIMER:
		return (c->pin & PIN_PREEMPTION_TIMER) != 0;

	case EXIT_INTERRUPT_WINDOW:
		return (proc & CPU_INTR_WINDOW_EXITING) != 0;
	case EXIT_NMI_WINDOW:
		return (proc & CPU_NMI_WINDOW_EXITING) != 0;
	case EXIT_HLT:
		return (proc & CPU_HLT_EXITING) != 0;
	case EXIT_INVLPG:
		return (proc & NCTL_PROC_INVLPG_EXITING) != 0;
	case EXIT_RDPMC:
		return (proc & NCTL_PROC_RDPMC_EXITING) != 0;
	case EXIT_RDTSC:
		return (proc & NCTL_PROC_RDTSC_EXITING) != 0;
	case EXIT_RDTSCP:
		return (proc & NCTL_PROC_RDTSC_EXITING) &&
		       (proc2 & NCTL_PROC2_ENABLE_RDTSCP);
	case EXIT_UMWAIT:
	case EXIT_TPAUSE:
		return (proc & NCTL_PROC_RDTSC_EXITING) &&
		       (proc2 & NCTL_PROC2_USER_WAIT_PAUSE);
	case EXIT_MWAIT:
		return (proc & NCTL_PROC_MWAIT_EXITING) != 0;
	case EXIT_MONITOR:
		return (proc & NCTL_PROC_MONITOR_EXITING) != 0;
	case EXIT_PAUSE:
		return (proc & NCTL_PROC_PAUSE_EXITING) ||
		       (proc2 & NCTL_PROC2_PAUSE_LOOP_EXITING);
	case EXIT_DR_ACCESS:
		return (proc & NCTL_PROC_MOV_DR_EXITING) != 0;
	case EXIT_MTF:
		return (proc & NCTL_PROC_MTF) != 0;
	case EXIT_CR_ACCESS:
		return cr_wanted(c, e);
	case EXIT_IO_INSTRUCTION:
		return io_wanted(c, e->qualification, read, ctx);
	case EXIT_MSR_READ:
	case EXIT_MSR_WRITE:
		return msr_wanted(c, e->rcx,
				  (e->reason & 0xffff) == EXIT_MSR_WRITE, read,
				  ctx);

	case EXIT_GDTR_IDTR:
	case EXIT_LDTR_TR:
		return (proc2 & NCTL_PROC2_DESC_TABLE_EXITING) != 0;
	case EXIT_WBINVD:
		return (proc2 & NCTL_PROC2_WBINVD_EXITING) != 0;
	case EXIT_RDRAND:
		return (proc2 & NCTL_PROC2_RDRAND_EXITING) != 0;
	case EXIT_RDSEED:
		return (proc2 & NCTL_PROC2_RDSEED_EXITING) != 0;
	case EXIT_INVPCID:
		return (proc & NCTL_PROC_INVLPG_EXITING) &&
		       (proc2 & NCTL_PROC2_ENABLE_INVPCID);

	case NEXIT_IO_SMI:
	case NEXIT_OTHER_SMI:
	case EXIT_RSM:
	case EXIT_TPR_BELOW_THRESHOLD:
	case EXIT_APIC_ACCESS:
	case NEXIT_VIRTUALIZED_EOI:
	case EXIT_EPT_VIOLATION:
	case EXIT_EPT_MISCONFIG:
	case EXIT_APIC_WRITE:
	case EXIT_ENCLS:
	case EXIT_PML_FULL:
	case EXIT_XSAVES:
	case EXIT_XRSTORS:
	case NEXIT_SPP_EVENT:
	case NEXIT_LOADIWKEY:
	case NEXIT_ENCLV:
	case NEXIT_ENQCMD_PASID:
	case NEXIT_ENQCMDS_PASID:
	case EXIT_BUS_LOCK:
	case EXIT_NOTIFY:
	default:
		return false;
	}
}

enum reflect_verdict reflect_decide(const struct reflect_ctls *c,
				    const struct reflect_exit *e,
				    reflect_read read, void *ctx)
{
	return l1_wants(c, e, read, ctx) ? REFLECT_L1 : REFLECT_L0;
}
