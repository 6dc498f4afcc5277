/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading a VT-d unit's primary fault log (VT-d spec rev 3.3, 7.2.1 and
 * 10.4.9/10.4.14). Pure: the registers are reached through the caller's
 * accessors, so the host unit tests drive it with a fake register file.
 */
#ifndef DRIVERS_VTD_FAULTS_H
#define DRIVERS_VTD_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

struct vtd_regs {
	uint32_t (*rd32)(void *arg, unsigned off);
	uint64_t (*rd64)(void *arg, unsigned off);
	void (*wr32)(void *arg, unsigned off, uint32_t v);
	void *arg;
};

struct vtd_fault {
	uint64_t addr;	 /* page of the blocked request */
	uint16_t sid;	 /* source: bus << 8 | device << 3 | function */
	uint8_t reason;	 /* fault reason (VT-d appendix "Non-Recoverable Fault
			    Reason Codes") */
	bool read;	 /* a DMA read (device reading memory); else a write */
	unsigned record; /* which fault recording register held it */
};

/*
 * Takes every pending record, from FSTS.FRI on round-robin: each is passed
 * to report and cleared (F is write-1-to-clear). A set FSTS.PFO (records
 * overflowed, faults lost) is cleared and told through *overflow. Returns
 * the records taken.
 */
unsigned vtd_take_faults(const struct vtd_regs *r, uint64_t cap,
			 void (*report)(void *arg, const struct vtd_fault *f),
			 void *arg, bool *overflow);

#endif
