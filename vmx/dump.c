/* SPDX-License-Identifier: Apache-2.0 */
/* What a person needs to see when a vCPU stops. */
#include "arch/x86/cpu.h"
#include "lib/log.h"
#include "nested/nstate_vcpu.h"
#include "vmx/vcpu.h"
#include "vmx/vmx.h"

static const enum vmcs_field dumped[] = {
	VM_EXIT_REASON, EXIT_QUALIFICATION, VM_EXIT_INTR_INFO,
	VM_EXIT_INTR_ERROR_CODE, IDT_VECTORING_INFO, VM_EXIT_INSTRUCTION_LEN,
	VM_INSTRUCTION_ERROR, GUEST_PHYSICAL_ADDRESS, GUEST_LINEAR_ADDRESS,
	GUEST_RIP, GUEST_RSP, GUEST_RFLAGS, GUEST_CR0, CR0_READ_SHADOW,
	GUEST_CR3, GUEST_CR4, CR4_READ_SHADOW, GUEST_IA32_EFER,
	GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES,
	GUEST_SS_SELECTOR, GUEST_SS_AR_BYTES, GUEST_DS_SELECTOR,
	GUEST_DS_AR_BYTES, GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT,
	GUEST_TR_AR_BYTES, GUEST_LDTR_SELECTOR, GUEST_LDTR_AR_BYTES,
	GUEST_GDTR_BASE, GUEST_GDTR_LIMIT, GUEST_IDTR_BASE, GUEST_IDTR_LIMIT,
	GUEST_ACTIVITY_STATE, GUEST_INTERRUPTIBILITY_INFO,
	GUEST_PENDING_DBG_EXCEPTIONS, VM_ENTRY_CONTROLS, VM_EXIT_CONTROLS,
	PIN_BASED_VM_EXEC_CONTROL, CPU_BASED_VM_EXEC_CONTROL,
	SECONDARY_VM_EXEC_CONTROL, VM_ENTRY_INTR_INFO, EPT_POINTER,
};

void vmcs_dump(void)
{
	for (unsigned i = 0; i < sizeof(dumped) / sizeof(dumped[0]); i++) {
		uint64_t v;

		/* raw: a dump must not stop half-way on an unreadable field */
		if (vmread_raw(dumped[i], &v) == VMX_OK)
			log_err("  %-28s 0x%lx", vmcs_field_name(dumped[i]), v);
	}
}

void vcpu_stop(struct vcpu *v, const char *why)
{
	log_err("vmx: stopping cpu%u (%s); the other CPUs go on. VMCS:", v->cpu, why);
	vmcs_dump();
	log_err("  guest rax 0x%lx rbx 0x%lx rcx 0x%lx rdx 0x%lx", v->regs.rax,
		v->regs.rbx, v->regs.rcx, v->regs.rdx);
	log_err("  guest rsi 0x%lx rdi 0x%lx rbp 0x%lx", v->regs.rsi,
		v->regs.rdi, v->regs.rbp);
	nested_state_dump(v);
	v->active = false;
	cpu_halt_forever();
	__builtin_unreachable();
}
