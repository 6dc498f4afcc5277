/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VMX instructions as functions returning their architectural outcome
 * (SDM Vol. 3C 31.2 "Conventions"): CF=1 is VMfailInvalid, ZF=1 is
 * VMfailValid with the number in the VM-instruction error field (31.4),
 * neither is VMsucceed. RFLAGS is taken right after the instruction, in the
 * same asm statement, so nothing the compiler emits can change it first.
 */
#include "tests/guests/nvmx.h"

#include "lib/fmt.h"

#define RFLAGS_CF 0x1ull
#define RFLAGS_ZF 0x40ull

unsigned vmx_setup_failures;

int vmx_outcome(uint64_t rflags)
{
	uint64_t err = 0;

	if (rflags & RFLAGS_CF)
		return VM_INVALID;
	if (!(rflags & RFLAGS_ZF))
		return VM_OK;
	/* VMfailValid means a current VMCS exists: its error field is set. */
	__asm__ volatile("vmread %1, %0"
			 : "=rm"(err)
			 : "r"((uint64_t)F_INSN_ERROR)
			 : "cc");
	return err ? (int)err : 0x7fff; /* 0 would read as success */
}

static const char *vmx_fmt(char *buf, size_t n, int outcome)
{
	if (outcome == VM_OK)
		return "VMsucceed";
	if (outcome == VM_INVALID)
		return "VMfailInvalid";
	fmt_snprintf(buf, n, "VMfailValid(%d)", outcome);
	return buf;
}

const char *vmx_str(int outcome)
{
	static char buf[24];

	return vmx_fmt(buf, sizeof(buf), outcome);
}

const char *vmx_str2(int outcome)
{
	static char buf[24];

	return vmx_fmt(buf, sizeof(buf), outcome);
}

int vmxon(uint64_t pa)
{
	uint64_t rf;

	__asm__ volatile("vmxon %1\n\tpushfq\n\tpop %0"
			 : "=r"(rf)
			 : "m"(pa)
			 : "cc", "memory");
	return vmx_outcome(rf);
}

int vmxoff(void)
{
	uint64_t rf;

	__asm__ volatile("vmxoff\n\tpushfq\n\tpop %0"
			 : "=r"(rf)
			 :
			 : "cc", "memory");
	/* After a successful VMXOFF there is no VMCS to read an error from. */
	return (rf & (RFLAGS_CF | RFLAGS_ZF)) ? vmx_outcome(rf) : VM_OK;
}

int vmclear(uint64_t pa)
{
	uint64_t rf;

	__asm__ volatile("vmclear %1\n\tpushfq\n\tpop %0"
			 : "=r"(rf)
			 : "m"(pa)
			 : "cc", "memory");
	return vmx_outcome(rf);
}

int vmptrld(uint64_t pa)
{
	uint64_t rf;

	__asm__ volatile("vmptrld %1\n\tpushfq\n\tpop %0"
			 : "=r"(rf)
			 : "m"(pa)
			 : "cc", "memory");
	return vmx_outcome(rf);
}

int vmptrst(uint64_t *pa)
{
	uint64_t rf;

	__asm__ volatile("vmptrst %1\n\tpushfq\n\tpop %0"
			 : "=r"(rf), "=m"(*pa)
			 :
			 : "cc", "memory");
	return vmx_outcome(rf);
}

int vmread(uint64_t field, uint64_t *v)
{
	uint64_t rf, val = 0;

	__asm__ volatile("vmread %2, %1\n\tpushfq\n\tpop %0"
			 : "=r"(rf), "+r"(val)
			 : "r"(field)
			 : "cc", "memory");
	*v = val;
	return vmx_outcome(rf);
}

int vmwrite(uint64_t field, uint64_t v)
{
	uint64_t rf;

	__asm__ volatile("vmwrite %1, %2\n\tpushfq\n\tpop %0"
			 : "=r"(rf)
			 : "r"(v), "r"(field)
			 : "cc", "memory");
	return vmx_outcome(rf);
}

/* The memory-operand forms (ModRM.mod != 3). */
int vmread_mem(uint64_t field, uint64_t *v)
{
	uint64_t rf;

	__asm__ volatile("vmread %2, %1\n\tpushfq\n\tpop %0"
			 : "=r"(rf), "=m"(*v)
			 : "r"(field)
			 : "cc", "memory");
	return vmx_outcome(rf);
}

int vmwrite_mem(uint64_t field, const uint64_t *v)
{
	uint64_t rf;

	__asm__ volatile("vmwrite %1, %2\n\tpushfq\n\tpop %0"
			 : "=r"(rf)
			 : "m"(*v), "r"(field)
			 : "cc", "memory");
	return vmx_outcome(rf);
}

int invept(uint64_t type, uint64_t eptp)
{
	uint64_t desc[2] = {eptp, 0}, rf;

	__asm__ volatile("invept %1, %2\n\tpushfq\n\tpop %0"
			 : "=r"(rf)
			 : "m"(desc), "r"(type)
			 : "cc", "memory");
	return vmx_outcome(rf);
}

int invvpid(uint64_t type, uint64_t desc_lo, uint64_t desc_hi)
{
	uint64_t desc[2] = {desc_lo, desc_hi}, rf;

	__asm__ volatile("invvpid %1, %2\n\tpushfq\n\tpop %0"
			 : "=r"(rf)
			 : "m"(desc), "r"(type)
			 : "cc", "memory");
	return vmx_outcome(rf);
}

uint64_t vmr(uint32_t field)
{
	uint64_t v = 0;

	if (vmread(field, &v) != VM_OK)
		vmx_setup_failures++;
	return v;
}

void vmw(uint32_t field, uint64_t v)
{
	if (vmwrite(field, v) != VM_OK) {
		vmx_setup_failures++;
		guest_printf("nvmx: info VMWRITE 0x%x failed\n", field);
	}
}

void vmw_or(uint32_t field, uint64_t bits)
{
	vmw(field, vmr(field) | bits);
}

void vmw_clear(uint32_t field, uint64_t bits)
{
	vmw(field, vmr(field) & ~bits);
}
