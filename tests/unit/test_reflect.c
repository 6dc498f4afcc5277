/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/reflect.c: for each exit reason, the vmcs12 control that asks for
 * it turned on and off (with every other control on, so that only the
 * right bit can decide); the I/O and MSR bitmaps in a host buffer standing
 * for L1 memory; CR masks, shadows and targets; T_CLTS, T_LMSW and #PF rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nested/ctl_bits.h"
#include "nested/reflect.h"
#include "vmx/controls.h"

/* L1 memory 0..T_MEM_SIZE with the bitmaps at fixed pages */
#define T_MEM_SIZE 0x8000
#define T_IO_A 0x1000ull
#define T_IO_B 0x2000ull
#define T_MSRBM 0x3000ull
#define T_UNREADABLE 0x100000ull

static uint8_t mem[T_MEM_SIZE];
static unsigned reads;

static bool read_mem(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	(void)ctx;
	reads++;
	if (gpa >= T_MEM_SIZE || n > T_MEM_SIZE - gpa)
		return false;
	memcpy(buf, mem + gpa, n);
	return true;
}

static struct reflect_ctls ctls;
static struct reflect_exit ex;

static void reset(void)
{
	memset(mem, 0, sizeof(mem));
	memset(&ctls, 0, sizeof(ctls));
	memset(&ex, 0, sizeof(ex));
	ctls.io_bitmap_a = T_IO_A;
	ctls.io_bitmap_b = T_IO_B;
	ctls.msr_bitmap = T_MSRBM;
	reads = 0;
}

static void all_controls_on(void)
{
	ctls.pin = ctls.proc = ctls.proc2 = ~0u;
	ctls.exception_bitmap = ~0u;
	ctls.cr0_mask = ctls.cr4_mask = ~0ull;
}

static enum reflect_verdict decide(uint32_t reason)
{
	ex.reason = reason;
	return reflect_decide(&ctls, &ex, read_mem, NULL);
}

static void set_bit(uint64_t base, uint32_t index)
{
	mem[base + index / 8] |= (uint8_t)(1u << (index % 8));
}

/* --- reasons that always go to L1, or always stay with L0 --- */

static const uint32_t always_l1[] = {
	EXIT_TRIPLE_FAULT, EXIT_INIT, EXIT_SIPI, EXIT_TASK_SWITCH, EXIT_CPUID,
	EXIT_GETSEC, EXIT_INVD, EXIT_VMCALL, EXIT_VMCLEAR, EXIT_VMLAUNCH,
	EXIT_VMPTRLD, EXIT_VMPTRST, EXIT_VMREAD, EXIT_VMRESUME, EXIT_VMWRITE,
	EXIT_VMXOFF, EXIT_VMXON, EXIT_INVALID_GUEST_STATE, EXIT_MSR_LOADING,
	EXIT_MACHINE_CHECK, EXIT_INVEPT, EXIT_INVVPID, EXIT_XSETBV,
	EXIT_VMFUNC,
};

static const uint32_t always_l0[] = {
	NEXIT_IO_SMI, NEXIT_OTHER_SMI, EXIT_RSM, EXIT_TPR_BELOW_THRESHOLD,
	EXIT_APIC_ACCESS, NEXIT_VIRTUALIZED_EOI, EXIT_EPT_VIOLATION,
	EXIT_EPT_MISCONFIG, EXIT_APIC_WRITE, EXIT_ENCLS, EXIT_PML_FULL,
	EXIT_XSAVES, EXIT_XRSTORS, NEXIT_SPP_EVENT, NEXIT_LOADIWKEY,
	NEXIT_ENCLV, NEXIT_ENQCMD_PASID, NEXIT_ENQCMDS_PASID, EXIT_BUS_LOCK,
	EXIT_NOTIFY,
	/* reasons the SDM does not define, or not yet */
	35, 38, 42, 65, 71, 76, 80, 0xffff,
};

