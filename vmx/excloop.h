/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exception-loop containment (CVE-2015-5307, CVE-2015-8104): a guest can
 * make the delivery of an exception raise the same exception again (#AC
 * with a misaligned stack under CR0.AM/RFLAGS.AC, #DB with a breakpoint on
 * its own IDT entry or stack), which without an intercept keeps the CPU in
 * microcode forever. L0 intercepts #AC and #DB, so each round is a VM exit;
 * this detector sees the rounds and says when to stop the vCPU.
 *
 * A round is an intercepted exception that no guest instruction can have
 * come between (excloop_is_round): either its exit interrupted the delivery
 * of the same vector (IDT-vectoring information valid, SDM Vol. 3C 28.2.4;
 * the #AC-during-#AC loop), or it is reported at the first instruction of
 * that vector's own handler, before it ran (a trap the delivery itself
 * caused: the #DB loop, a data breakpoint on the frame the delivery pushes
 * onto an IST stack). The same vector at the same RIP, round after round,
 * is a loop; anything else -- another vector, another RIP, an exception an
 * instruction raised -- is progress and starts the count again. A guest
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

/* What the exit says about one intercepted exception. */
struct excloop_exit {
	unsigned vector;
	uint64_t rip;
	bool idt_valid;      /* the exit interrupted an event's delivery */
	unsigned idt_vector; /* ... of this vector */
	bool have_handler;   /* handler_rip could be read from the guest's IDT */
	uint64_t handler_rip; /* the vector's handler (its gate's offset) */
};

/* Could no guest instruction have completed before this exception? */
bool excloop_is_round(const struct excloop_exit *e);

/*
 * One intercepted exception: CONTAIN once `threshold` consecutive rounds
 * of the same vector at the same RIP are seen (and at every one after).
 */
enum excloop_verdict excloop_note(struct excloop *s, const struct excloop_exit *e,
				  uint32_t threshold);

/* The guest made progress (an instruction completed): forget the rounds. */
void excloop_progress(struct excloop *s);

#endif
