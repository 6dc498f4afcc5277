/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMCS shadowing offered to L1 (SDM Vol. 3C 25.10): when vmcs12 enables it,
 * L2's VMREAD/VMWRITE of a field whose bit is clear in vmcs12's VMREAD/
 * VMWRITE bitmap do not exit to L1 but access the shadow VMCS that vmcs12's
 * link pointer names, in L1's memory, in vmcs12's layout. L2's VMX
 * instructions always exit to L0 (vmcs02 has no shadowing), so L0 does
 * what the CPU would: reflect the exit, or perform the access.
 */
#include "lib/log.h"
#include "nested/ept12.h"
#include "nested/internal.h"
#include "vmx/gmem.h"
#include "vmx/vmx.h"

#define RFLAGS_CF	 (1ull << 0)
#define RFLAGS_ZF	 (1ull << 6)
#define MISC_VMWRITE_ANY (1ull << 29)

/* One shadow vmcs12 at a time; vCPUs take turns (this is not a hot path). */
static struct vmcs12 shadow;
static volatile int lock;

/* Would the CPU exit to L1 for this VMREAD/VMWRITE of L2 (SDM 26.1.3)? */
static bool exits_to_l1(const struct vmcs12 *c, bool write, uint64_t field)
{
	uint32_t proc = (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL);
	uint8_t byte;

	if (!(proc & CPU_SECONDARY_CONTROLS) ||
	    !(vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL) & SEC_SHADOW_VMCS) ||
	    (field >> 15))
		return true;
	uint64_t bitmap = vmcs12_get(c, write ? VMWRITE_BITMAP : VMREAD_BITMAP);

	/* a bitmap in no memory reads as all ones: every access exits */
	gmem_read(bitmap + (field & 0x7fff) / 8, &byte, 1);
	return (byte >> (field & 7)) & 1;
}

/*
 * Register operands only: a memory operand of L2 would need L2's paging and
 * EPT12 walked for L1 as well; such an access is given to L1 as the exit it
 * would be without shadowing (documented in docs/nested.md).
 */
bool nested_shadow12_access(struct vcpu *v, unsigned reason)
{
	const struct vmcs12 *c = v->nested.vmcs12;
	uint32_t info = (uint32_t)vmcs_read(VMX_INSTRUCTION_INFO);
	bool write = reason == EXIT_VMWRITE;
	bool wide = nvmx_long_mode();
	uint64_t mask = wide ? ~0ull : 0xffffffffull;
	uint64_t field = vcpu_read_gpr(v, operand_reg2(info)) & mask;
	uint64_t link = vmcs12_get(c, VMCS_LINK_POINTER);

	if (exits_to_l1(c, write, field) || !(info & OPERAND_INFO_REG))
		return false;
	if (vcpu_cpl() > 0) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return true;
	}
	if (link == ~0ull) {
		nvmx_set_status(v, RFLAGS_CF);
		return true;
	}
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	enum vmcs12_status s;

	/*
	 * The entry checked the link pointer's revision, so the shadow was RAM
	 * then; should it be no memory now, it reads as all ones and the write
	 * goes nowhere, as the CPU's accesses would.
	 */
	gmem_read(link, &shadow, sizeof(shadow));
	if (write) {
		s = vmcs12_vmwrite(&shadow, field,
				   vcpu_read_gpr(v, operand_reg1(info)) & mask,
				   nested_caps.misc & MISC_VMWRITE_ANY);
		if (s == VMCS12_OK)
			gmem_write(link, &shadow, sizeof(shadow));
	} else {
		uint64_t value = 0;

		s = vmcs12_vmread(&shadow, field, &value);
		if (s == VMCS12_OK)
			vcpu_write_gpr(v, operand_reg1(info), value & mask);
	}
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
	if (s == VMCS12_OK) {
		nvmx_set_status(v, 0);
	} else {
		/* VMfailValid: the error goes to the VMCS L2 runs on, vmcs12 */
		vmcs12_set(v->nested.vmcs12, VM_INSTRUCTION_ERROR, s);
		nvmx_set_status(v, RFLAGS_ZF);
	}
	return true;
}