#define T_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void unconditional(void **state)
{
	size_t i;

	(void)state;
	reset();
	for (i = 0; i < T_COUNT(always_l1); i++)
		assert_int_equal(decide(always_l1[i]), REFLECT_L1);
	/* entry failures carry bit 31; the basic reason decides */
	assert_int_equal(decide(EXIT_REASON_ENTRY_FAILURE |
				EXIT_INVALID_GUEST_STATE), REFLECT_L1);
	assert_int_equal(decide(EXIT_REASON_ENTRY_FAILURE | EXIT_MSR_LOADING),
			 REFLECT_L1);
	assert_int_equal(reads, 0);
}

static void l0_only(void **state)
{
	size_t i;

	(void)state;
	reset();
	all_controls_on();
	for (i = 0; i < T_COUNT(always_l0); i++)
		assert_int_equal(decide(always_l0[i]), REFLECT_L0);
	assert_int_equal(reads, 0);
}

/* --- one control, one reason --- */

enum field { PIN, PROC, PROC2 };

static const struct {
	uint32_t reason;
	enum field field;
	uint32_t bit;
} single[] = {
	{ EXIT_EXTERNAL_INTERRUPT, PIN, PIN_EXTINT_EXITING },
	{ EXIT_PREEMPTION_TIMER, PIN, PIN_PREEMPTION_TIMER },
	{ EXIT_INTERRUPT_WINDOW, PROC, CPU_INTR_WINDOW_EXITING },
	{ EXIT_NMI_WINDOW, PROC, CPU_NMI_WINDOW_EXITING },
	{ EXIT_HLT, PROC, CPU_HLT_EXITING },
	{ EXIT_INVLPG, PROC, NCTL_PROC_INVLPG_EXITING },
	{ EXIT_RDPMC, PROC, NCTL_PROC_RDPMC_EXITING },
	{ EXIT_RDTSC, PROC, NCTL_PROC_RDTSC_EXITING },
	{ EXIT_MWAIT, PROC, NCTL_PROC_MWAIT_EXITING },
	{ EXIT_MONITOR, PROC, NCTL_PROC_MONITOR_EXITING },
	{ EXIT_DR_ACCESS, PROC, NCTL_PROC_MOV_DR_EXITING },
	{ EXIT_MTF, PROC, NCTL_PROC_MTF },
	{ EXIT_GDTR_IDTR, PROC2, NCTL_PROC2_DESC_TABLE_EXITING },
	{ EXIT_LDTR_TR, PROC2, NCTL_PROC2_DESC_TABLE_EXITING },
	{ EXIT_WBINVD, PROC2, NCTL_PROC2_WBINVD_EXITING },
	{ EXIT_RDRAND, PROC2, NCTL_PROC2_RDRAND_EXITING },
	{ EXIT_RDSEED, PROC2, NCTL_PROC2_RDSEED_EXITING },
};

static uint32_t *field_of(enum field f)
{
	return f == PIN ? &ctls.pin : f == PROC ? &ctls.proc : &ctls.proc2;
}

static void single_controls(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < T_COUNT(single); i++) {
		uint32_t r = single[i].reason;

		/* only that bit: L1 */
		reset();
		*field_of(single[i].field) = single[i].bit;
		if (single[i].field == PROC2)
			ctls.proc |= CPU_SECONDARY_CONTROLS;
		assert_int_equal(decide(r), REFLECT_L1);

		/* every control but that bit: L0 */
		reset();
		all_controls_on();
		*field_of(single[i].field) &= ~single[i].bit;
		assert_int_equal(decide(r), REFLECT_L0);

		/* a secondary control counts only when they are activated */
		if (single[i].field == PROC2) {
			reset();
			all_controls_on();
			ctls.proc &= ~CPU_SECONDARY_CONTROLS;
			assert_int_equal(decide(r), REFLECT_L0);
		}
	}
}

