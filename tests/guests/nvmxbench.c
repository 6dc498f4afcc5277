/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nvmxbench: the cost of nested VMX, measured from inside L1 (make bench,
 * tests/system/bench.sh). A minimal L1 hypervisor (the nvmx environment)
 * runs a 64-bit L2 that executes CPUID in a loop; L1 handles each CPUID exit
 * as a hypervisor does (it reads the exit information, advances RIP,
 * VMRESUMEs). In Bochs RDTSC counts instructions, so on bare Bochs the
 * numbers are the CPU model's own VM exit and entry, and on Matryoshka they
 * include L0's reflection of the exit and its emulation of VMRESUME; the
 * differences are L0's path lengths. Under Matryoshka, L1 also asks L0 how
 * many exits it took (HC_VCPU_EXITS).
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/nvmx.h"

#define ROUNDS 500
#define DONE_MAGIC 0x42454e43u

extern const char l2_bench[] HIDDEN;

struct legs {
	uint64_t round_trip, exit_leg, entry_leg; /* sums */
	unsigned exits;
	/* L0's exit counter at the first CPUID exit and after the last */
	uint64_t l0_first, l0_last;
	bool counted;
};

/* L0's exit count for this vCPU, or false when nothing answers (bare Bochs). */
static bool l0_exits(uint64_t *n)
{
	uint64_t b = 0, c = 0, d = 0;

	if (hypercall(HC_VCPU_EXITS, &b, &c, &d) != HC_OK)
		return false;
	*n = b;
	return true;
}

static bool run(struct vm *vm, struct legs *l)
{
	uint64_t resume_tsc = 0;

	vm_init(vm, L2_LONG, l2_bench);
	vm->r.r12 = ROUNDS;
	if (vm_run(vm) != VM_OK)
		return false;
	while (vm->x.reason == EXIT_CPUID) {
		uint64_t now = rdtsc();

		l->exit_leg += now - vm->r.r8;
		if (l->exits)
			l->entry_leg += vm->r.r9 - resume_tsc;
		else
			l->counted = l0_exits(&l->l0_first);
		l->exits++;
		/* what the CPUID handler of a hypervisor leaves in L2's registers */
		vm->r.rax = vm->r.rbx = vm->r.rcx = vm->r.rdx = 0;
		resume_tsc = rdtsc();
		if (vm_skip_run(vm) != VM_OK)
			return false;
	}
	/* the last round's entry leg is in R9 now */
	l->entry_leg += vm->r.r9 - resume_tsc;
	l->counted = l->counted && l0_exits(&l->l0_last);
	l->round_trip = vm->r.r13;
	return vm->x.reason == EXIT_VMCALL && (uint32_t)vm->r.rax == DONE_MAGIC &&
	       l->exits == ROUNDS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static struct vm vm;
	struct legs l = { 0, 0, 0, 0, 0, 0, false };

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("nvmxbench");
	if (!env_init()) {
		guest_printf("nvmxbench: no VMX environment\n");
		guest_finish();
	}
	*(uint32_t *)env.vmxon = env.cap.revision;
	*(uint32_t *)env.vmcs = env.cap.revision;
	if (vmxon(env.vmxon) != VM_OK) {
		guest_printf("nvmxbench: VMXON failed\n");
		guest_finish();
	}
	bool ok = run(&vm, &l);

	vmxoff();
	if (!ok) {
		guest_printf("nvmxbench: the L2 loop did not run (%s after %u exits)\n",
			     vm_exit_str(&vm), l.exits);
		guest_finish();
	}
	guest_printf("nvmxbench: rounds %u\n", ROUNDS);
	guest_printf("nvmxbench: round-trip %lu tsc/iteration\n", l.round_trip / ROUNDS);
	guest_printf("nvmxbench: exit-leg %lu tsc/iteration\n", l.exit_leg / ROUNDS);
	guest_printf("nvmxbench: entry-leg %lu tsc/iteration\n", l.entry_leg / ROUNDS);
	if (l.counted) {
		/*
		 * Between the readings (each counts its own VMCALL): ROUNDS
		 * VMRESUMEs and ROUNDS exits of L2 (ROUNDS - 1 CPUIDs, the final
		 * VMCALL), i.e. ROUNDS round trips.
		 */
		uint64_t n = l.l0_last - l.l0_first - 1, b = 0, c = 0, d = 0;

		guest_printf("nvmxbench: l0-exits %lu.%02lu per round trip\n", n / ROUNDS,
			     n * 100 / ROUNDS % 100);
		/* which exits they were, on the console */
		hypercall(HC_PRINT_COUNTERS, &b, &c, &d);
	}
	else
		guest_printf("nvmxbench: l0-exits none (no L0)\n");
	guest_finish();
}
