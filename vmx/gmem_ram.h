/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which L1-physical addresses are RAM that L0 may read or write on L1's
 * behalf (vmx/gmem.c). Everything else is "no memory": L0 never
 * dereferences it; reads give all ones and writes are dropped, which is
 * what a CPU sees where no memory answers (docs/security.md, "gmem is
 * total"). Pure logic, unit-tested on the host.
 */
#ifndef VMX_GMEM_RAM_H
#define VMX_GMEM_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bootinfo.h"

struct gmem_ram {
	const struct mem_range *ram; /* the RAM map (boot_info.ram) */
	uint32_t nram;
	/*
	 * L0's region: never RAM for L1, whatever the list says (L1 sees a
	 * scratch page there through EPT01; L0 treats it as no memory).
	 */
	uint64_t l0_pa, l0_size;
	uint64_t mapped_end; /* L0's identity map ends here */
};

/*
 * Whether all of [pa, pa + len) is RAM L0 may touch: inside one range of
 * the RAM map, below the end of L0's identity map, outside L0's region.
 * len 0 means pa itself; a range that wraps is never RAM.
 */
bool gmem_is_ram(const struct gmem_ram *m, uint64_t pa, uint64_t len);

/* Where L0 reaches physical address pa (the core: its identity map). */
typedef void *(*gmem_virt_fn)(uint64_t pa);

/*
 * Copies between buf and [gpa, gpa + n) page by page: RAM through virt,
 * every other byte read as 0xff (and never reached through virt) or, for a
 * write, dropped. Returns whether all of it was RAM.
 */
bool gmem_ram_copy(const struct gmem_ram *m, gmem_virt_fn virt, uint64_t gpa,
		   uint8_t *buf, size_t n, bool write);

#endif