/* Reasons that need two controls: try all four combinations. */
static void check_pair(uint32_t reason, uint32_t proc_bit, uint32_t proc2_bit)
{
	unsigned combo;

	for (combo = 0; combo < 4; combo++) {
		reset();
		all_controls_on();
		if (!(combo & 1))
			ctls.proc &= ~proc_bit;
		if (!(combo & 2))
			ctls.proc2 &= ~proc2_bit;
		assert_int_equal(decide(reason),
				 combo == 3 ? REFLECT_L1 : REFLECT_L0);
	}
	reset();
	all_controls_on();
	ctls.proc &= ~CPU_SECONDARY_CONTROLS;
	assert_int_equal(decide(reason), REFLECT_L0);
}

static void paired_controls(void **state)
{
	(void)state;
	check_pair(EXIT_RDTSCP, NCTL_PROC_RDTSC_EXITING,
		   NCTL_PROC2_ENABLE_RDTSCP);
	check_pair(EXIT_UMWAIT, NCTL_PROC_RDTSC_EXITING,
		   NCTL_PROC2_USER_WAIT_PAUSE);
	check_pair(EXIT_TPAUSE, NCTL_PROC_RDTSC_EXITING,
		   NCTL_PROC2_USER_WAIT_PAUSE);
	check_pair(EXIT_INVPCID, NCTL_PROC_INVLPG_EXITING,
		   NCTL_PROC2_ENABLE_INVPCID);
}

/* PAUSE exits for PAUSE exiting or for PAUSE-loop exiting. */
static void pause_either(void **state)
{
	(void)state;
	reset();
	all_controls_on();
	ctls.proc &= ~NCTL_PROC_PAUSE_EXITING;
	ctls.proc2 &= ~NCTL_PROC2_PAUSE_LOOP_EXITING;
	assert_int_equal(decide(EXIT_PAUSE), REFLECT_L0);
	ctls.proc |= NCTL_PROC_PAUSE_EXITING;
	assert_int_equal(decide(EXIT_PAUSE), REFLECT_L1);
	ctls.proc &= ~NCTL_PROC_PAUSE_EXITING;
	ctls.proc2 |= NCTL_PROC2_PAUSE_LOOP_EXITING;
	assert_int_equal(decide(EXIT_PAUSE), REFLECT_L1);
	ctls.proc &= ~CPU_SECONDARY_CONTROLS;
	assert_int_equal(decide(EXIT_PAUSE), REFLECT_L0);
}

/* --- exceptions and NMIs --- */

static enum reflect_verdict exc(uint32_t type, uint32_t vector,
				uint32_t error)
{
	ex.intr_info = INTR_INFO_VALID | type | vector;
	ex.intr_error = error;
	return decide(EXIT_EXCEPTION_NMI);
}

static void nmi(void **state)
{
	(void)state;
	reset();
	ctls.exception_bitmap = ~0u; /* the bitmap does not cover NMIs */
	assert_int_equal(exc(INTR_TYPE_NMI, VEC_NMI, 0), REFLECT_L0);
	ctls.pin = PIN_NMI_EXITING;
	ctls.exception_bitmap = 0;
	assert_int_equal(exc(INTR_TYPE_NMI, VEC_NMI, 0), REFLECT_L1);
}

