/* SPDX-License-Identifier: Apache-2.0 */
/*
 * INIT and SIPI (an OS starting its APs), and triple fault. L0 plays the
 * CPU: INIT resets the vCPU, which then waits in L0 (vcpu_prepare_entry),
 * and SIPI starts it in real mode at the vector's page (SDM Vol. 3A 9.1.1,
 * 9.4.4). This needs unrestricted guest (real mode without paging). L1's
 * own INIT and SIPI IPIs reach L0 through vmx/apic.c.
 */
#include "arch/x86/cpu.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/config.h"
#include "vmx/exit.h"
#include "vmx/segment.h"
#include "vmx/vmx.h"

#define CR0_AFTER_INIT 0x60000010ull /* CD NW ET, SDM Table 9-1 */
#define AR_CODE16 (AR_P | AR_S | 0xbu) /* present, execute/read, accessed */
#define AR_DATA16 (AR_P | AR_S | 0x3u) /* present, read/write, accessed */
#define AR_LDT (AR_P | 0x2u)
#define AR_TSS16_BUSY (AR_P | 0xbu)

static void real_mode_segment(enum vmcs_field sel, uint32_t ar)
{
	/* encodings of one register's fields are at fixed distances (App. B) */
	vmcs_write(sel, 0);
	vmcs_write(sel - GUEST_ES_SELECTOR + GUEST_ES_BASE, 0);
	vmcs_write(sel - GUEST_ES_SELECTOR + GUEST_ES_LIMIT, 0xffff);
	vmcs_write(sel - GUEST_ES_SELECTOR + GUEST_ES_AR_BYTES, ar);
}

static void load_init_state(struct vcpu *v)
{
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rdx = cpuid(1, 0).eax; /* family, model, stepping */
	vmcs_write(CR0_READ_SHADOW, CR0_AFTER_INIT);
	vmcs_write(GUEST_CR0, vmx_guest_cr0(CR0_AFTER_INIT));
	vmcs_write(CR4_READ_SHADOW, 0);
	vmcs_write(GUEST_CR4, vmx_guest_cr4(0));
	vmcs_write(GUEST_CR3, 0);
	vmcs_write(GUEST_DR7, 0x400);
	vmcs_write(GUEST_RSP, 0);
	vmcs_write(GUEST_RIP, 0xfff0);
	vmcs_write(GUEST_RFLAGS, 2);
	for (enum vmcs_field s = GUEST_ES_SELECTOR; s <= GUEST_GS_SELECTOR; s += 2)
		real_mode_segment(s, s == GUEST_CS_SELECTOR ? AR_CODE16 : AR_DATA16);
	real_mode_segment(GUEST_LDTR_SELECTOR, AR_LDT);
	real_mode_segment(GUEST_TR_SELECTOR, AR_TSS16_BUSY);
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IA32_EFER, 0);
	vmcs_write(VM_ENTRY_CONTROLS,
		   vmcs_read(VM_ENTRY_CONTROLS) & ~(uint64_t)ENTRY_IA32E_MODE);
	vmcs_write(GUEST_IA32_PAT, 0x0007040600070406ull);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmx_flush_guest_tlb(v->vpid);
}

void vcpu_init_reset(struct vcpu *v)
{
	load_init_state(v);
	gevent(v, GEV_INIT_SIPI, LOG_DEBUG, "vmx: INIT: cpu%u waits for SIPI",
	       v->cpu);
}

void vcpu_sipi_start(struct vcpu *v, uint32_t vector)
{
	vmcs_write(GUEST_CS_SELECTOR, vector << 8);
	vmcs_write(GUEST_CS_BASE, (uint64_t)vector << 12);
	vmcs_write(GUEST_RIP, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	gevent(v, GEV_INIT_SIPI, LOG_DEBUG, "vmx: SIPI: cpu%u starts at 0x%x",
	       v->cpu, vector << 12);
}

/* An INIT that reached the CPU (not one of L1's, which L0 routes itself). */
enum exit_action exit_init(struct vcpu *v)
{
	__atomic_store_n(&v->init_pending, 1, __ATOMIC_RELEASE);
	return EXIT_RESUME;
}

/* L1 would have shut the machine down: that is a reset on a PC. */
enum exit_action exit_triple_fault(struct vcpu *v)
{
	log_err("vmx: triple fault in L1 on cpu%u: resetting the machine", v->cpu);
	vmcs_dump();
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06); /* PCI reset control: hard reset */
	outb(0x64, 0xfe);  /* keyboard controller pulse, the older way */
	return EXIT_STOP;
}
