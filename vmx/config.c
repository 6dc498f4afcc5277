/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/config.h"

#include "arch/x86/cpu.h"
#include "lib/log.h"
#include "mm/page_alloc.h"
#include "vmx/apic.h"
#include "vmx/controls.h"
#include "vmx/msr.h"
#include "vmx/msr_policy.h"
#include "vmx/msrs.h"
#include "vmx/vmx.h"

struct vmx_config vmx_cfg;

static bool make_msr_bitmap(void)
{
	vmx_cfg.msr_bitmap_pa = page_alloc();
	if (!vmx_cfg.msr_bitmap_pa)
		return false;
	vmx_msr_bitmap_fill(phys_to_virt(vmx_cfg.msr_bitmap_pa));
	return true;
}

bool vmx_config_init(void)
{
	struct vmx_msrs m;

	vmx_msrs_read(&m);
	return vmx_config_choose(&vmx_cfg, &m) && make_msr_bitmap();
}

void vmx_flush_guest_tlb(uint16_t vpid)
{
	if (vmx_cfg.invvpid_single)
		invvpid(INVVPID_SINGLE, vpid);
	else
		invvpid(INVVPID_ALL, 0);
}
