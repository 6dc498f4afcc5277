// SPDX-License-Identifier: Apache-2.0
#include "drivers/vtd_faults.h"

#include "drivers/vtd.h"

unsigned vtd_take_faults(const struct vtd_regs *r, uint64_t cap,
			 void (*report)(void *arg, const struct vtd_fault *f),
			 void *arg, bool *overflow)
{
	uint32_t fsts = r->rd32(r->arg, VTD_FSTS);
	unsigned fro = VTD_CAP_FRO(cap), nfr = VTD_CAP_NFR(cap), taken = 0;

	*overflow = fsts & VTD_FSTS_PFO;
	if (!(fsts & (VTD_FSTS_PPF | VTD_FSTS_PFO)))
		return 0;
	for (unsigned k = 0, i = VTD_FSTS_FRI(fsts) % nfr; k < nfr;
	     k++, i = (i + 1) % nfr) {
		unsigned at = fro + 16 * i;
		uint64_t hi = r->rd64(r->arg, at + 8);

		if (!(hi & VTD_FRCD_F))
			continue;
		struct vtd_fault f = {
		    .addr = r->rd64(r->arg, at) & ~(uint64_t)0xfff,
		    .sid = (uint16_t)VTD_FRCD_SID(hi),
		    .reason = (uint8_t)VTD_FRCD_FR(hi),
		    .read = hi & VTD_FRCD_T,
		    .record = i,
		};

		r->wr32(r->arg, at + 12, (uint32_t)(VTD_FRCD_F >> 32));
		report(arg, &f);
		taken++;
	}
	if (*overflow)
		r->wr32(r->arg, VTD_FSTS, VTD_FSTS_PFO);
	return taken;
}
