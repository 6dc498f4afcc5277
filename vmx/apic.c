/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/apic.h"

#include "arch/x86/cpu.h"
#include "core/gevent.h"
#include "core/percpu.h"
#include "lib/log.h"
#include "vmx/decode.h"
#include "vmx/gmem.h"
#include "vmx/segment.h"
#include "vmx/vmx.h"

/* SDM Vol. 3A 11.6.1: interrupt command register */
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define ICR_DELIVERY_MODE (7u << 8)
#define ICR_DM_NMI (4u << 8)
#define ICR_DM_INIT (5u << 8)
#define ICR_DM_SIPI (6u << 8)
#define ICR_DEST_LOGICAL (1u << 11)
#define ICR_BUSY (1u << 12)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_SHORTHAND(lo) (((lo) >> 18) & 3)
#define SH_NONE 0
#define SH_SELF 1
#define SH_ALL 2
#define SH_OTHERS 3
#define CR0_PE (1ull << 0)
#define EFER_LMA (1ull << 10)

static uint64_t page;

void apic_init(void)
{
	page = rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR;
}

uint64_t apic_page(void)
{
	return page;
}

static volatile uint32_t *reg(unsigned offset)
{
	return (volatile uint32_t *)(page + offset);
}

static bool x2apic(void)
{
	return rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD;
}

/* Rings cpu's doorbell: a fixed NMI to its APIC ID, in the APIC's current mode. */
static void send_nmi(uint32_t apic_id, uint32_t l1_icr_hi)
{
	if (x2apic()) {
		wrmsr(MSR_X2APIC_ICR, ((uint64_t)apic_id << 32) | ICR_DM_NMI);
		return;
	}
	while (*reg(APIC_ICR_LO) & ICR_BUSY)
		__builtin_ia32_pause();
	*reg(APIC_ICR_HI) = apic_id << 24;
	*reg(APIC_ICR_LO) = ICR_DM_NMI;
	while (*reg(APIC_ICR_LO) & ICR_BUSY)
		__builtin_ia32_pause();
	*reg(APIC_ICR_HI) = l1_icr_hi; /* L1 may read back what it wrote */
}

static struct percpu *cpu_at(uint32_t i)
{
	return (struct percpu *)(bootinfo.percpu_va + i * PERCPU_SIZE);
}

static bool targeted(const struct percpu *pc, const struct vcpu *self,
		     unsigned shorthand, uint32_t dest)
{
	switch (shorthand) {
	case SH_SELF:
		return &pc->vcpu == self;
	case SH_ALL:
		return true;
	case SH_OTHERS:
		return &pc->vcpu != self;
	default:
		return pc->apic_id == dest;
	}
}

static void ring(struct percpu *pc, uint32_t l1_icr_hi)
{
	__atomic_add_fetch(&pc->vcpu.init_nmis, 1, __ATOMIC_ACQ_REL);
	send_nmi(pc->apic_id, l1_icr_hi);
}

/*
 * Will t take a SIPI now? It waits for one, or has an INIT latched that it
 * will process at its next entry (not blocked: INIT is blocked in VMX root
 * operation, SDM 24.8, and in L2 it is an INIT exit to L1, whose SIPIs the
 * CPU then ignores, SDM 9.4.4 / 26.2).
 */
static bool takes_sipi(const struct vcpu *t)
{
	return __atomic_load_n(&t->waiting_sipi, __ATOMIC_ACQUIRE) ||
	       (__atomic_load_n(&t->init_pending, __ATOMIC_ACQUIRE) &&
		!__atomic_load_n(&t->nested.vmxon, __ATOMIC_RELAXED));
}

/*
 * Delivers an INIT or SIPI to every targeted vCPU, the way the target would
 * take it from the bus: INIT makes it wait for SIPI (vcpu_prepare_entry),
 * SIPI starts it if it waits and is ignored otherwise (SDM Vol. 3A 9.4.4).
 * Like the APIC, the sender does not wait: INIT is latched (init_pending)
 * and the target is rung; a SIPI for a target whose INIT is latched but not
 * processed yet is kept (sipi_vector) and starts it after the INIT. An INIT
 * drops a SIPI kept before it. The target never misses the doorbell
 * (vcpu_halt_if, arch/x86/exception.c).
 * Returns false if no vCPU is addressed (a logical destination, or a CPU
 * that is not L1's vCPU): then the hardware gets the write as L1 made it.
 */
