/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attack_log: L1 tries to flood L0's console (issue 9, finding 8). On two
 * CPUs at once (the BSP, and one AP through EFI MP services), L1 turns VMX
 * on and runs ATTEMPTS VMLAUNCHes of a VMCS whose pin-based controls lack
 * their must-be-1 bits: each fails L0's software check ctl.pin.reserved,
 * which L0 would log. The payload checks that every attempt got the
 * architectural VMfailValid(7), that L0 counted every failure exactly
 * (HC_GUEST_EVENTS) and printed only some of them; it reports how many
 * instructions (Bochs' RDTSC) a failing VMLAUNCH takes while L0 still
 * prints its line and after the limit holds it back. The log side (at most
 * the burst plus the steady rate per vCPU) is checked by tests/system/t-log.sh.
 */
#include <efi.h>
#include <efilib.h>

#include "core/gevent.h"
#include "lib/fmt.h"
#include "tests/guests/nvmx.h"

#define ATTEMPTS	   5000
#define CPUS		   2
#define PRINTED_BEFORE	   GEVENT_BURST /* attempts whose line L0 prints */
#define LATE_FROM	   100		/* attempts measured as "limited" */
#define COUNTER_CALLS	   50
#define AP_TIMEOUT_US	   600000000
#define CR4_VMXE	   (1ull << 13)
#define FC_LOCK		   0x1ull
#define FC_VMX_OUTSIDE_SMX 0x4ull
#define MSR_TSC		   0x10
#define MSR_TSC_ADJUST	   0x3b
#define TSC_JUMP	   (1ull << 52) /* about two weeks at 3.5 GHz */
#define JUMP_ATTEMPTS	   200

struct side {
	uint64_t vmxon, vmcs; /* 4-KiB regions */
	int setup;	      /* VM_OK, or the failing step's outcome */
	unsigned vmfail7;     /* attempts that gave VMfailValid(7) */
	int other;	      /* the first other outcome, if any */
	uint64_t early_sum, late_sum, late_min, late_max, tsc_start, tsc_end;
	uint64_t ev_before[3], ev_after[3]; /* HC_GUEST_EVENTS results */
	bool hc_ok;
	volatile bool ready, done;
};

static struct side sides[CPUS];
static volatile bool go;
static uint32_t revision;

static bool guest_events(uint64_t out[3])
{
	uint64_t b = GEV_ENTRY_CHECK, c = HC_GEV_SELF, d = 0;

	if (hypercall(HC_GUEST_EVENTS, &b, &c, &d) != HC_OK)
		return false;
	out[0] = b;
	out[1] = c;
	out[2] = d;
	return true;
}

static int vmlaunch(void)
{
	uint64_t rf;

	__asm__ volatile("vmlaunch\n\tpushfq\n\tpop %0"
			 : "=r"(rf)::"cc", "memory");
	return vmx_outcome(rf);
}

/* VMXON, a current VMCS with pin-based controls 0 (ctl.pin.reserved). */
static int vmx_setup(struct side *s)
{
	int r;

	*(volatile uint32_t *)s->vmxon = revision;
	*(volatile uint32_t *)s->vmcs = revision;
	write_cr4(read_cr4() | CR4_VMXE);
	if ((r = vmxon(s->vmxon)) != VM_OK)
		return r;
	if ((r = vmclear(s->vmcs)) != VM_OK ||
	    (r = vmptrld(s->vmcs)) != VM_OK || (r = vmwrite(F_PIN, 0)) != VM_OK)
		vmxoff();
	return r;
}

static void attack(struct side *s)
{
	s->late_min = ~0ull;
	s->tsc_start = rdtsc();
	for (unsigned i = 0; i < ATTEMPTS; i++) {
		uint64_t t0 = rdtsc();
		int r = vmlaunch();
		uint64_t dt = rdtsc() - t0;

		if (r == 7)
			s->vmfail7++;
		else if (!s->other)
			s->other = r ? r : 0x7ffe;
		if (i < PRINTED_BEFORE)
			s->early_sum += dt;
		if (i >= LATE_FROM) {
			s->late_sum += dt;
			s->late_min = dt < s->late_min ? dt : s->late_min;
			s->late_max = dt > s->late_max ? dt : s->late_max;
		}
	}
	s->tsc_end = rdtsc();
}

/* The same on either CPU: set up, wait for the start, attack, clean up. */
static void run_side(struct side *s, bool wait_for_go)
{
	s->hc_ok = guest_events(s->ev_before);
	s->setup = vmx_setup(s);
	s->ready = true;
	while (wait_for_go && !go)
		cpu_relax();
	if (s->setup == VM_OK) {
		attack(s);
		vmxoff();
	}
	write_cr4(read_cr4() & ~CR4_VMXE);
	s->hc_ok = s->hc_ok && guest_events(s->ev_after);
	s->done = true;
}

static VOID EFIAPI ap_side(VOID *arg)
{
	run_side(arg, true);
}

static bool alloc_side(struct side *s)
{
	EFI_PHYSICAL_ADDRESS a = 0xffffffff;

	if (EFI_ERROR(
		BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, 2, &a)))
		return false;
	SetMem((void *)a, 2 * PAGE, 0);
	s->vmxon = a;
	s->vmcs = a + PAGE;
	return true;
}

