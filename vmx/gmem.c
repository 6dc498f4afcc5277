/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/gmem.h"

#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "vmx/ept.h"
#include "vmx/gwalk.h"
#include "vmx/segment.h"
#include "vmx/vmx.h"

#define EFER_LMA (1ull << 10)

static void *virt(void *arg, uint64_t pa)
{
	(void)arg;
	return phys_to_virt(pa);
}

/* One page at most: [gpa, gpa+n) must not cross a 4 KiB boundary. */
static bool read_in_page(uint64_t gpa, void *buf, size_t n)
{
	struct pt_ctx c = { 0, virt, 0, false, PT_EPT };
	uint64_t hpa, flags, size;

	if (!pt_translate(&c, ept01.root, gpa, &hpa, &flags, &size) ||
	    !(flags & EPT_R))
		return false;
	memcpy(buf, phys_to_virt(hpa), n);
	return true;
}

bool gmem_read(uint64_t gpa, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		size_t chunk = PAGE_4K - (gpa & (PAGE_4K - 1));

		if (chunk > n)
			chunk = n;
		if (!read_in_page(gpa, p, chunk))
			return false;
		gpa += chunk;
		p += chunk;
		n -= chunk;
	}
	return true;
}

static bool read64(void *ctx, uint64_t gpa, uint64_t *value)
{
	(void)ctx;
	return gmem_read(gpa, value, sizeof(*value));
}

unsigned gmem_fetch_insn(uint8_t *buf, unsigned n)
{
	struct gwalk_regs r = { vmcs_read(GUEST_CR0), vmcs_read(GUEST_CR3),
				vmcs_read(GUEST_CR4), vmcs_read(GUEST_IA32_EFER) };
	bool long_mode = (r.efer & EFER_LMA) &&
			 (vmcs_read(GUEST_CS_AR_BYTES) & AR_L);
	uint64_t rip = vmcs_read(GUEST_RIP);
	/* outside 64-bit mode the CS base applies and addresses wrap at 4 GiB */
	uint64_t gla = long_mode ? rip : (uint32_t)(vmcs_read(GUEST_CS_BASE) + rip);
	unsigned got = 0;

	while (got < n) {
		uint64_t gpa;
		unsigned chunk = (unsigned)(PAGE_4K - (gla & (PAGE_4K - 1)));

		if (chunk > n - got)
			chunk = n - got;
		if (gwalk_translate(&r, gla, read64, 0, &gpa) != GWALK_OK ||
		    !gmem_read(gpa, buf + got, chunk))
			break;
		got += chunk;
		gla += chunk;
	}
	return got;
}
