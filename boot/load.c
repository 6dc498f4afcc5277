/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/load.h"
/* gnu-efi's libefi provides memset and memcpy for the loader; lib/string.c is the core's. */

#include <efilib.h>

#include "core/percpu.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/memmap.h"
#include "mm/pagetable.h"
#include "nested/reserve.h"
#include "vmx/ept.h"

extern const uint8_t core_blob_start[], core_blob_end[];

/*
 * Pages the core gets beyond its page tables and the reserves counted in
 * core_load (per CPU and EPT01's), for its own allocator: EPT01's start-up
 * splits around L0 and the fixed MTRR ranges, global bitmaps.
 */
#define POOL_SPARE (2 * 1024 * 1024)
/*
 * Upper bound of the whole region (image, per-CPU areas, pool): about 1.1
 * MiB per CPU (64 KiB per-CPU area, NESTED_VCPU_PAGES), so some 200 CPUs.
 * Only the size needed is reserved; the bound sizes the region's mapping.
 */
#define REGION_MAX (256ull << 20)

struct bump {
	uint64_t next, end;
};

static uint64_t bump_alloc(void *arg)
{
	struct bump *b = arg;

	if (b->next + PAGE_4K > b->end)
		return 0;
	uint64_t pa = b->next;

	b->next += PAGE_4K;
	memset((void *)pa, 0, PAGE_4K);
	return pa;
}

/* UEFI identity-maps memory (UEFI spec 2.3.4), so a physical address is a pointer. */
static void *identity(void *arg, uint64_t pa)
{
	(void)arg;
	return (void *)pa;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static EFI_STATUS check_header(const struct core_header *h, UINTN blob_size)
{
	const char *why = NULL;

	if (blob_size < sizeof(*h) || h->magic != CORE_MAGIC)
		why = "bad magic";
	else if (h->file_size > blob_size || h->file_size > h->mem_size)
		why = "sizes do not fit";
	else if (h->entry_off >= h->file_size ||
		 h->bootinfo_off + sizeof(struct boot_info) > h->mem_size)
		why = "entry or boot_info outside the image";
	else if (h->base_va & (PAGE_2M - 1))
		why = "base not 2 MiB aligned";
	if (!why)
		return EFI_SUCCESS;
	log_err("boot: the embedded core image is broken (%s): rebuild", why);
	return EFI_LOAD_ERROR;
}

/* UEFI memory types that are RAM (UEFI spec 7.2, EFI_MEMORY_TYPE). */
static BOOLEAN is_ram(UINT32 type)
{
	switch (type) {
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
	case EfiConventionalMemory:
	case EfiACPIReclaimMemory:
	case EfiACPIMemoryNVS:
	case 14: /* EfiPersistentMemory (UEFI 2.5; not in gnu-efi's enum) */
		return TRUE;
	default: /* reserved, unusable, MMIO, PAL code: "no memory" to L0 */
		return FALSE;
	}
}

/*
 * Reads the memory map: the RAM ranges go to bi->ram (L0 touches nothing
 * else on L1's behalf), and *end is where the identity map stops: the end
 * of the highest range the firmware describes, at least 4 GiB (MMIO).
 */
static EFI_STATUS read_memory_map(struct boot_info *bi, uint64_t *end)
{
	UINTN entries, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&entries, &key, &dsize, &dver);

	if (!map) {
		log_err("boot: cannot read the UEFI memory map");
		return EFI_LOAD_ERROR;
	}
	uint64_t top = 4ull << 30;

	for (UINTN i = 0; i < entries; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((uint8_t *)map + i * dsize);
		uint64_t e = d->PhysicalStart + d->NumberOfPages * PAGE_4K;

		if (e > top)
			top = e;
		if (bi && is_ram(d->Type) &&
		    !memmap_add(bi->ram, &bi->nram, BOOT_RAM_MAX, d->PhysicalStart, e))
			bi->ram_dropped++;
	}
	FreePool(map);
	*end = align_up(top, PAGE_1G);
	return EFI_SUCCESS;
}

/* The ACPI 2.0+ RSDP from the EFI configuration table, 0 if there is none. */
uint64_t boot_find_rsdp(void)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	void *p = NULL;

	if (EFI_ERROR(LibGetSystemConfigurationTable(&acpi20, &p)) &&
	    EFI_ERROR(LibGetSystemConfigurationTable(&AcpiTableGuid, &p)))
		return 0;
	return (uint64_t)(UINTN)p;
}

static EFI_STATUS build_tables(struct boot_info *bi, struct bump *b,
			       BOOLEAN allow_1g)
{
	struct pt_ctx c = { bump_alloc, identity, b, allow_1g, PT_X86 };
	enum pt_err e = PT_ENOMEM;

	bi->cr3 = pt_new_root(&c);
	if (bi->cr3)
		e = pt_map(&c, bi->cr3, 0, 0, bi->phys_map_end, PTE_W);
	if (e == PT_OK)
		e = pt_map(&c, bi->cr3, bi->core_va, bi->core_pa,
			   bi->region_size, PTE_W);
	if (e == PT_OK)
		return EFI_SUCCESS;
	log_err("boot: building the core's page tables failed: %s",
		pt_strerror(e));
	return EFI_LOAD_ERROR;
}

