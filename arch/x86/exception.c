/* SPDX-License-Identifier: Apache-2.0 */
#include "arch/x86/exception.h"

#include "arch/x86/cpu.h"
#include "core/gevent.h"
#include "core/panic.h"
#include "core/percpu.h"
#include "lib/log.h"

static const char *const names[EXC_VECTORS] = {
	[0] = "#DE divide error",    [1] = "#DB debug",
	[2] = "NMI",                 [3] = "#BP breakpoint",
	[4] = "#OF overflow",        [5] = "#BR bound range",
	[6] = "#UD invalid opcode",  [7] = "#NM device not available",
	[8] = "#DF double fault",    [10] = "#TS invalid TSS",
	[11] = "#NP segment not present", [12] = "#SS stack fault",
	[13] = "#GP general protection",  [14] = "#PF page fault",
	[16] = "#MF x87 error",      [17] = "#AC alignment check",
	[18] = "#MC machine check",  [19] = "#XM SIMD error",
	[20] = "#VE virtualization", [21] = "#CP control protection",
};

void exception_dump(const struct exc_frame *f)
{
	log_err("  rip 0x%016lx cs 0x%lx rflags 0x%lx rsp 0x%016lx ss 0x%lx", f->rip,
		f->cs, f->rflags, f->rsp, f->ss);
	log_err("  rax 0x%016lx rbx 0x%016lx rcx 0x%016lx rdx 0x%016lx", f->rax,
		f->rbx, f->rcx, f->rdx);
	log_err("  rsi 0x%016lx rdi 0x%016lx rbp 0x%016lx r8  0x%016lx", f->rsi,
		f->rdi, f->rbp, f->r8);
	log_err("  r9  0x%016lx r10 0x%016lx r11 0x%016lx r12 0x%016lx", f->r9,
		f->r10, f->r11, f->r12);
	log_err("  r13 0x%016lx r14 0x%016lx r15 0x%016lx", f->r13, f->r14, f->r15);
	log_err("  cr0 0x%lx cr2 0x%lx cr3 0x%lx cr4 0x%lx", read_cr0(), read_cr2(),
		read_cr3(), read_cr4());
}

extern const char rdmsr_fault_at[], rdmsr_fixup[], wrmsr_fault_at[], wrmsr_fixup[];
extern const char xsetbv_fault_at[], xsetbv_fixup[];

/* The few instructions allowed to fault, and where they go on when they do. */
static bool fixup(struct exc_frame *f)
{
	if (f->vector != 13)
		return false;
	if (f->rip == (uint64_t)rdmsr_fault_at)
		f->rip = (uint64_t)rdmsr_fixup;
	else if (f->rip == (uint64_t)wrmsr_fault_at)
		f->rip = (uint64_t)wrmsr_fixup;
	else if (f->rip == (uint64_t)xsetbv_fault_at)
		f->rip = (uint64_t)xsetbv_fixup;
	else
		return false;
	return true;
}

/*
 * Any exception inside the core is a core bug: dump and stop this CPU (the
 * others go on). An NMI is not a bug: say so and carry on.
 */
void exception_dispatch(struct exc_frame *f)
{
	const char *name = f->vector < EXC_VECTORS && names[f->vector]
				   ? names[f->vector]
				   : "reserved vector";

	if (f->vector == 2) {
		struct percpu *pc = this_cpu();

		/* between the check and the HLT of vcpu_halt_if: skip the HLT */
		if (f->rip >= (uint64_t)vcpu_halt_if &&
		    f->rip < (uint64_t)vcpu_halt_window_end)
			f->rip = (uint64_t)vcpu_halt_window_end;
		/* NMIs belong to L1: owe it one (delivered at the next entry) */
		if (pc && pc->vcpu.active)
			vcpu_nmi_arrived(&pc->vcpu);
		else
			/* L1 can send them at will to a stopped vCPU */
			gevent(pc ? &pc->vcpu : 0, GEV_NMI_DROPPED, LOG_WARN,
			       "core: NMI at rip 0x%lx (no guest: dropped)",
			       f->rip);
		return;
	}
	if (fixup(f))
		return;
	log_err("core: exception %lu (%s), error code 0x%lx", f->vector, name,
		f->error);
	exception_dump(f);
	cpu_stop();
}
