/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/launch.h"

#include "arch/x86/cpu.h"
#include "core/percpu.h"
#include "lib/log.h"
#include "mm/page_alloc.h"
#include "nested/nested.h"
#include "vmx/apic.h"
#include "vmx/config.h"
#include "vmx/ept.h"
#include "vmx/guard.h"
#include "vmx/vmcs01.h"
#include "vmx/vmx.h"

#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)
#define CPUID1_ECX_XSAVE (1u << 26)
#define RFLAGS_ZF (1ull << 6)
#define EPT_CAP_1G (1ull << 17)

uint64_t vmx_launch(struct vcpu *v); /* vmx_entry.asm */

bool vmx_global_init(void)
{
	if (!vmx_config_init())
		return false;
	guard_global_init();
	bool ept_1g = vmx_cfg.msrs.ept_vpid & EPT_CAP_1G;

	apic_init();
	if (!ept01_build(&ept01, bootinfo.phys_map_end, bootinfo.core_pa,
			 bootinfo.region_size, apic_page(), ept_1g))
		return false;
	log_info("vmx: EPT01 maps guest-physical memory below 0x%lx (%s pages), L0's 0x%lx..0x%lx shows a scratch page",
		 ept01.end, ept_1g ? "1 GiB" : "2 MiB", bootinfo.core_pa,
		 bootinfo.core_pa + bootinfo.region_size);
	nested_global_init();
	return true;
}

/* A VMXON region or VMCS: a zeroed page starting with the revision id (SDM 25.2). */
static uint64_t vmx_region(void)
{
	uint64_t pa = page_alloc();

	if (pa)
		*(uint32_t *)phys_to_virt(pa) = (uint32_t)vmx_cfg.msrs.basic & 0x7fffffff;
	return pa;
}

static int undo(uint64_t cr0, uint64_t cr4, bool in_vmx, int code)
{
	if (in_vmx)
		vmxoff();
	write_cr4(cr4);
	write_cr0(cr0);
	return code;
}

int vmx_cpu_start(struct percpu *pc)
{
	struct vcpu *v = &pc->vcpu;
	/* nothing in the core has touched CR0/CR4: they are the firmware's */
	uint64_t cr0 = read_cr0(), cr4 = read_cr4();
	/* L1 may turn XSAVE on later: its XSETBV is executed here */
	uint64_t host_cr4 = cr4 | CR4_VMXE |
			    ((cpuid(1, 0).ecx & CPUID1_ECX_XSAVE) ? CR4_OSXSAVE : 0);

	v->cpu = pc->cpu;
	v->vpid = (uint16_t)(pc->cpu + 1);
	v->sipi_vector = SIPI_NONE;
	if (!nested_vcpu_init(v))
		return 1;
	v->vmxon_pa = vmx_region();
	v->vmcs_pa = vmx_region();
	if (!v->vmxon_pa || !v->vmcs_pa) {
		log_err("vmx: no pages left for the VMXON region and VMCS");
		return 1;
	}
	write_cr0((cr0 | vmx_cfg.cr0_fixed0) & vmx_cfg.cr0_fixed1);
	write_cr4((host_cr4 | vmx_cfg.cr4_fixed0) & vmx_cfg.cr4_fixed1);
	if (vmxon(v->vmxon_pa) != VMX_OK) {
		log_err("vmx: VMXON failed on cpu%u", pc->cpu);
		return undo(cr0, cr4, false, 2);
	}
	if (vmclear(v->vmcs_pa) != VMX_OK || vmptrld(v->vmcs_pa) != VMX_OK) {
		log_err("vmx: VMCLEAR/VMPTRLD of vmcs01 failed on cpu%u", pc->cpu);
		return undo(cr0, cr4, true, 3);
	}
	guard_cpu_init(v);
	if (!vmcs01_setup(pc, cr0, cr4))
		return undo(cr0, cr4, true, 4);
	/* vmx_exit_entry finds its vCPU here, at HOST_RSP */
	*(struct vcpu **)percpu_stack_top(pc) = v;
	v->active = true;
	log_info("vmx: cpu%u enters VMX non-root: L1 resumes at rip 0x%lx",
		 pc->cpu, pc->fw->rip);
	uint64_t flags = vmx_launch(v);
	uint64_t err = 0;

	v->active = false;
	if (flags & RFLAGS_ZF)
		vmread_raw(VM_INSTRUCTION_ERROR, &err);
	log_err("vmx: VMLAUNCH on cpu%u failed: %s (VM-instruction error %lu: %s)",
		pc->cpu, (flags & RFLAGS_ZF) ? "VMfailValid" : "VMfailInvalid", err,
		vmx_instruction_error_name((unsigned)err));
	return undo(cr0, cr4, true, 5);
}