/* The other scopes of HC_GUEST_EVENTS, and its refusals. */
static void check_hypercall_scopes(void)
{
	uint64_t b = GEV_ENTRY_CHECK, c = HC_GEV_ALL, d = 0, want = 0;
	uint64_t r = hypercall(HC_GUEST_EVENTS, &b, &c, &d);

	for (unsigned i = 0; i < CPUS; i++)
		want += sides[i].ev_after[0];
	check("hc-all-vcpus", r == HC_OK && b == want,
	      "every vCPU summed: %lu, the two sides: %lu", b, want);
	b = GEV_ENTRY_CHECK, c = HC_GEV_GLOBAL, d = 0;
	r = hypercall(HC_GUEST_EVENTS, &b, &c, &d);
	check("hc-global", r == HC_OK && b == 0,
	      "the global record: %lu check failures", b);
	b = GEV_COUNT, c = HC_GEV_SELF, d = 7;
	r = hypercall(HC_GUEST_EVENTS, &b, &c, &d);
	check("hc-bad-kind", r == HC_BAD_ARG && b == GEV_COUNT && d == 7,
	      "kind %u: RAX 0x%lx", GEV_COUNT, r);
	b = GEV_ENTRY_CHECK, c = 3, d = 7;
	r = hypercall(HC_GUEST_EVENTS, &b, &c, &d);
	check("hc-bad-scope", r == HC_BAD_ARG && c == 3 && d == 7,
	      "RCX 3: RAX 0x%lx", r);
}

/* HC_PRINT_COUNTERS prints dozens of lines: L1 calling it in a loop must
 * get them only within its budget (guest-event kind COUNTERS). */
static void check_counters_flood(void)
{
	uint64_t before[3] = {0, 0, 0}, after[3] = {0, 0, 0}, b, c, d;
	unsigned calls = 0, printed = 0;
	bool ok = true;

	b = GEV_COUNTERS, c = HC_GEV_SELF;
	ok = hypercall(HC_GUEST_EVENTS, &b, &c, &d) == HC_OK;
	before[0] = b, before[1] = c;
	for (unsigned i = 0; i < COUNTER_CALLS; i++, calls++) {
		ok = ok && hypercall(HC_PRINT_COUNTERS, &b, &c, &d) == HC_OK;
		printed += b == 1;
		if (i == 0)
			check("counters-printed", ok && b == 1,
			      "HC_PRINT_COUNTERS printed on the first call");
	}
	b = GEV_COUNTERS, c = HC_GEV_SELF;
	ok = ok && hypercall(HC_GUEST_EVENTS, &b, &c, &d) == HC_OK;
	after[0] = b, after[1] = c;
	check("counters-flood-limited",
	      ok && after[0] - before[0] == calls &&
		  after[1] - before[1] == printed && printed >= 1 &&
		  printed <= GEVENT_BURST,
	      "%u calls counted %lu, printed %u (L0 says %lu)", calls,
	      after[0] - before[0], printed, after[1] - before[1]);
	guest_printf("attack_log: counters printed %u of %u calls\n", printed,
		     calls);
}

static void report(unsigned n, const struct side *s)
{
	char name[48];
	uint64_t count = s->ev_after[0] - s->ev_before[0];
	uint64_t printed = s->ev_after[1] - s->ev_before[1];
	uint64_t held = s->ev_after[2] - s->ev_before[2];

	fmt_snprintf(name, sizeof(name), "side%u-setup", n);
	check(name, s->setup == VM_OK, "VMXON, VMCLEAR, VMPTRLD, VMWRITE: %s",
	      vmx_str(s->setup));
	fmt_snprintf(name, sizeof(name), "side%u-vmfail-every-time", n);
	check(name, s->vmfail7 == ATTEMPTS,
	      "%u of %u VMLAUNCHes gave VMfailValid(7) (first other: %s)",
	      s->vmfail7, ATTEMPTS, s->other ? vmx_str(s->other) : "none");
	fmt_snprintf(name, sizeof(name), "side%u-every-failure-counted", n);
	check(name, s->hc_ok && count == ATTEMPTS,
	      "L0 counted %lu VM-entry check failures for %u attempts "
	      "(hypercall %s)",
	      count, ATTEMPTS, s->hc_ok ? "answered" : "failed");
	fmt_snprintf(name, sizeof(name), "side%u-lines-accounted", n);
	check(name, s->hc_ok && printed + held == count && printed < count,
	      "printed %lu + suppressed %lu = %lu", printed, held, count);
	guest_printf("attack_log: side%u lines printed %lu suppressed %lu "
		     "tsc %lu\n",
		     n, printed, held, s->tsc_end - s->tsc_start);
	guest_printf("attack_log: side%u VMLAUNCH instructions: first %u "
		     "(logged) avg %lu; from attempt %u (limited) avg %lu min "
		     "%lu max %lu\n",
		     n, PRINTED_BEFORE, s->early_sum / PRINTED_BEFORE,
		     LATE_FROM, s->late_sum / (ATTEMPTS - LATE_FROM),
		     s->late_min, s->late_max);
}

