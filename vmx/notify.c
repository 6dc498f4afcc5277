/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Notify VM exits (exit reason 75; SDM Vol. 3C 26.2 "notify VM exiting",
 * 28.2.1 for the qualification): the guest kept its event windows shut for
 * longer than L0's NOTIFY_WINDOW. Counted per vCPU; NMI blocking is set
 * again when the IRET that lifted it did not complete; the same RIP twice
 * in a row is a warning (rate-limited, with the instruction bytes); a
 * context the CPU calls invalid stops that vCPU alone. The same for L2:
 * L1 is never offered the feature, so every notify exit is L0's.
 */
#include "core/gevent.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/gmem.h"
#include "vmx/guard.h"
#include "vmx/vmx.h"

#define INSN_BYTES 15

static void warn_no_progress(struct vcpu *v, uint64_t rip)
{
	uint8_t b[INSN_BYTES];
	unsigned n = gmem_fetch_insn(b, INSN_BYTES);
	char hex[3 * INSN_BYTES + 1] = "";

	for (unsigned i = 0; i < n; i++)
		fmt_snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", b[i]);
	gevent(v, GEV_NOTIFY_STUCK, LOG_WARN,
	       "notify: cpu%u %s makes no progress: notify exit %lu at rip 0x%lx again, bytes %s",
	       v->cpu, v->nested.guest_mode ? "L2" : "L1",
	       v->guard.notify.exits, rip, n ? hex : "(not in RAM)");
}

enum exit_action exit_notify(struct vcpu *v)
{
	uint64_t rip = vmcs_read(GUEST_RIP);
	struct notify_verdict d = notify_decide(&v->guard.notify,
						vmcs_read(EXIT_QUALIFICATION), rip);

	if (d.stop) {
		gevent(v, GEV_NOTIFY_INVALID, LOG_ERROR,
		       "notify: cpu%u: VM context invalid after a notify exit of %s at rip 0x%lx",
		       v->cpu, v->nested.guest_mode ? "L2" : "L1", rip);
		return EXIT_STOP;
	}
	if (d.block_nmi)
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   vmcs_read(GUEST_INTERRUPTIBILITY_INFO) |
			       INTERRUPTIBILITY_NMI);
	if (d.no_progress)
		warn_no_progress(v, rip);
	return EXIT_RESUME;
}
