/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMX instructions. The raw forms return how the instruction ended (SDM Vol.
 * 3C 31.2: CF=1 VMfailInvalid, ZF=1 VMfailValid); the checked VMCS accessors
 * (vmcs_read/vmcs_write) stop the CPU with the field, the VM-instruction
 * error and the caller when one fails, because a failing VMREAD/VMWRITE of
 * L0's own VMCS is always an L0 bug.
 */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vmcs_fields.h"

enum vmx_result { VMX_OK = 0, VMX_FAIL_INVALID = 1, VMX_FAIL_VALID = 2 };

static inline enum vmx_result vmx_result(uint8_t cf, uint8_t zf)
{
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

#define VMX_MEM_OP(insn, pa)                                                \
	({                                                                  \
		uint8_t cf_, zf_;                                           \
		__asm__ volatile(insn " %2; setc %0; setz %1"               \
				 : "=qm"(cf_), "=qm"(zf_)                   \
				 : "m"(pa)                                  \
				 : "cc", "memory");                         \
		vmx_result(cf_, zf_);                                       \
	})

static inline enum vmx_result vmxon(uint64_t pa)
{
	return VMX_MEM_OP("vmxon", pa);
}

static inline enum vmx_result vmclear(uint64_t pa)
{
	return VMX_MEM_OP("vmclear", pa);
}

/* The current-VMCS pointer (all ones: none). */
static inline uint64_t vmptrst(void)
{
	uint64_t pa;

	__asm__ volatile("vmptrst %0" : "=m"(pa)::"memory");
	return pa;
}

static inline enum vmx_result vmptrld(uint64_t pa)
{
	return VMX_MEM_OP("vmptrld", pa);
}

static inline void vmxoff(void)
{
	__asm__ volatile("vmxoff" : : : "cc", "memory");
}

static inline enum vmx_result vmread_raw(uint64_t field, uint64_t *value)
{
	uint8_t cf, zf;

	__asm__ volatile("vmread %3, %0; setc %1; setz %2"
			 : "=rm"(*value), "=qm"(cf), "=qm"(zf)
			 : "r"(field)
			 : "cc");
	return vmx_result(cf, zf);
}

static inline enum vmx_result vmwrite_raw(uint64_t field, uint64_t value)
{
	uint8_t cf, zf;

	__asm__ volatile("vmwrite %2, %3; setc %0; setz %1"
			 : "=qm"(cf), "=qm"(zf)
			 : "rm"(value), "r"(field)
			 : "cc");
	return vmx_result(cf, zf);
}

/* INVEPT/INVVPID descriptors and types (SDM Vol. 3C 31.3). */
#define INVEPT_SINGLE 1
#define INVEPT_ALL 2
#define INVVPID_SINGLE 1
#define INVVPID_ALL 2

/* Both take a 128-bit descriptor in memory and a type in a register. */
#define VMX_INV_OP(insn, type, lo, hi)                                      \
	({                                                                  \
		struct {                                                    \
			uint64_t a, b;                                      \
		} desc_ = { (lo), (hi) };                                   \
		uint8_t cf_, zf_;                                           \
		__asm__ volatile(insn " %2, %3; setc %0; setz %1"           \
				 : "=qm"(cf_), "=qm"(zf_)                   \
				 : "m"(desc_), "r"((uint64_t)(type))        \
				 : "cc", "memory");                         \
		vmx_result(cf_, zf_);                                       \
	})

static inline enum vmx_result invept(uint64_t type, uint64_t eptp)
{
	return VMX_INV_OP("invept", type, eptp, 0);
}

static inline enum vmx_result invvpid(uint64_t type, uint16_t vpid)
{
	return VMX_INV_OP("invvpid", type, vpid, 0);
}

/* Stops the CPU naming the field, the VM-instruction error and the caller (vmx/vmcs.c). */
__attribute__((noreturn, cold)) void vmcs_access_failed(const char *insn, enum vmcs_field f,
							enum vmx_result r, const char *file,
							int line);

/*
 * How a VMREAD/VMWRITE of L0 failed, known only to have failed (CF or ZF):
 * VMfailInvalid exactly when there is no current VMCS (SDM Vol. 3C 31.3).
 */
static inline enum vmx_result vmx_access_failure(void)
{
	return vmptrst() == ~0ull ? VMX_FAIL_INVALID : VMX_FAIL_VALID;
}

/*
 * Inline: every exit makes dozens of these, and only a failure needs more.
 * One branch on CF or ZF (JBE) after the instruction: in Bochs, where L0's
 * path lengths are counted in instructions, 3 per access instead of 8.
 */
static inline __attribute__((always_inline)) uint64_t
vmcs_read_at(enum vmcs_field f, const char *file, int line)
{
	uint64_t v;

	__asm__ goto("vmread %1, %0; jbe %l[failed]"
		     : "=&r"(v)
		     : "r"((uint64_t)f)
		     : "cc"
		     : failed);
	return v;
failed:
	vmcs_access_failed("VMREAD", f, vmx_access_failure(), file, line);
}

static inline __attribute__((always_inline)) void
vmcs_write_at(enum vmcs_field f, uint64_t v, const char *file, int line)
{
	__asm__ goto("vmwrite %0, %1; jbe %l[failed]"
		     :
		     : "rm"(v), "r"((uint64_t)f)
		     : "cc"
		     : failed);
	return;
failed:
	vmcs_access_failed("VMWRITE", f, vmx_access_failure(), file, line);
}
/* VMREAD into memory (the instruction's memory form: no register copy). */
static inline __attribute__((always_inline)) void
vmcs_read_to_at(enum vmcs_field f, uint64_t *dst, const char *file, int line)
{
	__asm__ goto("vmread %1, %0; jbe %l[failed]"
		     : "=m"(*dst)
		     : "r"((uint64_t)f)
		     : "cc"
		     : failed);
	return;
failed:
	vmcs_access_failed("VMREAD", f, vmx_access_failure(), file, line);
}
#define vmcs_read(f) vmcs_read_at((f), __FILE__, __LINE__)
#define vmcs_read_to(f, dst) vmcs_read_to_at((f), (dst), __FILE__, __LINE__)
#define vmcs_write(f, v) vmcs_write_at((f), (v), __FILE__, __LINE__)

/*
 * The fields of vmx/vmcs_basic.def (see there why an access cannot fail):
 * with a constant field, vmcs_field_basic() folds at compile time, and
 * vmcs_read_fast/vmcs_write_fast are a bare VMREAD/VMWRITE for those
 * fields (no failure branch) and the checked vmcs_read/vmcs_write for any
 * other. Only in a VMCS the caller made current with a checked VMPTRLD.
 * Writes of the read-only VM-exit information fields (SDM Vol. 3C B.1:
 * encoding bits 11:10 = 1) stay checked: they need "VMWRITE to any field".
 */
static inline __attribute__((always_inline)) bool
vmcs_field_basic(enum vmcs_field f)
{
	switch (f) {
#define VMCS_BASIC(name) case name:
#include "vmx/vmcs_basic.def"
#undef VMCS_BASIC
		return true;
	default:
		return false;
	}
}

static inline __attribute__((always_inline)) uint64_t
vmread_basic(enum vmcs_field f)
{
	uint64_t v;

	__asm__ volatile("vmread %1, %0" : "=r"(v) : "r"((uint64_t)f) : "cc");
	return v;
}

static inline __attribute__((always_inline)) void
vmread_basic_to(enum vmcs_field f, uint64_t *dst)
{
	__asm__ volatile("vmread %1, %0"
			 : "=m"(*dst)
			 : "r"((uint64_t)f)
			 : "cc");
}

static inline __attribute__((always_inline)) void
vmwrite_basic(enum vmcs_field f, uint64_t v)
{
	__asm__ volatile("vmwrite %0, %1" : : "rm"(v), "r"((uint64_t)f) : "cc");
}

#define vmcs_read_fast(f)                                                      \
	(vmcs_field_basic(f) ? vmread_basic(f) : vmcs_read(f))
#define vmcs_read_fast_to(f, dst)                                              \
	do {                                                                   \
		if (vmcs_field_basic(f))                                       \
			vmread_basic_to((f), (dst));                           \
		else                                                           \
			vmcs_read_to((f), (dst));                              \
	} while (0)
#define vmcs_write_fast(f, v)                                                  \
	do {                                                                   \
		if (vmcs_field_basic(f) && (((f) >> 10) & 3) != 1)             \
			vmwrite_basic((f), (v));                               \
		else                                                           \
			vmcs_write((f), (v));                                  \
	} while (0)
/* Reads every field of the list, checked, in the current VMCS (start-up). */
void vmx_basic_fields_selftest(void);

/* "unsupported VMCS component" etc. (SDM Vol. 3C 31.4) */
const char *vmx_instruction_error_name(unsigned error);

#endif