static bool route(struct vcpu *self, uint32_t lo, uint32_t dest,
		  uint32_t l1_icr_hi)
{
	unsigned sh = ICR_SHORTHAND(lo);
	bool init = (lo & ICR_DELIVERY_MODE) == ICR_DM_INIT;
	unsigned hit = 0;

	if (sh == SH_NONE && (lo & ICR_DEST_LOGICAL))
		return false;
	for (uint32_t i = 0; i < bootinfo.ncpus; i++) {
		struct percpu *pc = cpu_at(i);
		struct vcpu *t = &pc->vcpu;

		if (!t->active || !targeted(pc, self, sh, dest))
			continue;
		hit++;
		if (init) {
			__atomic_store_n(&t->sipi_vector, SIPI_NONE, __ATOMIC_RELEASE);
			__atomic_store_n(&t->init_pending, 1, __ATOMIC_RELEASE);
			if (t != self)
				ring(pc, l1_icr_hi);
		} else if (t != self && takes_sipi(t)) {
			__atomic_store_n(&t->sipi_vector, lo & 0xff, __ATOMIC_RELEASE);
			ring(pc, l1_icr_hi);
		}
	}
	return hit != 0;
}

/* INIT (not the INIT level de-assert, a no-op since the P4, SDM 11.6.1) or SIPI */
static bool is_init_or_sipi(uint32_t lo)
{
	uint32_t dm = lo & ICR_DELIVERY_MODE;

	return dm == ICR_DM_SIPI ||
	       (dm == ICR_DM_INIT &&
		!((lo & ICR_TRIGGER_LEVEL) && !(lo & ICR_LEVEL_ASSERT)));
}

static enum decode_mode cpu_mode(void)
{
	uint64_t ar = vmcs_read(GUEST_CS_AR_BYTES);

	if (!(vmcs_read(GUEST_CR0) & CR0_PE))
		return DECODE_16;
	if ((vmcs_read(GUEST_IA32_EFER) & EFER_LMA) && (ar & AR_L))
		return DECODE_64;
	return (ar & AR_DB) ? DECODE_32 : DECODE_16;
}

static uint64_t store_value(struct vcpu *v, const struct decoded_store *d)
{
	if (!d->src_is_reg)
		return d->imm;
	if (d->src_high_byte)
		return (*vcpu_gpr(v, d->src_reg - 4) >> 8) & 0xff;
	return vcpu_read_gpr(v, d->src_reg);
}

enum exit_action apic_mmio_write(struct vcpu *v, uint64_t gpa)
{
	uint8_t insn[15];
	unsigned n = gmem_fetch_insn(insn, sizeof(insn));
	struct decoded_store d;
	const char *why = "cannot fetch the instruction";

	if (!n || !decode_store(insn, n, cpu_mode(), &d, &why)) {
		log_err("apic: cannot emulate L1's write to APIC offset 0x%lx at rip 0x%lx: %s",
			gpa & 0xfff, vmcs_read(GUEST_RIP), why);
		return EXIT_STOP;
	}
	uint64_t value = store_value(v, &d);
	unsigned offset = gpa & 0xfff;

	if (d.size != 4 || (offset & 3)) {
		/* not a valid APIC access (SDM 11.4.1): drop it, as the APIC would */
		gevent(v, GEV_APIC_ACCESS, LOG_WARN,
		       "apic: %u-byte write to APIC offset 0x%x dropped", d.size,
		       offset);
	} else if (offset == APIC_ICR_LO && is_init_or_sipi((uint32_t)value) &&
		   route(v, (uint32_t)value, *reg(APIC_ICR_HI) >> 24,
			 *reg(APIC_ICR_HI))) {
		/* routed by L0 */
	} else {
		*reg(offset) = (uint32_t)value;
	}
	vcpu_advance_rip(v, d.length);
	return EXIT_RESUME;
}

bool apic_x2apic_icr(struct vcpu *v, uint64_t value)
{
	uint32_t lo = (uint32_t)value;

	return (is_init_or_sipi(lo) && route(v, lo, value >> 32, 0)) ||
	       wrmsr_safe(MSR_X2APIC_ICR, value) == 0;
}
