/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The contract between the loader (boot/, a UEFI app) and the core (the rest,
 * freestanding). The loader finds core_header at offset 0 of the core image,
 * copies the image into reserved pages, fills struct boot_info inside the
 * copy and calls core_enter() at its physical address on every CPU.
 */
#ifndef CORE_BOOTINFO_H
#define CORE_BOOTINFO_H

#include <stdint.h>

#define CORE_MAGIC 0x3041485359524d4bull /* "KMRYSHA0" little-endian */

/* A physical range [start, end). */
struct mem_range {
	uint64_t start, end;
};

/*
 * RAM ranges the loader found in the UEFI memory map (mm/memmap.h): what
 * L0 may read or write on L1's behalf. Anything else (MMIO, holes,
 * reserved ranges) is "no memory" to L0.
 */
#define BOOT_RAM_MAX 128

/* Emitted by linker.ld (the values are link-time symbol differences). */
struct core_header {
	uint64_t magic;
	uint64_t entry_off;    /* core_enter - image start */
	uint64_t file_size;    /* bytes present in the image file */
	uint64_t mem_size;     /* bytes the core occupies with .bss, page-aligned */
	uint64_t base_va;      /* link address of the image start */
	uint64_t bootinfo_off; /* &bootinfo - image start */
};

/* Filled in by the loader before the first CPU enters. */
struct boot_info {
	uint64_t core_pa;      /* physical base of the whole reserved region */
	uint64_t core_va;      /* its virtual base (== core_header.base_va) */
	uint64_t region_size;  /* image + per-CPU areas + page pool */
	uint64_t cr3;          /* root of the core's page tables */
	uint64_t percpu_va;    /* per-CPU area of CPU 0; CPU n at + n*PERCPU_SIZE */
	uint64_t pool_pa;      /* free pages left in the region for the core */
	uint64_t pool_size;
	uint64_t phys_map_end; /* physical memory is identity-mapped below this */
	uint32_t ncpus;        /* per-CPU areas (= firmware processor numbers) */
	uint32_t bsp;          /* processor number of the bootstrap CPU */
	uint32_t entering;     /* CPUs the loader will send into the core */
	uint16_t serial_port;  /* 0 = no serial console */
	uint8_t log_level;     /* enum log_level */
	uint8_t selftest;      /* enum selftest (boot/options.h) */
	int8_t early_checks;   /* early_consistency_checks: -1 auto, 0 off, 1 on */
	char skip_check[48];   /* nested_skip_check (OPT_CHECK_NAME_MAX), "" = none */
	uint8_t iommu;         /* enum iommu_mode (boot/options.h) */
	uint32_t nstate_stress; /* nested_state_stress: every Nth nested event, 0 = off */
	uint32_t notify_window; /* notify_window= in crystal-clock cycles */
	uint8_t notify_off;     /* notify_window=off */
	uint8_t split_lock;     /* enum sl_mode (vmx/ac_policy.h) */
	uint8_t exc_intercepts; /* exc_intercepts= (debug): 1 on, 0 off */
	uint32_t split_lock_rate; /* ratelimit:N's N */
	uint64_t rsdp_pa;      /* ACPI RSDP from the EFI configuration table, 0 = none */
	uint32_t nram;         /* entries of ram[], sorted and merged */
	uint32_t ram_dropped;  /* RAM ranges that did not fit in ram[] */
	struct mem_range ram[BOOT_RAM_MAX];
	/* Written by the core for selftest=iommu (docs/options.md). */
	uint64_t selftest_canary_pa; /* SELFTEST_CANARY_SIZE bytes inside L0's region */
	uint32_t iommu_units;        /* units the core programmed */
};

/*
 * What core_enter saved of the firmware's CPU state (the live state the CPU
 * goes back to; from the next stage on it is the L1 guest state). Offsets
 * for entry.asm are generated from this struct.
 */
struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct fw_context {
	uint64_t rbx, rbp, r12, r13, r14, r15;
	uint64_t rsp;    /* caller's RSP after core_enter returns */
	uint64_t rip;    /* return address into the loader */
	uint64_t rflags;
	uint64_t cr3;
	uint64_t fs_base, gs_base;
	uint16_t cs, ds, es, fs, gs, ss, tr, ldtr;
	struct desc_ptr gdtr;
	uint16_t pad0;
	struct desc_ptr idtr;
	uint16_t pad1;
};

#endif
