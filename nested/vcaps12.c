/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L1's IA32_VMX_* MSRs: the CPU's capabilities cut down to what L0 emulates
 * (SDM Vol. 3D Appendix A gives each MSR's format).
 */
#include "nested/vcaps12.h"

#include "nested/vmcs12.h"
#include "vmx/controls.h"
#include "vmx/msr.h"

#define B(n)   (1u << (n))
#define B64(n) (1ull << (n))

#define PROC_TERTIARY_CONTROLS B(17)
#define PROC2_VM_FUNCTIONS     B(13)

/*
 * Default1 classes (SDM Vol. 3D A.2): reserved controls a CPU without the
 * TRUE MSRs forces to 1. The non-TRUE MSRs report them as must-be-1 so an L1
 * that ignores the TRUE MSRs builds controls that are valid as they stand.
 */
#define PIN_DEFAULT1 (B(1) | B(2) | B(4))
#define PROC_DEFAULT1                                                          \
	(B(1) | B(4) | B(5) | B(6) | B(8) | B(13) | B(14) | B(15) | B(16) |    \
	 B(26))
#define EXIT_DEFAULT1  (0x1ffu | B(10) | B(11) | B(13) | B(14) | B(16) | B(17))
#define ENTRY_DEFAULT1 (0x1ffu | B(12))

/*
 * Controls L0 emulates for L1 (allowed-1 = hardware's AND these). What is
 * left out has no vmcs12 field (see the list in nested/vmcs12.c) or is a
 * feature L0 keeps for itself.
 */
#define PIN_EMULATED                                                           \
	(PIN_DEFAULT1 | PIN_EXTINT_EXITING | PIN_NMI_EXITING |                 \
	 PIN_VIRTUAL_NMIS | PIN_PREEMPTION_TIMER)
/* Not 17 (tertiary controls), not 21 (TPR shadow: no virtual-APIC page). */
#define PROC_EMULATED                                                          \
	(PROC_DEFAULT1 | CPU_INTR_WINDOW_EXITING | B(3) /* TSC offsetting */ | \
	 CPU_HLT_EXITING | B(9) /* INVLPG */ | B(10) /* MWAIT */ |             \
	 B(11) /* RDPMC */ | B(12) /* RDTSC */ | CPU_CR3_LOAD_EXITING |        \
	 CPU_CR3_STORE_EXITING | B(19) /* CR8 load */ |                        \
	 B(20) /* CR8 store */ | CPU_NMI_WINDOW_EXITING | B(23) /* MOV DR */ | \
	 CPU_UNCOND_IO_EXITING | CPU_USE_IO_BITMAPS |                          \
	 B(27) /* monitor trap flag */ | CPU_USE_MSR_BITMAPS |                 \
	 B(29) /* MONITOR */ | B(30) /* PAUSE */ | CPU_SECONDARY_CONTROLS)
/*
 * Not 20 (XSAVES/XRSTORS): its XSS-exiting bitmap is on the unemulated list,
 * and an L1 offered the control writes that field (KVM does at VMCS setup).
 * Not 13 (VM functions), 17 (PML), 0/4/8/9 (APIC virtualization), 10 (PAUSE
 * loop), 15 (ENCLS), 18 (#VE), 25 (TSC scaling), 31 (notify: L0's own).
 */
#define PROC2_EMULATED                                                         \
	(SEC_ENABLE_EPT | B(2) /* descriptor-table exiting */ |                \
	 SEC_ENABLE_RDTSCP | SEC_ENABLE_VPID | B(6) /* WBINVD exiting */ |     \
	 SEC_UNRESTRICTED_GUEST | B(11) /* RDRAND exiting */ |                 \
	 SEC_ENABLE_INVPCID | B(14) /* VMCS shadowing */ |                     \
	 B(16) /* RDSEED exiting */)
/* Not 12 (load PERF_GLOBAL_CTRL), 23 (clear BNDCFGS), 24+ (PT, CET, ...). */
#define EXIT_EMULATED                                                          \
	(EXIT_DEFAULT1 | EXIT_SAVE_DEBUG_CONTROLS |                            \
	 EXIT_HOST_ADDR_SPACE_SIZE | EXIT_ACK_INTR_ON_EXIT |                   \
	 EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT | EXIT_SAVE_IA32_EFER |       \
	 EXIT_LOAD_IA32_EFER | B(22) /* save preemption-timer value */)
/* Not 10/11 (SMM), 13 (load PERF_GLOBAL_CTRL), 16 (load BNDCFGS), 17+. */
#define ENTRY_EMULATED                                                         \
	(ENTRY_DEFAULT1 | ENTRY_LOAD_DEBUG_CONTROLS | ENTRY_IA32E_MODE |       \
	 ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_IA32_EFER)

/*
 * IA32_VMX_EPT_VPID_CAP (SDM Vol. 3D A.10): execute-only, 4-level walk, UC
 * and WB paging-structure types, 2M and 1G pages, INVEPT single/all-context,
 * INVVPID with its four types. Not 7 (5-level walk), 21 (accessed/dirty
 * flags), 22 (advanced EPT-violation exit information): L0 does not
 * emulate them in EPT12.
 */
#define EPT_CAP_EMULATED                                                       \
	(B64(0) | B64(6) | B64(8) | B64(14) | B64(16) | B64(17) | B64(20) |    \
	 B64(25) | B64(26))
#define VPID_CAP_EMULATED (B64(32) | B64(40) | B64(41) | B64(42) | B64(43))
#define EPT_CAP_HALF	  0x00000000ffffffffull

/*
 * IA32_VMX_MISC fields passed through (SDM Vol. 3D A.6): preemption-timer
 * rate (4:0), EFER.LMA stored on exit (5), HLT and shutdown activity states
 * (6, 7), VMWRITE to any field (29), zero-length instruction injection (30).
 * Wait-for-SIPI (8) stays 0: L0 does not emulate INIT and SIPI for L2.
 * Bits 27:25 stay 0 (512 MSR-list entries, what L0 walks), as do 28 (SMM
 * VMXOFF blocking) and the MSEG revision (63:32).
 */
#define MISC_PASSED	       (0x1full | B64(5) | B64(6) | B64(7) | B64(29) | B64(30))
#define MISC_CR3_TARGETS_SHIFT 16
#define MISC_CR3_TARGETS_MASK  0x1ffull
/* vmcs12 has CR3_TARGET_VALUE0..3 */
#define CR3_TARGETS_EMULATED 4ull

/* IA32_VMX_BASIC (SDM Vol. 3D A.1) */
#define BASIC_SIZE_SHIFT    32
#define BASIC_MEMTYPE_SHIFT 50
#define BASIC_MEMTYPE_WB    6ull
#define BASIC_INS_OUTS_INFO B64(54)
#define BASIC_TRUE_CTLS	    B64(55)

static uint32_t must1_of(uint64_t msr)
{
	return (uint32_t)msr;
}

static uint32_t may1_of(uint64_t msr)
{
	return (uint32_t)(msr >> 32);
}

/*
 * A control MSR L1 sees. A bit the CPU forces to 1 stays allowed even if L0
 * does not emulate it: vmcs02 has to carry it whatever L1 wants, and an MSR
 * whose allowed-0 setting exceeds its allowed-1 setting would be nonsense.
 */
static uint64_t offer(uint64_t hw, uint32_t emulated, uint32_t extra_must1)
{
	uint32_t must1 = must1_of(hw) | extra_must1;
	uint32_t may1 = (may1_of(hw) & emulated) | must1;

	return ((uint64_t)may1 << 32) | must1;
}

void vcaps12_compute(const struct vmx_msrs *hw, struct vmx_msrs *virt)
{
	/* Without the TRUE MSRs the CPU's default1 bits cannot be cleared. */
	bool hw_true = (hw->basic & BASIC_TRUE_CTLS) != 0;
	uint64_t cr3_targets =
	    (hw->misc >> MISC_CR3_TARGETS_SHIFT) & MISC_CR3_TARGETS_MASK;

	*virt = (struct vmx_msrs){
	    .cpuid1_ecx = hw->cpuid1_ecx,
	    .feature_control = hw->feature_control,
	    .has_vmx_msrs = hw->has_vmx_msrs,
	};
	if (!hw->has_vmx_msrs)
		return;

	/* Bit 48 = 0 (no 32-bit address limit), 49 = 0 (no dual-monitor SMM),
	 * 56 = 0: the error-code consistency check of event injection stays. */
	virt->basic = VMCS12_REVISION |
		      ((uint64_t)VMCS12_SIZE << BASIC_SIZE_SHIFT) |
		      (BASIC_MEMTYPE_WB << BASIC_MEMTYPE_SHIFT) |
		      (hw->basic & BASIC_INS_OUTS_INFO) | BASIC_TRUE_CTLS;

	virt->pinbased = offer(hw->pinbased, PIN_EMULATED, PIN_DEFAULT1);
	virt->procbased = offer(hw->procbased, PROC_EMULATED, PROC_DEFAULT1);
	virt->exit = offer(hw->exit, EXIT_EMULATED, EXIT_DEFAULT1);
	virt->entry = offer(hw->entry, ENTRY_EMULATED, ENTRY_DEFAULT1);
	virt->true_pinbased =
	    offer(hw_true ? hw->true_pinbased : hw->pinbased, PIN_EMULATED, 0);
	virt->true_procbased = offer(
	    hw_true ? hw->true_procbased : hw->procbased, PROC_EMULATED, 0);
	virt->true_exit =
	    offer(hw_true ? hw->true_exit : hw->exit, EXIT_EMULATED, 0);
	virt->true_entry =
	    offer(hw_true ? hw->true_entry : hw->entry, ENTRY_EMULATED, 0);

	if (may1_of(virt->procbased) & CPU_SECONDARY_CONTROLS)
		virt->procbased2 = offer(hw->procbased2, PROC2_EMULATED, 0);
	if (may1_of(virt->procbased2) & SEC_ENABLE_EPT)
		virt->ept_vpid |= hw->ept_vpid & EPT_CAP_EMULATED;
	if (may1_of(virt->procbased2) & SEC_ENABLE_VPID)
		virt->ept_vpid |= hw->ept_vpid & VPID_CAP_EMULATED;
	/* vmfunc and procbased3 stay 0: neither control is offered. */

	if (cr3_targets > CR3_TARGETS_EMULATED)
		cr3_targets = CR3_TARGETS_EMULATED;
	virt->misc =
	    (hw->misc & MISC_PASSED) | (cr3_targets << MISC_CR3_TARGETS_SHIFT);

	/* L0 does not own CR0/CR4 bits L1 may set in VMX operation. */
	virt->cr0_fixed0 = hw->cr0_fixed0;
	virt->cr0_fixed1 = hw->cr0_fixed1;
	virt->cr4_fixed0 = hw->cr4_fixed0;
	virt->cr4_fixed1 = hw->cr4_fixed1;

	/* SDM Vol. 3D A.9: bits 9:1 hold the highest field index. */
	virt->vmcs_enum = (uint64_t)vmcs12_max_index() << 1;
}

bool vcaps12_msr(const struct vmx_msrs *virt, uint32_t msr, uint64_t *value)
{
	uint32_t proc_may1 = may1_of(virt->procbased);
	uint32_t proc2_may1 = (proc_may1 & CPU_SECONDARY_CONTROLS)
				  ? may1_of(virt->procbased2)
				  : 0;
	bool true_ctls = (virt->basic & BASIC_TRUE_CTLS) != 0;
	uint64_t v;

	if (!virt->has_vmx_msrs)
		return false;
	switch (msr) {
	case MSR_IA32_VMX_BASIC:
		v = virt->basic;
		break;
	case MSR_IA32_VMX_PINBASED_CTLS:
		v = virt->pinbased;
		break;
	case MSR_IA32_VMX_PROCBASED_CTLS:
		v = virt->procbased;
		break;
	case MSR_IA32_VMX_EXIT_CTLS:
		v = virt->exit;
		break;
	case MSR_IA32_VMX_ENTRY_CTLS:
		v = virt->entry;
		break;
	case MSR_IA32_VMX_MISC:
		v = virt->misc;
		break;
	case MSR_IA32_VMX_CR0_FIXED0:
		v = virt->cr0_fixed0;
		break;
	case MSR_IA32_VMX_CR0_FIXED1:
		v = virt->cr0_fixed1;
		break;
	case MSR_IA32_VMX_CR4_FIXED0:
		v = virt->cr4_fixed0;
		break;
	case MSR_IA32_VMX_CR4_FIXED1:
		v = virt->cr4_fixed1;
		break;
	case MSR_IA32_VMX_VMCS_ENUM:
		v = virt->vmcs_enum;
		break;
	case MSR_IA32_VMX_PROCBASED_CTLS2:
		if (!(proc_may1 & CPU_SECONDARY_CONTROLS))
			return false;
		v = virt->procbased2;
		break;
	case MSR_IA32_VMX_EPT_VPID_CAP:
		if (!(proc2_may1 & (SEC_ENABLE_EPT | SEC_ENABLE_VPID)))
			return false;
		v = virt->ept_vpid;
		break;
	case MSR_IA32_VMX_TRUE_PINBASED_CTLS:
	case MSR_IA32_VMX_TRUE_PROCBASED_CTLS:
	case MSR_IA32_VMX_TRUE_EXIT_CTLS:
	case MSR_IA32_VMX_TRUE_ENTRY_CTLS:
		if (!true_ctls)
			return false;
		v = msr == MSR_IA32_VMX_TRUE_PINBASED_CTLS ? virt->true_pinbased
		    : msr == MSR_IA32_VMX_TRUE_PROCBASED_CTLS
			? virt->true_procbased
		    : msr == MSR_IA32_VMX_TRUE_EXIT_CTLS ? virt->true_exit
							 : virt->true_entry;
		break;
	case MSR_IA32_VMX_VMFUNC:
		if (!(proc2_may1 & PROC2_VM_FUNCTIONS))
			return false;
		v = virt->vmfunc;
		break;
	case MSR_IA32_VMX_PROCBASED_CTLS3:
		if (!(proc_may1 & PROC_TERTIARY_CONTROLS))
			return false;
		v = virt->procbased3;
		break;
	default:
		return false;
	}
	*value = v;
	return true;
}
