/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/gmem.h"

#include "core/gevent.h"
#include "core/percpu.h"
#include "lib/string.h"
#include "nested/nested.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "vmx/gmem_ram.h"
#include "vmx/gwalk.h"
#include "vmx/segment.h"
#include "vmx/vmx.h"

#define EFER_LMA (1ull << 10)

/* RAM L0 may touch for L1: the loader's RAM map minus L0's own region. */
static struct gmem_ram ram_map(void)
{
	return (struct gmem_ram){bootinfo.ram, bootinfo.nram, bootinfo.core_pa,
				 bootinfo.region_size, bootinfo.phys_map_end};
}

static void *virt(uint64_t pa)
{
	return phys_to_virt(pa);
}

/*
 * RAM is identity-mapped in EPT01 (L0's region is not RAM), so L1-physical
 * is host-physical there. Anything else is never dereferenced: reads give
 * all ones and writes go nowhere, what a CPU sees where no memory answers.
 * L1 can do this at will, so it is a guest event, logged at debug level.
 */
static bool copy(uint64_t gpa, uint8_t *buf, size_t n, bool write)
{
	const struct gmem_ram m = ram_map();

	if (gmem_ram_copy(&m, virt, gpa, buf, n, write))
		return true;
	gevent(&this_cpu()->vcpu, GEV_NO_MEMORY, LOG_DEBUG,
	       "gmem: %s of %lu bytes at 0x%lx: not all RAM (%s)",
	       write ? "write" : "read", (uint64_t)n, gpa,
	       write ? "dropped there" : "all ones there");
	return false;
}

uint64_t gmem_page_hpa(uint64_t gpa)
{
	const struct gmem_ram m = ram_map();

	if ((gpa & (PAGE_4K - 1)) || !gmem_is_ram(&m, gpa, PAGE_4K))
		return 0;
	return gpa;
}

bool gmem_read(uint64_t gpa, void *buf, size_t n)
{
	return copy(gpa, buf, n, false);
}

bool gmem_write(uint64_t gpa, const void *buf, size_t n)
{
	/* copy() only reads from buf when write is set */
	return copy(gpa, (uint8_t *)(uintptr_t)buf, n, true);
}

/* An address of the current guest: L2's go through EPT12 to L1's first. */
static bool read_guest(uint64_t gpa, void *buf, size_t n)
{
	struct vcpu *v = &this_cpu()->vcpu;
	uint64_t l1;

	if (!nested_to_l1(v, gpa, &l1))
		return false;
	return gmem_read(l1, buf, n);
}

static bool read64(void *ctx, uint64_t gpa, uint64_t *value)
{
	(void)ctx;
	return read_guest(gpa, value, sizeof(*value));
}

unsigned gmem_fetch_insn(uint8_t *buf, unsigned n)
{
	bool long_mode = (vmcs_read(GUEST_IA32_EFER) & EFER_LMA) &&
			 (vmcs_read(GUEST_CS_AR_BYTES) & AR_L);
	uint64_t rip = vmcs_read(GUEST_RIP);

	/* outside 64-bit mode the CS base applies and addresses wrap at 4 GiB */
	return gmem_read_linear(
	    long_mode ? rip : (uint32_t)(vmcs_read(GUEST_CS_BASE) + rip), buf, n);
}

unsigned gmem_read_linear(uint64_t gla, void *out, unsigned n)
{
	struct gwalk_regs r = {vmcs_read(GUEST_CR0), vmcs_read(GUEST_CR3),
			       vmcs_read(GUEST_CR4),
			       vmcs_read(GUEST_IA32_EFER)};
	uint8_t *buf = out;
	unsigned got = 0;

	while (got < n) {
		uint64_t gpa;
		unsigned chunk = (unsigned)(PAGE_4K - (gla & (PAGE_4K - 1)));

		if (chunk > n - got)
			chunk = n - got;
		if (gwalk_translate(&r, gla, read64, 0, &gpa) != GWALK_OK ||
		    !read_guest(gpa, buf + got, chunk))
			break;
		got += chunk;
		gla += chunk;
	}
	return got;
}