/*
 * L1 moves its TSC far forward (WRMSR IA32_TSC). L1 must see the jump (and
 * IA32_TSC_ADJUST follow it, SDM 3B 18.17.3), but L0's own clock must not:
 * were it the CPU's raw TSC, the jump would refill the rate limiter and
 * the next failures would be printed again. Run after the flood, on the
 * BSP, whose limiter is empty then. L1's TSC is left where it jumped to
 * (moving it back could stall a delay loop of the firmware's).
 */
static void tsc_jump(void)
{
	struct side *s = &sides[0];
	uint64_t before[3] = {0}, after[3] = {0}, adj0 = 0, adj1 = 0;
	bool has_adj = try_rdmsr(MSR_TSC_ADJUST, &adj0) == NO_FAULT;
	uint64_t t0 = rdtsc();
	int w = try_wrmsr(MSR_TSC, t0 + TSC_JUMP);
	uint64_t t1 = rdtsc();
	unsigned fails = 0;

	check("tsc-jump-seen-by-l1", w == NO_FAULT && t1 - t0 >= TSC_JUMP,
	      "WRMSR IA32_TSC: %s; RDTSC moved by 0x%lx (at least 0x%llx)",
	      vector_name(w), t1 - t0, TSC_JUMP);
	if (!has_adj)
		guest_printf("attack_log: SKIP tsc-adjust-follows: no "
			     "IA32_TSC_ADJUST on this CPU\n");
	else if (try_rdmsr(MSR_TSC_ADJUST, &adj1) == NO_FAULT)
		check("tsc-adjust-follows",
		      /*
		       * by the value written (t0 + J) minus L1's TSC at the
		       * WRMSR, which is later than t0 by the guarded write's
		       * set-up (an IDT copy): far below 2^32
		       */
		      adj1 - adj0 <= TSC_JUMP && adj1 - adj0 > TSC_JUMP - (1ull << 32),
		      "IA32_TSC_ADJUST moved by 0x%lx", adj1 - adj0);
	else
		check("tsc-adjust-follows", false, "RDMSR IA32_TSC_ADJUST faulted");
	if (!guest_events(before) || vmx_setup(s) != VM_OK) {
		check("tsc-jump-no-new-lines", false, "no VMX set-up");
		return;
	}
	for (unsigned i = 0; i < JUMP_ATTEMPTS; i++)
		fails += vmlaunch() == 7;
	vmxoff();
	write_cr4(read_cr4() & ~CR4_VMXE);
	check("tsc-jump-no-new-lines",
	      guest_events(after) && fails == JUMP_ATTEMPTS &&
		  after[0] - before[0] == JUMP_ATTEMPTS && after[1] == before[1],
	      "%u failures after the jump, %lu counted, %lu lines printed "
	      "(L0's clock did not jump)",
	      fails, after[0] - before[0], after[1] - before[1]);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	mp_services *mp;
	EFI_EVENT ev = NULL;
	EFI_STATUS st;
	UINTN ap;

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("attack_log");
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);

	revision = (uint32_t)rdmsr(MSR_VMX_BASIC) & 0x7fffffff;
	if (!check("vmx-usable",
		   (fc & (FC_LOCK | FC_VMX_OUTSIDE_SMX)) ==
		       (FC_LOCK | FC_VMX_OUTSIDE_SMX),
		   "feature control 0x%lx", fc))
		guest_finish();
	mp = mp_locate();
	ap = mp_first_ap(mp);
	if (!check("two-cpus",
		   ap && alloc_side(&sides[0]) && alloc_side(&sides[1]),
		   "an AP (number %lu) and memory for both sides",
		   (uint64_t)ap) ||
	    EFI_ERROR(BS->CreateEvent(0, 0, NULL, NULL, &ev)))
		guest_finish();
	st = mp->StartupThisAP(mp, ap_side, ap, ev, AP_TIMEOUT_US, &sides[1],
			       NULL);
	if (!check("ap-started", !EFI_ERROR(st), "StartupThisAP: 0x%lx",
		   (uint64_t)st))
		guest_finish();
	while (!sides[1].ready)
		cpu_relax();
	go = true;
	run_side(&sides[0], false);
	while (!sides[1].done)
		cpu_relax();
	UINTN idx;

	BS->WaitForEvent(1, &ev, &idx);
	BS->CloseEvent(ev);
	check("both-sides-overlapped",
	      sides[1].tsc_start < sides[0].tsc_end &&
		  sides[0].tsc_start < sides[1].tsc_end,
	      "the two CPUs' attack loops ran at the same time");
	report(0, &sides[0]);
	report(1, &sides[1]);
	check_hypercall_scopes();
	tsc_jump();
	check_counters_flood();
	l0_alive_everywhere();
	guest_finish();
}