static void exception_bitmap(void **state)
{
	uint32_t v;

	(void)state;
	for (v = 0; v < 32; v++) {
		if (v == 14)
			continue; /* #PF has its own rule */
		reset();
		ctls.exception_bitmap = 1u << v;
		assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, v, 0), REFLECT_L1);
		ctls.exception_bitmap = ~(1u << v);
		ctls.pin = ~0u;
		assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, v, 0), REFLECT_L0);
	}
	/* INT3 and INTO are software exceptions, INT1 a privileged one */
	reset();
	ctls.exception_bitmap = 1u << 3;
	assert_int_equal(exc(INTR_TYPE_SW_EXCEPTION, 3, 0), REFLECT_L1);
	assert_int_equal(exc(INTR_TYPE_SW_EXCEPTION, 4, 0), REFLECT_L0);
	ctls.exception_bitmap = 1u << 4;
	assert_int_equal(exc(INTR_TYPE_SW_EXCEPTION, 4, 0), REFLECT_L1);
	ctls.exception_bitmap = 1u << VEC_DB;
	assert_int_equal(exc(INTR_TYPE_PRIV_SW_EXCEPTION, VEC_DB, 0),
			 REFLECT_L1);
	ctls.exception_bitmap = ~(1u << VEC_DB);
	assert_int_equal(exc(INTR_TYPE_PRIV_SW_EXCEPTION, VEC_DB, 0),
			 REFLECT_L0);
	/* types that never come with reason 0 */
	ctls.exception_bitmap = ~0u;
	ctls.pin = ~0u;
	assert_int_equal(exc(INTR_TYPE_SW_INTR, 0x80, 0), REFLECT_L0);
	assert_int_equal(exc(INTR_TYPE_EXT_INTR, 0x20, 0), REFLECT_L0);
}

static void page_fault_error_code(void **state)
{
	(void)state;
	reset();
	/* bit 14 set: exit iff (error & mask) == match */
	ctls.exception_bitmap = 1u << 14;
	assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, 14, 0x2), REFLECT_L1);
	ctls.pf_mask = 0;
	ctls.pf_match = 1; /* can never match */
	assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, 14, 0x1), REFLECT_L0);
	ctls.pf_mask = 0x1; /* present: protection faults only */
	ctls.pf_match = 0x1;
	assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, 14, 0x3), REFLECT_L1);
	assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, 14, 0x2), REFLECT_L0);

	/* bit 14 clear: the opposite sense */
	ctls.exception_bitmap = ~(1u << 14);
	assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, 14, 0x3), REFLECT_L0);
	assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, 14, 0x2), REFLECT_L1);
	ctls.pf_mask = 0;
	ctls.pf_match = 0;
	assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, 14, 0x1f), REFLECT_L0);
	ctls.pf_match = 1;
	assert_int_equal(exc(INTR_TYPE_HW_EXCEPTION, 14, 0x1f), REFLECT_L1);
}

/* --- I/O --- */

#define T_IO_IN (1u << 3)
#define T_IO_STRING (1u << 4)
#define T_IO_REP (1u << 5)

static enum reflect_verdict io(uint32_t port, unsigned size, uint32_t flags)
{
	ex.qualification = ((uint64_t)port << 16) | (size - 1) | flags;
	return decide(EXIT_IO_INSTRUCTION);
}

static void io_without_bitmaps(void **state)
{
	(void)state;
	reset();
	ctls.proc = ~(CPU_USE_IO_BITMAPS | CPU_UNCOND_IO_EXITING);
	set_bit(T_IO_A, 0x60);
	assert_int_equal(io(0x60, 1, T_IO_IN), REFLECT_L0);
	ctls.proc |= CPU_UNCOND_IO_EXITING;
	assert_int_equal(io(0x60, 1, T_IO_IN), REFLECT_L1);
	assert_int_equal(io(0xcf8, 4, 0), REFLECT_L1);
	assert_int_equal(reads, 0);
}

static void io_bitmaps(void **state)
{
	(void)state;
	reset();
	/* with bitmaps, unconditional I/O exiting is ignored */
	ctls.proc = CPU_USE_IO_BITMAPS | CPU_UNCOND_IO_EXITING;
	assert_int_equal(io(0x60, 1, T_IO_IN), REFLECT_L0);
	set_bit(T_IO_A, 0x60);
	/* both directions, string or not, with or without REP */
	assert_int_equal(io(0x60, 1, T_IO_IN), REFLECT_L1);
	assert_int_equal(io(0x60, 1, 0), REFLECT_L1);
	assert_int_equal(io(0x60, 1, T_IO_STRING | T_IO_REP), REFLECT_L1);
	assert_int_equal(io(0x61, 1, T_IO_IN), REFLECT_L0);
	assert_int_equal(io(0x5f, 1, T_IO_IN), REFLECT_L0);
	/* any byte of a wider access */
	assert_int_equal(io(0x5f, 2, T_IO_IN), REFLECT_L1);
	assert_int_equal(io(0x5d, 4, T_IO_IN), REFLECT_L1);
	assert_int_equal(io(0x5c, 4, T_IO_IN), REFLECT_L0);
	assert_int_equal(io(0x61, 4, T_IO_IN), REFLECT_L0);
	/* bitmap B */
	set_bit(T_IO_B, 0x1234);
	assert_int_equal(io(0x8000 + 0x1234, 1, 0), REFLECT_L1);
	assert_int_equal(io(0x1234, 1, 0), REFLECT_L0);
}

