/* SPDX-License-Identifier: Apache-2.0 */
/* The guards' global choices and the VMCS hook (vmx/guard.h). */
#include "vmx/guard.h"

#include "arch/x86/cpu.h"
#include "core/bootinfo.h"
#include "core/percpu.h"
#include "lib/log.h"
#include "vmx/config.h"
#include "vmx/msr.h"
#include "vmx/vmx.h"

#define CPUID7_EDX_CORE_CAPS (1u << 30)


static bool cpu_has_sld(void)
{
	uint64_t caps = 0, ctrl = 0;

	if (cpuid(0, 0).eax < 7 || !(cpuid(7, 0).edx & CPUID7_EDX_CORE_CAPS))
		return false;
	return rdmsr_safe(MSR_IA32_CORE_CAPABILITIES, &caps) == 0 &&
	       (caps & CORE_CAPS_SLD) && rdmsr_safe(MSR_TEST_CTRL, &ctrl) == 0;
}

static void notify_init(void)
{
	/* SDM Vol. 3D A.3.3: allowed-1 bit 31 of IA32_VMX_PROCBASED_CTLS2 */
	bool cpu = (vmx_cfg.msrs.procbased2 >> 32) & SEC_NOTIFY_VM_EXITING;

	guard_cfg.notify_window = bootinfo.notify_window;
	if (!cpu) {
		log_info("guard: this CPU has no notify VM exits: an event window a guest keeps shut is not bounded by L0");
		return;
	}
	if (bootinfo.notify_off) {
		log_warn("guard: notify_window=off: notify VM exits not used");
		return;
	}
	guard_cfg.notify = true; /* guard_proc2() sets the control */
	log_info("guard: notify VM exits on, window %u crystal-clock cycles (vmcs01 and every vmcs02)",
		 guard_cfg.notify_window);
}

static void splitlock_init(void)
{
	guard_cfg.sl = (struct sl_policy){(enum sl_mode)bootinfo.split_lock,
					  bootinfo.split_lock_rate};
	guard_cfg.cpu_sld = cpu_has_sld();
	/* SDM Vol. 3D A.3.2: allowed-1 bit 27 of the primary controls */
	guard_cfg.mtf = ((vmx_cfg.msrs.procbased >> 32) & CPU_MONITOR_TRAP_FLAG) != 0;
	if (!guard_cfg.intercepts) {
		log_warn("guard: exc_intercepts=off (debug): #AC and #DB not intercepted, no split-lock detection, no exception-loop containment");
		guard_cfg.cpu_sld = false;
		return;
	}
	if (!guard_cfg.cpu_sld) {
		log_info("guard: this CPU has no split-lock detection: split locks are not seen by L0");
		return;
	}
	if (!guard_cfg.mtf) {
		log_warn("guard: split-lock detection left off: no monitor trap flag to step over a split lock");
		guard_cfg.cpu_sld = false;
		return;
	}
	if (guard_cfg.sl.mode == SL_RATELIMIT)
		log_info("guard: split-lock detection on, policy ratelimit:%u per second",
			 guard_cfg.sl.per_sec);
	else
		log_info("guard: split-lock detection %s, policy %s",
			 sl_l0_wants_detection(&guard_cfg.sl) ? "on" : "off (until L1 enables its own)",
			 sl_mode_name(guard_cfg.sl.mode));
}

void guard_global_init(void)
{
	guard_cfg.intercepts = bootinfo.exc_intercepts != 0;
	notify_init();
	splitlock_init();
	if (guard_cfg.intercepts)
		log_info("guard: #AC and #DB intercepted; a guest exception re-delivered %u times without progress stops that vCPU",
			 EXCLOOP_THRESHOLD);
}

void guard_cpu_init(struct vcpu *v)
{
	uint64_t ctrl = 0;

	if (guard_cfg.cpu_sld && rdmsr_safe(MSR_TEST_CTRL, &ctrl) == 0)
		v->guard.sld_hw = (ctrl & TEST_CTRL_SLD) != 0;
	splitlock_sync(v);
}

