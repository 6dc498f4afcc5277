// SPDX-License-Identifier: Apache-2.0
#include "drivers/vtd.h"

#include "lib/fmt.h"

/* VT-d 10.4.2: SAGAW bit 1 = 39-bit 3-level, bit 2 = 48-bit 4-level. */
#define SAGAW_3 (1u << 1)
#define SAGAW_4 (1u << 2)
/* SLLPS bit 0 = 2 MiB, bit 1 = 1 GiB. */
#define SLLPS_2M 1u
#define SLLPS_1G 2u

bool vtd_plan(const uint64_t *cap, const uint64_t *ecap, unsigned n,
	      uint64_t phys_end, struct vtd_plan *p, char *err, size_t errlen)
{
	unsigned sagaw = 0x1f, sllps = 0xf, mgaw = 64;

	*p = (struct vtd_plan){0};
	if (!n) {
		fmt_snprintf(err, errlen, "VT-d: no unit");
		return false;
	}
	for (unsigned i = 0; i < n; i++) {
		sagaw &= VTD_CAP_SAGAW(cap[i]);
		sllps &= VTD_CAP_SLLPS(cap[i]);
		if (VTD_CAP_MGAW(cap[i]) < mgaw)
			mgaw = VTD_CAP_MGAW(cap[i]);
		if (!(ecap[i] & VTD_ECAP_C))
			p->flush_cache = true;
	}
	p->levels = sagaw & SAGAW_4 ? 4 : sagaw & SAGAW_3 ? 3 : 0;
	if (!p->levels) {
		fmt_snprintf(err, errlen,
			     "VT-d: the units share no 3- or 4-level "
			     "second-level paging (SAGAW 0x%x)",
			     sagaw);
		return false;
	}
	if (!(sllps & SLLPS_2M)) {
		fmt_snprintf(err, errlen,
			     "VT-d: a unit lacks 2 MiB super-pages (SLLPS "
			     "0x%x): not supported",
			     sllps);
		return false;
	}
	p->large_1g = sllps & SLLPS_1G;
	unsigned bits = p->levels == 4 ? 48 : 39;

	if (mgaw < bits)
		bits = mgaw;
	p->top = phys_end;
	if (bits < 64 && p->top > (1ull << bits))
		p->top = 1ull << bits;
	/*
	 * 10.4.2 CM: with caching mode, domain id 0 is reserved; 1 always
	 * exists (ND >= 0 gives at least 16 ids).
	 */
	p->did = 1;
	return true;
}