static void io_bitmap_edges(void **state)
{
	(void)state;
	reset();
	ctls.proc = CPU_USE_IO_BITMAPS;
	/* 0x7fff + 2 bytes reaches port 0x8000: bit 0 of bitmap B */
	assert_int_equal(io(0x7fff, 2, 0), REFLECT_L0);
	set_bit(T_IO_B, 0);
	assert_int_equal(io(0x7fff, 2, 0), REFLECT_L1);
	assert_int_equal(io(0x7ffe, 2, 0), REFLECT_L0);
	assert_int_equal(io(0x7ffd, 4, 0), REFLECT_L1);
	memset(mem, 0, sizeof(mem));
	set_bit(T_IO_A, 0x7fff);
	assert_int_equal(io(0x7fff, 2, 0), REFLECT_L1);
	assert_int_equal(io(0x8000, 2, 0), REFLECT_L0);
	memset(mem, 0, sizeof(mem));
	/* the last port, and accesses that wrap around to port 0 */
	assert_int_equal(io(0xffff, 1, 0), REFLECT_L0);
	assert_int_equal(io(0xfffc, 4, 0), REFLECT_L0);
	assert_int_equal(io(0xffff, 2, 0), REFLECT_L1);
	assert_int_equal(io(0xfffd, 4, 0), REFLECT_L1);
	set_bit(T_IO_B, 0x7fff);
	assert_int_equal(io(0xffff, 1, 0), REFLECT_L1);
}

static void io_unreadable_bitmap(void **state)
{
	(void)state;
	reset();
	ctls.proc = CPU_USE_IO_BITMAPS;
	ctls.io_bitmap_a = T_UNREADABLE;
	assert_int_equal(io(0x60, 1, 0), REFLECT_L1);
	assert_int_equal(io(0x9000, 1, 0), REFLECT_L0);
	ctls.io_bitmap_a = T_IO_A;
	ctls.io_bitmap_b = T_UNREADABLE;
	assert_int_equal(io(0x60, 1, 0), REFLECT_L0);
	assert_int_equal(io(0x9000, 1, 0), REFLECT_L1);
	assert_int_equal(io(0x7fff, 2, 0), REFLECT_L1);
}

/* --- MSRs --- */

static enum reflect_verdict rdmsr(uint64_t rcx)
{
	ex.rcx = rcx;
	return decide(EXIT_MSR_READ);
}

static enum reflect_verdict wrmsr(uint64_t rcx)
{
	ex.rcx = rcx;
	return decide(EXIT_MSR_WRITE);
}

static void msr_without_bitmap(void **state)
{
	(void)state;
	reset();
	ctls.proc = ~CPU_USE_MSR_BITMAPS;
	assert_int_equal(rdmsr(0x10), REFLECT_L1);
	assert_int_equal(wrmsr(0xc0000080), REFLECT_L1);
	assert_int_equal(reads, 0);
}

