/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMREAD and VMWRITE of L1 on its current vmcs12 (SDM Vol. 3C 31.3). The
 * field encoding is in the register named by reg2; the value is in reg1 or
 * memory. Outside 64-bit mode both operands are 32 bits wide.
 */
#include "nested/internal.h"
#include "vmx/vmx.h"

#define MISC_VMWRITE_ANY (1ull << 29)

static uint64_t operand_mask(void)
{
	return nvmx_long_mode() ? ~0ull : 0xffffffffull;
}

enum exit_action nvmx_vmread(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(VMX_INSTRUCTION_INFO);
	uint64_t mask = operand_mask();
	uint64_t field = vcpu_read_gpr(v, operand_reg2(info)) & mask;
	uint64_t value = 0;
	struct vmx_operand op;

	if (v->nested.current_ptr == VMCS12_NONE) {
		nvmx_fail_invalid(v);
		return EXIT_RESUME;
	}
	/* the destination is checked (and may fault) before the field (31.3
	 * VMREAD) */
	if (!(info & OPERAND_INFO_REG) &&
	    !nvmx_operand(v, mask == ~0ull ? 8 : 4, true, &op))
		return EXIT_RESUME;
	if (vmcs12_vmread(v->nested.vmcs12, field, &value) != VMCS12_OK) {
		nvmx_fail(v, VMCS12_UNSUPPORTED);
		return EXIT_RESUME;
	}
	value &= mask;
	if (info & OPERAND_INFO_REG)
		vcpu_write_gpr(v, operand_reg1(info), value);
	else if (!nvmx_write_operand(v, &op, &value, mask == ~0ull ? 8 : 4))
		return EXIT_RESUME;
	nvmx_succeed(v);
	return EXIT_RESUME;
}

enum exit_action nvmx_vmwrite(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(VMX_INSTRUCTION_INFO);
	uint64_t mask = operand_mask();
	uint64_t field = vcpu_read_gpr(v, operand_reg2(info)) & mask;
	uint64_t value = 0;
	struct vmx_operand op;

	if (v->nested.current_ptr == VMCS12_NONE) {
		nvmx_fail_invalid(v);
		return EXIT_RESUME;
	}
	if (info & OPERAND_INFO_REG)
		value = vcpu_read_gpr(v, operand_reg1(info));
	else if (!nvmx_operand(v, mask == ~0ull ? 8 : 4, false, &op) ||
		 !nvmx_read_operand(v, &op, &value, mask == ~0ull ? 8 : 4))
		return EXIT_RESUME;
	enum vmcs12_status s =
	    vmcs12_vmwrite(v->nested.vmcs12, field, value & mask,
			   nested_caps.misc & MISC_VMWRITE_ANY);

	if (s != VMCS12_OK) {
		nvmx_fail(v, s);
		return EXIT_RESUME;
	}
	/* the high half of a 64-bit field lives in the same slot */
	nested_changed(&v->nested,
		       (unsigned)vmcs12_slot_lookup((unsigned)(field & ~1ull)));
	nvmx_succeed(v);
	return EXIT_RESUME;
}
