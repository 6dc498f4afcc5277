/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exception-loop containment (CVE-2015-5307, CVE-2015-8104): a guest can
 * make the delivery of an exception raise the same exception again (#AC
 * with a misaligned stack under CR0.AM/RFLAGS.AC, #DB with a breakpoint on
 * its own IDT entry or stack), which without an intercept keeps the CPU in
 * microcode forever. L0 intercepts #AC and #DB, so each round is a VM exit;
 * this detector sees the rounds and says when to stop the vCPU.
 *
 * A round is an intercepted exception whose exit interrupted the delivery
 * of an event (IDT-vectoring information valid, SDM Vol. 3C 28.2.4) of the
 * same vector, at the same RIP: no instruction of the guest completed in
 * between. Anything else -- another vector, another RIP, an exception that
 * an instruction raised -- is progress and starts the count again. A guest
 * that really loops reaches EXCLOOP_THRESHOLD rounds in well under a
 * second; a guest that makes progress never does, however many #DB or #AC
 * it takes (a watchpoint hit a million times is a million instructions).
 * Pure logic: tests/unit/test_excloop.c.
 */
#ifndef VMX_EXCLOOP_H
#define VMX_EXCLOOP_H

#include <stdbool.h>
#include <stdint.h>

#define EXCLOOP_THRESHOLD 1000u

struct excloop {
	uint64_t rip;
	uint32_t vector;
	uint32_t rounds; /* consecutive rounds without progress */
	uint64_t loops;  /* loops found (for the counters) */
};

enum excloop_verdict { EXCLOOP_DELIVER, EXCLOOP_CONTAIN };

/*
 * One intercepted exception: vector at rip; during_delivery says the exit
 * interrupted the delivery of idt_vector. CONTAIN once `threshold`
 * consecutive rounds are seen (and at every round after it).
 */
enum excloop_verdict excloop_note(struct excloop *s, unsigned vector,
				  uint64_t rip, bool during_delivery,
				  unsigned idt_vector, uint32_t threshold);

/* The guest made progress (an instruction completed): forget the rounds. */
void excloop_progress(struct excloop *s);

#endif