static void msr_outside_ranges(void **state)
{
	static const uint32_t outside[] = { 0x2000, 0x40000000, 0xbfffffff,
					    0xc0002000, 0xffffffff };
	size_t i;

	(void)state;
	reset();
	ctls.proc = CPU_USE_MSR_BITMAPS;
	for (i = 0; i < T_COUNT(outside); i++) {
		assert_int_equal(rdmsr(outside[i]), REFLECT_L1);
		assert_int_equal(wrmsr(outside[i]), REFLECT_L1);
	}
	/* the ranges' edges, with an empty bitmap */
	assert_int_equal(rdmsr(0), REFLECT_L0);
	assert_int_equal(rdmsr(0x1fff), REFLECT_L0);
	assert_int_equal(wrmsr(0xc0000000), REFLECT_L0);
	assert_int_equal(wrmsr(0xc0001fff), REFLECT_L0);
}

/* Each MSR's bit sits in exactly one quarter; nothing else answers to it. */
static void msr_quarters(void **state)
{
	static const struct {
		uint32_t msr;
		bool write;
		uint64_t offset;
	} q[] = {
		{ 0x10, false, 0 },         { 0x1fff, false, 0 },
		{ 0xc0000080, false, 1024 }, { 0xc0001fff, false, 1024 },
		{ 0x10, true, 2048 },        { 0x1fff, true, 2048 },
		{ 0xc0000080, true, 3072 },  { 0xc0001fff, true, 3072 },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < T_COUNT(q); i++) {
		reset();
		ctls.proc = CPU_USE_MSR_BITMAPS;
		set_bit(T_MSRBM + q[i].offset, q[i].msr & 0x1fff);
		for (j = 0; j < T_COUNT(q); j++) {
			bool same = q[j].msr == q[i].msr &&
				    q[j].write == q[i].write;
			enum reflect_verdict v = q[j].write ? wrmsr(q[j].msr) :
							      rdmsr(q[j].msr);

			assert_int_equal(v, same ? REFLECT_L1 : REFLECT_L0);
		}
	}
	/* only ECX counts: RCX bits 63:32 are ignored */
	reset();
	ctls.proc = CPU_USE_MSR_BITMAPS;
	set_bit(T_MSRBM, 0x10);
	assert_int_equal(rdmsr(0xffffffff00000010ull), REFLECT_L1);
	assert_int_equal(rdmsr(0x1234567800000011ull), REFLECT_L0);
}

static void msr_unreadable_bitmap(void **state)
{
	(void)state;
	reset();
	ctls.proc = CPU_USE_MSR_BITMAPS;
	ctls.msr_bitmap = T_UNREADABLE;
	assert_int_equal(rdmsr(0x10), REFLECT_L1);
	assert_int_equal(wrmsr(0xc0000100), REFLECT_L1);
}

/* --- control registers --- */

#define T_CRQ(cr, type, gpr) \
	((uint64_t)(cr) | ((uint64_t)(type) << 4) | ((uint64_t)(gpr) << 8))
#define T_MOV_TO 0
#define T_MOV_FROM 1
#define T_CLTS 2
#define T_LMSW 3

static enum reflect_verdict cr(uint64_t qual, uint64_t value)
{
	ex.qualification = qual;
	ex.cr_source_value = value;
	return decide(EXIT_CR_ACCESS);
}

static void mov_to_cr0_cr4(void **state)
{
	const uint64_t ne = 1ull << 5, pg = 1ull << 31, vmxe = 1ull << 13;

	(void)state;
	reset();
	/* L1 owns NE and shows L2 NE=1 */
	ctls.cr0_mask = ne;
	ctls.cr0_shadow = ne | 1;
	assert_int_equal(cr(T_CRQ(0, T_MOV_TO, 3), ne | pg | 1), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(0, T_MOV_TO, 3), ne), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(0, T_MOV_TO, 3), pg | 1), REFLECT_L1);
	ctls.cr0_mask = 0;
	assert_int_equal(cr(T_CRQ(0, T_MOV_TO, 3), ~0ull), REFLECT_L0);

	ctls.cr4_mask = vmxe;
	ctls.cr4_shadow = 0;
	assert_int_equal(cr(T_CRQ(4, T_MOV_TO, 0), 0x20), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(4, T_MOV_TO, 0), vmxe | 0x20), REFLECT_L1);
	ctls.cr4_shadow = vmxe;
	assert_int_equal(cr(T_CRQ(4, T_MOV_TO, 0), vmxe), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(4, T_MOV_TO, 0), 0), REFLECT_L1);
	/* CR0's mask does not cover CR4 */
	ctls.cr4_mask = 0;
	ctls.cr0_mask = ~0ull;
	assert_int_equal(cr(T_CRQ(4, T_MOV_TO, 0), 0), REFLECT_L0);
}

