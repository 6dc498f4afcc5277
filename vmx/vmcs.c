/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/vmx.h"

#include "core/panic.h"

static const struct {
	unsigned short encoding;
	const char *name;
} fields[] = {
#define VMCS_FIELD(name, encoding) { encoding, #name },
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

const char *vmcs_field_name(unsigned long encoding)
{
	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].encoding == encoding)
			return fields[i].name;
	return 0;
}

/* SDM Vol. 3C 31.4, Table 31-1 */
static const char *const errors[] = {
	[1] = "VMCALL in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "Invalid operand to INVEPT/INVVPID",
};

const char *vmx_instruction_error_name(unsigned error)
{
	if (error < sizeof(errors) / sizeof(errors[0]) && errors[error])
		return errors[error];
	return "unknown VM-instruction error";
}

void vmcs_access_failed(const char *insn, enum vmcs_field f, enum vmx_result r,
			const char *file, int line)
{
	const char *name = vmcs_field_name(f);
	uint64_t err = 0;

	if (!name)
		name = "?";
	if (r == VMX_FAIL_INVALID)
		panic("%s %s (0x%x) at %s:%d: VMfailInvalid (no current VMCS)",
		      insn, name, f, file, line);
	vmread_raw(VM_INSTRUCTION_ERROR, &err);
	panic("%s %s (0x%x) at %s:%d: VMfailValid, VM-instruction error %lu (%s)",
	      insn, name, f, file, line, err,
	      vmx_instruction_error_name((unsigned)err));
}

void vmx_basic_fields_selftest(void)
{
	static const struct {
		enum vmcs_field f;
		const char *name;
	} basic[] = {
#define VMCS_BASIC(name) {name, #name},
#include "vmx/vmcs_basic.def"
#undef VMCS_BASIC
	};
	uint64_t v;

	for (unsigned i = 0; i < sizeof(basic) / sizeof(basic[0]); i++)
		if (vmread_raw(basic[i].f, &v) != VMX_OK)
			panic("vmx/vmcs_basic.def: VMREAD of %s (0x%x) fails on "
			      "this CPU: it is not a field every CPU L0 runs "
			      "on has", basic[i].name, basic[i].f);
}