EFI_STATUS core_load(const struct options *o, const struct mp *mp,
		     UINTN entering, BOOLEAN allow_1g, struct loaded_core *out)
{
	const struct core_header *h = (const void *)core_blob_start;
	UINTN blob_size = (UINTN)(core_blob_end - core_blob_start);
	uint64_t end;
	EFI_STATUS st = check_header(h, blob_size);

	if (EFI_ERROR(st) || EFI_ERROR((st = read_memory_map(NULL, &end))))
		return st;

	uint64_t image = align_up(h->mem_size, PAGE_4K);
	uint64_t percpu = mp->count * PERCPU_SIZE;
	/*
	 * The region's va and pa agree only in their low 12 bits, so count 4 KiB
	 * pages for it; its size depends on this count, so bound it by
	 * REGION_MAX instead.
	 */
	uint64_t pt_pages = 1 + pt_pages_needed(0, 0, end, allow_1g) +
			    pt_pages_needed(h->base_va, PAGE_4K, REGION_MAX, 0);
	/*
	 * Per CPU: VMXON region and vmcs01, and the pages its nested VMX
	 * reserves (nested/reserve.h); once: EPT01's on-demand reserve and
	 * sink tables (vmx/ept.h). No page is taken at run time beyond these.
	 */
	uint64_t per_cpu = 2 + NESTED_VCPU_PAGES;
	uint64_t pool = 2 * pt_pages * PAGE_4K + mp->count * per_cpu * PAGE_4K +
			(EPT01_DEMAND_PAGES + EPT01_SINK_PAGES) * PAGE_4K +
			POOL_SPARE;
	uint64_t size = image + percpu + pool;

	if (size > REGION_MAX) {
		log_err("boot: the core would need %lu KiB (more than %llu for %lu CPUs)",
			size / 1024, REGION_MAX / 1024, mp->count);
		return EFI_OUT_OF_RESOURCES;
	}
	EFI_PHYSICAL_ADDRESS pa;

	st = BS->AllocatePages(AllocateAnyPages, EfiReservedMemoryType,
			       size / PAGE_4K, &pa);
	if (EFI_ERROR(st)) {
		log_err("boot: cannot reserve %lu KiB for the core: status 0x%lx",
			size / 1024, (uint64_t)st);
		return st;
	}
	memset((void *)pa, 0, size);
	memcpy((void *)pa, h, h->file_size);

	struct boot_info *bi = (void *)(pa + h->bootinfo_off);
	struct bump b = { pa + image + percpu, pa + size };

	*bi = (struct boot_info){
		.core_pa = pa,
		.core_va = h->base_va,
		.region_size = size,
		.percpu_va = h->base_va + image,
		.phys_map_end = end,
		.ncpus = (uint32_t)mp->count,
		.bsp = (uint32_t)mp->bsp,
		.entering = (uint32_t)entering,
		.serial_port = o->serial_port,
		.log_level = (uint8_t)o->log,
		.selftest = (uint8_t)o->selftest,
		.early_checks = o->early_checks,
		.iommu = (uint8_t)o->iommu,
		.nstate_stress = o->nstate_stress,
		.notify_window = o->notify_window,
		.notify_off = o->notify_off,
		.split_lock = o->split_lock,
		.split_lock_rate = o->split_lock_rate,
		.exc_intercepts = o->exc_intercepts,
		.rsdp_pa = boot_find_rsdp(),
	};
	_Static_assert(sizeof(bi->skip_check) == OPT_CHECK_NAME_MAX, "skip_check sizes differ");
	memcpy(bi->skip_check, o->skip_check, sizeof(bi->skip_check));
	/* after the region's own allocation, which the map then shows */
	st = read_memory_map(bi, &end);
	if (!EFI_ERROR(st))
		st = build_tables(bi, &b, allow_1g);
	if (EFI_ERROR(st)) {
		BS->FreePages(pa, size / PAGE_4K);
		return st;
	}
	bi->pool_pa = b.next;
	bi->pool_size = b.end - b.next;
	log_info("boot: core reserved at 0x%lx (%lu KiB: image %lu, per-CPU %lu, page tables %lu), linked at 0x%lx",
		 pa, size / 1024, image / 1024, percpu / 1024,
		 (b.next - (pa + image + percpu)) / 1024, h->base_va);
	log_info("boot: core page tables: identity map below 0x%lx with %s pages",
		 end, allow_1g ? "1 GiB" : "2 MiB");
	log_info("boot: %u RAM ranges below 0x%lx for the core%s; ACPI RSDP at 0x%lx",
		 bi->nram, memmap_top(bi->ram, bi->nram),
		 bi->ram_dropped ? " (some did not fit: treated as no memory)" : "",
		 bi->rsdp_pa);
	out->enter = (core_enter_fn)(pa + h->entry_off);
	out->bi = bi;
	return EFI_SUCCESS;
}