static void mov_cr3(void **state)
{
	(void)state;
	reset();
	ctls.proc = ~(CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING);
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x5000), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(3, T_MOV_FROM, 1), 0), REFLECT_L0);
	ctls.proc |= CPU_CR3_STORE_EXITING;
	assert_int_equal(cr(T_CRQ(3, T_MOV_FROM, 1), 0), REFLECT_L1);
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x5000), REFLECT_L0);

	ctls.proc = CPU_CR3_LOAD_EXITING;
	ctls.cr3_target[0] = 0x5000;
	ctls.cr3_target[1] = 0x6000;
	ctls.cr3_target[2] = 0x7000;
	/* count 0: every load exits, whatever the targets hold */
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x5000), REFLECT_L1);
	ctls.cr3_target_count = 2;
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x5000), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x6000), REFLECT_L0);
	/* only the first count targets are considered */
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x7000), REFLECT_L1);
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x5001), REFLECT_L1);
	ctls.cr3_target_count = 4;
	ctls.cr3_target[3] = 0x8000;
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x7000), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x8000), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0), REFLECT_L1);
	/* CR3-store exiting does not stand in for CR3-load exiting */
	ctls.proc = CPU_CR3_STORE_EXITING;
	ctls.cr3_target_count = 0;
	assert_int_equal(cr(T_CRQ(3, T_MOV_TO, 1), 0x9000), REFLECT_L0);
}

static void mov_cr8(void **state)
{
	(void)state;
	reset();
	ctls.proc = NCTL_PROC_CR8_LOAD_EXITING;
	assert_int_equal(cr(T_CRQ(8, T_MOV_TO, 2), 0xf), REFLECT_L1);
	assert_int_equal(cr(T_CRQ(8, T_MOV_FROM, 2), 0), REFLECT_L0);
	ctls.proc = NCTL_PROC_CR8_STORE_EXITING;
	assert_int_equal(cr(T_CRQ(8, T_MOV_TO, 2), 0xf), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(8, T_MOV_FROM, 2), 0), REFLECT_L1);
}

/* Reads of CR0/CR4 come from the shadows; other CRs #UD. */
static void cr_never_exits(void **state)
{
	(void)state;
	reset();
	all_controls_on();
	ctls.cr0_shadow = 0x11;
	assert_int_equal(cr(T_CRQ(0, T_MOV_FROM, 0), 0), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(4, T_MOV_FROM, 0), 0), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(2, T_MOV_TO, 0), 0), REFLECT_L0);
	assert_int_equal(cr(T_CRQ(2, T_MOV_FROM, 0), 0), REFLECT_L0);
}

static void clts(void **state)
{
	const uint64_t ts = 1ull << 3;

	(void)state;
	reset();
	ctls.cr0_mask = ts;
	ctls.cr0_shadow = ts;
	assert_int_equal(cr(T_CRQ(0, T_CLTS, 0), 0), REFLECT_L1);
	ctls.cr0_shadow = ~ts;
	assert_int_equal(cr(T_CRQ(0, T_CLTS, 0), 0), REFLECT_L0);
	ctls.cr0_mask = ~ts;
	ctls.cr0_shadow = ts;
	assert_int_equal(cr(T_CRQ(0, T_CLTS, 0), 0), REFLECT_L0);
}

static enum reflect_verdict lmsw(uint16_t source)
{
	return cr(T_CRQ(0, T_LMSW, 0) | ((uint64_t)source << 16), 0);
}

