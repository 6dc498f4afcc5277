/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Split-lock detection on the CPU and L0's policy for split locks
 * (split_lock=, vmx/ac_policy.h). MSR_TEST_CTRL.SLD (bit 29) is set on a
 * CPU while L0's policy wants it or that CPU's L1 enabled its own, virtual,
 * detection: one vCPU per CPU, so no switching at VM entry and exit (the
 * bit is per core on real parts: hyperthread siblings share it).
 *
 * Stepping over a split lock (warn, ratelimit): detection off on this CPU,
 * monitor trap flag on in the current VMCS, resume; the instruction
 * completes, the MTF exit (or any other exit first) turns detection back
 * on and MTF off (SDM Vol. 3C 26.5.2 "Monitor Trap Flag").
 */
#include "arch/x86/cpu.h"
#include "core/gevent.h"
#include "lib/log.h"
#include "vmx/guard.h"
#include "vmx/msr.h"
#include "vmx/vmx.h"

bool splitlock_offered(void)
{
	return guard_cfg.cpu_sld;
}

static void detection(struct vcpu *v, bool on)
{
	uint64_t ctrl;

	if (!guard_cfg.cpu_sld || v->guard.sld_hw == on)
		return;
	if (rdmsr_safe(MSR_TEST_CTRL, &ctrl) != 0 ||
	    wrmsr_safe(MSR_TEST_CTRL, on ? ctrl | TEST_CTRL_SLD
					 : ctrl & ~TEST_CTRL_SLD) != 0) {
		/* rate-limited: a guest's split locks would repeat it */
		gevent(v, GEV_SPLIT_LOCK, LOG_ERROR,
		       "splitlock: cpu%u: MSR_TEST_CTRL refused the write", v->cpu);
		return;
	}
	v->guard.sld_hw = on;
}

static bool wanted(const struct vcpu *v)
{
	return sl_l0_wants_detection(&guard_cfg.sl) ||
	       (v->msrv.test_ctrl & TEST_CTRL_SLD);
}

void splitlock_sync(struct vcpu *v)
{
	if (!v->guard.sl_stepping)
		detection(v, wanted(v));
}

static void set_mtf(struct vcpu *v, bool on)
{
	uint32_t ctls = on ? v->proc_ctls | CPU_MONITOR_TRAP_FLAG
			   : v->proc_ctls & ~CPU_MONITOR_TRAP_FLAG;

	if (ctls != v->proc_ctls) {
		v->proc_ctls = ctls;
		vmcs_write(CPU_BASED_VM_EXEC_CONTROL, ctls);
	}
}

bool splitlock_step_ends(struct vcpu *v, unsigned reason)
{
	struct vcpu_guard *g = &v->guard;

	g->sl_stepping = false;
	detection(v, wanted(v));
	if (g->sl_mtf_was_set)
		return false;
	set_mtf(v, false);
	if (reason != EXIT_MTF)
		return false;
	excloop_progress(&g->loop); /* the instruction completed */
	return true;
}

static void wait_until(uint64_t tsc)
{
	while (read_tsc() < tsc)
		__asm__ volatile("pause");
}

enum exit_action splitlock_handle(struct vcpu *v)
{
	struct vcpu_guard *g = &v->guard;
	uint64_t rip = vmcs_read(GUEST_RIP);
	const char *who = v->nested.guest_mode ? "L2" : "L1";
	struct sl_verdict d = sl_decide(&guard_cfg.sl, &g->sl_window, read_tsc(),
					gevent_limit_cfg()->hz);

	g->split_locks++;
	switch (d.act) {
	case SL_ACT_STOP:
		gevent(v, GEV_SPLIT_LOCK, LOG_ERROR,
		       "splitlock: cpu%u: split lock by %s at rip 0x%lx, policy %s: stopping this vCPU",
		       v->cpu, who, rip, sl_mode_name(guard_cfg.sl.mode));
		return EXIT_STOP;
	case SL_ACT_WAIT:
		g->sl_waits++;
		gevent(v, GEV_SPLIT_LOCK, LOG_WARN,
		       "splitlock: cpu%u: %s over ratelimit:%u at rip 0x%lx: waits",
		       v->cpu, who, guard_cfg.sl.per_sec, rip);
		wait_until(d.wait_until);
		break;
	default:
		if (d.log)
			gevent(v, GEV_SPLIT_LOCK, LOG_WARN,
			       "splitlock: cpu%u: split lock by %s at rip 0x%lx (%lu so far)",
			       v->cpu, who, rip, g->split_locks);
		break;
	}
	if (!guard_cfg.mtf) {
		log_err("splitlock: cpu%u: no monitor trap flag to step over a split lock",
			v->cpu);
		return EXIT_STOP;
	}
	g->sl_mtf_was_set = (v->proc_ctls & CPU_MONITOR_TRAP_FLAG) != 0;
	g->sl_stepping = true;
	detection(v, false);
	set_mtf(v, true);
	return EXIT_RESUME;
}
