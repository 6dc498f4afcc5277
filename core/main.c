/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's per-CPU init, reached from core_enter (arch/x86/entry.asm) on
 * the CPU's own core stack with the core's page tables live. The bootstrap
 * CPU comes first and alone; the APs follow in parallel.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/gdt.h"
#include "arch/x86/idt.h"
#include "boot/options.h"
#include "core/gevent.h"
#include "core/percpu.h"
#include "drivers/iommu.h"
#include "drivers/iommu_selftest.h"
#include "drivers/serial.h"
#include "lib/log.h"
#include "mk_version.h" /* generated: $(B)/gen */
#include "mm/page_alloc.h"
#include "vmx/launch.h"
#include "vmx/msr.h"

struct boot_info bootinfo; /* filled in by the loader */

uint64_t core_cpu_entry(uint32_t cpu, struct percpu *pc,
			const struct fw_context *fw);

/* core_enter's result when the bootstrap CPU could not set up VMX for all */
#define CORE_ERR_GLOBAL 100

static unsigned core_log_cpu(void)
{
	return this_cpu()->cpu;
}

static void core_log_sink(enum log_level level, const char *line, size_t len)
{
	(void)level;
	serial_write(line, len);
}

static bool bsp_init(void)
{
	serial_init(bootinfo.serial_port);
	log_setup(core_log_sink, core_log_cpu, (enum log_level)bootinfo.log_level);
	idt_init();
	log_info("core: Matryoshka core " MK_VERSION " at 0x%lx (physical 0x%lx), %lu KiB region, %u CPUs entering",
		 bootinfo.core_va, bootinfo.core_pa, bootinfo.region_size / 1024,
		 bootinfo.entering);
	gevent_init();
	page_alloc_init(bootinfo.pool_pa, bootinfo.pool_size);
	/* DMA protection first: before EPT01 (it hides the units' registers) and any L1 */
	if (!iommu_init())
		return false;
	bootinfo.iommu_units = iommu_units();
	if (bootinfo.selftest == SELFTEST_IOMMU)
		return iommu_selftest_prepare();
	if (!vmx_global_init())
		return false;
	log_info("core: physical memory mapped below 0x%lx, %lu KiB of %lu KiB page pool free",
		 bootinfo.phys_map_end, page_alloc_free() / 1024,
		 bootinfo.pool_size / 1024);
	return true;
}

uint64_t core_cpu_entry(uint32_t cpu, struct percpu *pc,
			const struct fw_context *fw)
{
	pc->self = pc;
	pc->cpu = cpu;
	pc->fw = fw;
	gdt_init(pc);
	/* after the segment reloads: a selector load may reset the base */
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)pc);
	if (cpu == bootinfo.bsp && !bsp_init())
		return CORE_ERR_GLOBAL;
	idt_load();
	pc->apic_id = apic_id_now();
	log_info("core: init done on cpu%u (APIC id %u, firmware rip 0x%lx cr3 0x%lx)",
		 cpu, pc->apic_id, fw->rip, fw->cr3);
	if (bootinfo.selftest == SELFTEST_FAULT && cpu == bootinfo.bsp) {
		log_warn("core: selftest=fault: executing ud2 on purpose");
		__asm__ volatile("ud2");
	}
	if (bootinfo.selftest == SELFTEST_IOMMU)
		return 0; /* no VMX in this test mode: back to the loader, in root mode */
	/* from here on this CPU is L1's: it comes back only if that failed */
	return (uint64_t)vmx_cpu_start(pc);
}