static void lmsw_rules(void **state)
{
	unsigned bit;

	(void)state;
	reset();
	/* PE: only setting it exits; T_LMSW cannot clear it */
	ctls.cr0_mask = 1;
	ctls.cr0_shadow = 0;
	assert_int_equal(lmsw(1), REFLECT_L1);
	assert_int_equal(lmsw(0), REFLECT_L0);
	ctls.cr0_shadow = 1;
	assert_int_equal(lmsw(0), REFLECT_L0);
	assert_int_equal(lmsw(1), REFLECT_L0);
	ctls.cr0_mask = 0;
	ctls.cr0_shadow = 0;
	assert_int_equal(lmsw(1), REFLECT_L0);

	/* MP, EM, TS: any change of a masked bit, in either direction */
	for (bit = 1; bit <= 3; bit++) {
		uint16_t b = (uint16_t)(1u << bit);

		ctls.cr0_mask = b;
		ctls.cr0_shadow = 0;
		assert_int_equal(lmsw(b), REFLECT_L1);
		assert_int_equal(lmsw(0), REFLECT_L0);
		assert_int_equal(lmsw((uint16_t)(0xf & ~b)), REFLECT_L0);
		ctls.cr0_shadow = b;
		assert_int_equal(lmsw(0), REFLECT_L1);
		assert_int_equal(lmsw(b), REFLECT_L0);
		ctls.cr0_mask = 0xf & ~(uint64_t)b;
		ctls.cr0_shadow = 0;
		assert_int_equal(lmsw(b), REFLECT_L0);
	}

	/* T_LMSW touches only bits 3:0: mask bits above do not matter */
	ctls.cr0_mask = ~0xfull;
	ctls.cr0_shadow = 0;
	assert_int_equal(lmsw(0xfff0), REFLECT_L0);
	ctls.cr0_mask = ~0ull;
	ctls.cr0_shadow = 0xf;
	assert_int_equal(lmsw(0xe), REFLECT_L0); /* keeps MP/EM/TS, PE stays */
	assert_int_equal(lmsw(0xf), REFLECT_L0);
	assert_int_equal(lmsw(0x7), REFLECT_L1); /* clears TS */
}

/* The fast answer: exactly the unconditional reasons, each L1's by the
 * full decision with every control off and on. */
static void fast_answer(void **state)
{
	(void)state;
	for (uint32_t r = 0; r < 128; r++) {
		bool listed = false;

		for (unsigned i = 0; i < sizeof(always_l1) / sizeof(always_l1[0]);
		     i++)
			listed |= always_l1[i] == r;
		assert_int_equal(reflect_always_l1(r), listed);
		assert_int_equal(reflect_always_l1(r | (1u << 31)), listed);
		if (!listed)
			continue;
		reset();
		assert_int_equal(decide(r), REFLECT_L1);
		all_controls_on();
		assert_int_equal(decide(r), REFLECT_L1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unconditional),
		cmocka_unit_test(fast_answer),
		cmocka_unit_test(l0_only),
		cmocka_unit_test(single_controls),
		cmocka_unit_test(paired_controls),
		cmocka_unit_test(pause_either),
		cmocka_unit_test(nmi),
		cmocka_unit_test(exception_bitmap),
		cmocka_unit_test(page_fault_error_code),
		cmocka_unit_test(io_without_bitmaps),
		cmocka_unit_test(io_bitmaps),
		cmocka_unit_test(io_bitmap_edges),
		cmocka_unit_test(io_unreadable_bitmap),
		cmocka_unit_test(msr_without_bitmap),
		cmocka_unit_test(msr_outside_ranges),
		cmocka_unit_test(msr_quarters),
		cmocka_unit_test(msr_unreadable_bitmap),
		cmocka_unit_test(mov_to_cr0_cr4),
		cmocka_unit_test(mov_cr3),
		cmocka_unit_test(mov_cr8),
		cmocka_unit_test(cr_never_exits),
		cmocka_unit_test(clts),
		cmocka_unit_test(lmsw_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
