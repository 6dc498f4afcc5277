/* SPDX-License-Identifier: Apache-2.0 */
/*
 * INVEPT and INVVPID of L1 (SDM Vol. 3C 31.3). L2 runs with one EPT02 and
 * one VPID02 per vCPU, so every invalidation L1 asks for is done by
 * dropping EPT02 (rebuilt on demand) or flushing VPID02: never less than
 * asked, which is what the SDM allows.
 */
#include "nested/x86_rules.h"
#include "nested/ept12.h"
#include "nested/internal.h"
#include "vmx/vmx.h"

#define EPT_CAP_INVEPT	      (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE (1ull << 25)
#define EPT_CAP_INVEPT_ALL    (1ull << 26)
#define VPID_CAP_INVVPID      (1ull << 32)
#define VPID_CAP_TYPE0	      40 /* bits 40..43: types 0..3 */
#define ERR_INV_OPERAND	      28

/* Type in reg2 (32 bits outside 64-bit mode), descriptor in memory. */
static bool operands(struct vcpu *v, uint64_t *type, uint64_t desc[2])
{
	uint32_t info = (uint32_t)vmcs_read(VMX_INSTRUCTION_INFO);
	struct vmx_operand op;

	*type = vcpu_read_gpr(v, operand_reg2(info));
	if (!nvmx_long_mode())
		*type = (uint32_t)*type;
	return nvmx_operand(v, 16, false, &op) &&
	       nvmx_read_operand(v, &op, desc, 16);
}

static bool not_offered(uint64_t cap_bit, uint32_t sec_bit)
{
	uint32_t sec_may1 = (uint32_t)(nested_caps.procbased2 >> 32);

	return !(nested_caps.ept_vpid & cap_bit) || !(sec_may1 & sec_bit);
}

enum exit_action nvmx_invept(struct vcpu *v)
{
	uint64_t type, desc[2];

	if (not_offered(EPT_CAP_INVEPT, SEC_ENABLE_EPT)) {
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return EXIT_RESUME;
	}
	if (!operands(v, &type, desc))
		return EXIT_RESUME;
	bool single = type == INVEPT_SINGLE &&
		      (nested_caps.ept_vpid & EPT_CAP_INVEPT_SINGLE);
	bool all =
	    type == INVEPT_ALL && (nested_caps.ept_vpid & EPT_CAP_INVEPT_ALL);
	struct ept12_caps caps = ept12_caps_of(&nested_caps, nested_phys_bits);

	if ((!single && !all) ||
	    (single && !ept12_eptp_valid(desc[0], &caps))) {
		nvmx_fail(v, ERR_INV_OPERAND);
		return EXIT_RESUME;
	}
	ept02_drop(v);
	nvmx_succeed(v);
	return EXIT_RESUME;
}

enum exit_action nvmx_invvpid(struct vcpu *v)
{
	uint64_t type, desc[2];

	if (not_offered(VPID_CAP_INVVPID, SEC_ENABLE_VPID)) {
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return EXIT_RESUME;
	}
	if (!operands(v, &type, desc))
		return EXIT_RESUME;
	uint16_t vpid = (uint16_t)desc[0];

	/* SDM 31.3 INVVPID: unsupported type, reserved bits 63:16, VPID 0,
	 * non-canonical address */
	if (type > 3 ||
	    !(nested_caps.ept_vpid & (1ull << (VPID_CAP_TYPE0 + type))) ||
	    (desc[0] >> 16) || (type != 2 && vpid == 0) ||
	    (type == 0 &&
	     !x86_canonical_to(desc[1], x86_linear_bits(nested_la57)))) {
		nvmx_fail(v, ERR_INV_OPERAND);
		return EXIT_RESUME;
	}
	/* every VPID of L1's guests is VPID02 on this vCPU */
	invvpid(INVVPID_SINGLE, v->nested.vpid02);
	nvmx_succeed(v);
	return EXIT_RESUME;
}
