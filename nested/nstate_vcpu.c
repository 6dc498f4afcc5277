/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A vCPU's nested state as a KVM-format blob (nested/nstate_vcpu.h): get,
 * validated set, the stress mode (nested_state_stress=N) and the dump on a
 * vCPU stop. The blob's encoding and validation are nested/nstate.c's.
 *
 * One blob buffer and two vmcs12 images serve all vCPUs, under a lock
 * (as nested/shadow12.c does): get and set are not hot paths.
 */
#include "arch/x86/cpu.h"
#include "lib/base64.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "nested/internal.h"
#include "nested/nstate_vcpu.h"
#include "vmx/config.h"
#include "vmx/gmem.h"
#include "vmx/vmx.h"

static struct spinlock lock;
static uint8_t blob_buf[NSTATE_MAX_SIZE];
static struct vmcs12 img_cur, img_shadow;

static uint32_t stress_every;
static uint64_t events;
/* round trips by state: VMX off, VMX on, current VMCS, L2 running, pending */
enum kind { K_OFF, K_VMXON, K_CURRENT, K_GUEST, K_PENDING, K_COUNT };
static uint64_t trips[K_COUNT];
static uint64_t ept02_dropped; /* wipes that found EPT02 tables to drop */
static uint64_t fills;	       /* L2 exits that only filled EPT02 */
static uint64_t fill_trips;    /* round trips at those, EPT02 kept */
static bool guest_blob_printed;

void nested_state_stress_init(uint32_t every)
{
	stress_every = every;
	if (every)
		log_warn("nested: nested_state_stress=%u: every %u. nested "
			 "event saves, wipes and restores the nested state",
			 every, every);
}

/* --- get --- */

/* In guest mode the blob's vmcs12 holds the shadow at its link pointer. */
static void read_shadow(const struct vmcs12 *c, struct vmcs12 *out)
{
	if (!gmem_read(vmcs12_get(c, VMCS_LINK_POINTER), out, sizeof(*out)))
		memset(out, 0, sizeof(*out));
	vmcs12_sanitize(out);
	/* it is one by definition: VM entry checked the indicator */
	vmcs12_set_revision(out, VMCS12_REVISION, true);
}

/*
 * L2 runs on vmcs02: its state goes into the copy as a VM exit would save
 * it (SDM 28.3), and vmcs12's injected event, delivered at the entry, is
 * no longer pending (as an exit would clear it, 28.2).
 */
static void sync_l2(struct vmcs12 *c)
{
	nvmx_save_guest(c);
	vmcs12_set(c, VM_ENTRY_INTR_INFO,
		   vmcs12_get(c, VM_ENTRY_INTR_INFO) &
		       ~(uint64_t)INTR_INFO_VALID);
}

static size_t get(struct vcpu *v, void *buf, size_t len, bool sync)
{
	struct nested *n = &v->nested;
	struct nstate s = {.vmxon_pa = NSTATE_NONE,
			   .vmcs12_pa = NSTATE_NONE,
			   .vmcs12 = &img_cur,
			   .shadow = &img_shadow};

	/* vmcs12 whole: with what vmcs02 still holds of L2 */
	nested_sync_lazy(n);
	if (n->vmxon) {
		s.vmxon_pa = n->vmxon_ptr;
		s.vmcs12_pa = n->current_ptr;
	}
	if (s.vmcs12_pa != NSTATE_NONE) {
		memcpy(&img_cur, n->vmcs12, sizeof(img_cur));
		s.has_vmcs12 = true;
	}
	if (s.has_vmcs12 && n->guest_mode) {
		s.flags = NSTATE_GUEST_MODE;
		if (n->run_pending)
			s.flags |= NSTATE_RUN_PENDING;
		else if (sync)
			sync_l2(&img_cur);
		s.has_shadow = nstate_uses_shadow(&img_cur);
		if (s.has_shadow)
			read_shadow(&img_cur, &img_shadow);
	}
	return nstate_encode(&s, buf, len);
}

size_t nested_state_get(struct vcpu *v, void *buf, size_t len)
{
	size_t n;

	spin_lock(&lock);
	n = get(v, buf, len, true);
	spin_unlock(&lock);
	return n;
}

/* --- set --- */

static bool l1_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	(void)ctx;
	return gmem_read(gpa, buf, n);
}

/* The vCPU's nested pages: reserved at start-up (nested/reserve.c). */
static bool pages(const struct nested *n)
{
	return n->vmcs12 && n->msr_undo && n->vmcs02_pa;
}

/* GUEST_MODE: the VM-entry checks, and the shadow's region in L1 memory. */
static struct nstate_result check_guest(const struct nstate *s)
{
	struct nstate_result r;
	uint64_t link = vmcs12_get(s->vmcs12, VMCS_LINK_POINTER);
	uint32_t rev;
	/* L1's mode in guest mode: the one the next VM exit gives it */
	struct check_env env = {
	    .caps = &nested_caps,
	    .phys_bits = nested_phys_bits,
	    .l1_long_mode = vmcs12_get(s->vmcs12, VM_EXIT_CONTROLS) &
			    EXIT_HOST_ADDR_SPACE_SIZE,
	    .cpuid7_ebx = cpuid(7, 0).ebx,
	    .la57 = nested_la57,
	    .read = l1_read,
	    .skip = nested_skip_check,
	};

	r = nstate_check_entry(s, &env);
	if (r.err || !s->has_shadow || gmem_read(link, &rev, 4))
		return r;
	r.err = NSTATE_E_SHADOW_MEMORY;
	fmt_snprintf(r.detail, sizeof(r.detail), "%s: 0x%lx",
		     nstate_err_text(r.err), link);
	return r;
}

static struct nstate_result validate(struct vcpu *v, const void *blob,
				     size_t len, struct nstate *s)
{
	struct nstate_result r;

	s->vmcs12 = &img_cur;
	s->shadow = &img_shadow;
	r = nstate_decode(blob, len, nested_phys_bits, s);
	if (!r.err && (s->flags & NSTATE_GUEST_MODE))
		r = check_guest(s);
	if (!r.err && s->vmxon_pa != NSTATE_NONE && !pages(&v->nested)) {
		r.err = NSTATE_E_NO_MEMORY;
		fmt_snprintf(r.detail, sizeof(r.detail), "%s",
			     nstate_err_text(r.err));
	}
	return r;
}

/* A VMCS of L0's as if new: cleared, zeroed, its revision, cleared again. */
static void scrub(struct vcpu *v, uint64_t pa, bool shadow)
{
	if (vmclear(pa) != VMX_OK)
		vcpu_stop(v, "VMCLEAR failed while wiping the nested state");
	memset(phys_to_virt(pa), 0, 4096);
	*(uint32_t *)phys_to_virt(pa) =
	    ((uint32_t)vmx_cfg.msrs.basic & 0x7fffffff) |
	    (shadow ? VMCS12_SHADOW_INDICATOR : 0);
	if (vmclear(pa) != VMX_OK)
		vcpu_stop(v, "VMCLEAR failed while wiping the nested state");
}

/*
 * Everything nested the vCPU holds, gone; vmcs01 current. EPT02's tables
 * go back to the vCPU's free list (its budget counts them back, with no
 * eviction counted) and INVEPT drops what the CPU cached through its root.
 */
static void wipe(struct vcpu *v, bool keep_ept02)
{
	struct nested *n = &v->nested;

	if (n->guest_mode)
		vmcs01_current(v);
	n->guest_mode = n->run_pending = false;
	/* vmcs02's L2 values go with it (a get before synced them) */
	n->lazy_stale = false;
	if (n->vmcs02_ready)
		scrub(v, n->vmcs02_pa, false);
	n->vmcs02_ready = n->vmcs02_launched = false;
	if (!keep_ept02) {
		if (n->ept02_budget.used > 1)
			ept02_dropped++;
		ept02_drop(v);
		n->ept02_eptp12 = 0;
	}
	if (n->shadow_pa)
		scrub(v, n->shadow_pa, true);
	nested_shadow_enable(v, false);
	if (n->vmcs12)
		memset(n->vmcs12, 0, sizeof(*n->vmcs12));
	n->vmxon = false;
	n->vmxon_ptr = 0;
	n->current_ptr = VMCS12_NONE;
	n->last_vpid12 = 0;
	vmx_flush_guest_tlb(n->vpid02);
}

static void apply(struct vcpu *v, const struct nstate *s, bool keep_ept02)
{
	struct nested *n = &v->nested;

	wipe(v, keep_ept02);
	if (s->vmxon_pa == NSTATE_NONE)
		return;
	n->vmxon = true;
	n->vmxon_ptr = s->vmxon_pa;
	n->current_ptr = s->vmcs12_pa;
	if (s->has_vmcs12)
		memcpy(n->vmcs12, s->vmcs12, sizeof(*n->vmcs12));
	nested_shadow_enable(v, true);
	if (s->has_shadow)
		gmem_write(vmcs12_get(s->vmcs12, VMCS_LINK_POINTER), s->shadow,
			   sizeof(*s->shadow));
	if (!(s->flags & NSTATE_GUEST_MODE))
		return;
	/* KVM marks vmcs12 launched at L2's first exit: its guest-mode blobs
	 * may say clear; L2 runs, so VMLAUNCH succeeded */
	vmcs12_set_launched(n->vmcs12, true);
	if (!vmcs02_enter(v))
		vcpu_stop(v, "vmcs02 could not be built from a nested state");
	n->guest_mode = true;
	n->run_pending = s->flags & NSTATE_RUN_PENDING;
	n->last_vpid12 = (uint16_t)vmcs12_get(n->vmcs12, VPID);
	/* as after vcpu_prepare_entry(): vmcs02 holds the entry's event */
	v->injected = false;
}

static struct nstate_result set(struct vcpu *v, const void *blob, size_t len,
				bool keep_ept02)
{
	struct nstate s;
	struct nstate_result r = validate(v, blob, len, &s);

	if (!r.err)
		apply(v, &s, keep_ept02);
	return r;
}

struct nstate_result nested_state_set(struct vcpu *v, const void *blob,
				      size_t len)
{
	struct nstate_result r;

	spin_lock(&lock);
	r = set(v, blob, len, false);
	spin_unlock(&lock);
	return r;
}

/* --- the stress mode --- */

static void print_blob(struct vcpu *v, enum log_level level, size_t len,
		       const char *what);

/*
 * vmcs02 state that is not nested state: what KVM carries in its other
 * vCPU ioctls (events, debug registers, MSRs, the PDPTEs, L0's NMI
 * window). The round trip keeps it as a migration would.
 */
struct carry {
	uint64_t event, event_error, event_len;
	uint64_t dr7, debugctl, pat, efer, pdpte[4];
	uint64_t timer;
	uint32_t nmi_window;
};

static void carry_save(struct vcpu *v, struct carry *c, bool live)
{
	c->nmi_window = v->proc_ctls & CPU_NMI_WINDOW_EXITING;
	if (!live)
		return;
	c->event = vmcs_read(VM_ENTRY_INTR_INFO);
	c->event_error = vmcs_read(VM_ENTRY_EXCEPTION_ERROR_CODE);
	c->event_len = vmcs_read(VM_ENTRY_INSTRUCTION_LEN);
	c->dr7 = vmcs_read(GUEST_DR7);
	c->debugctl = vmcs_read(GUEST_IA32_DEBUGCTL);
	c->pat = vmcs_read(GUEST_IA32_PAT);
	c->efer = vmcs_read(GUEST_IA32_EFER);
	for (unsigned i = 0; i < 4; i++)
		c->pdpte[i] = vmcs_read(GUEST_PDPTR0 + 2 * i);
	if (vmcs_read(PIN_BASED_VM_EXEC_CONTROL) & PIN_PREEMPTION_TIMER)
		c->timer = vmcs_read(VMX_PREEMPTION_TIMER_VALUE);
}

static void carry_restore(struct vcpu *v, const struct carry *c, bool live)
{
	if (c->nmi_window) {
		v->proc_ctls |= CPU_NMI_WINDOW_EXITING;
		vmcs_write(CPU_BASED_VM_EXEC_CONTROL, v->proc_ctls);
	}
	if (!live)
		return;
	vmcs_write(VM_ENTRY_INTR_INFO, c->event);
	vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, c->event_error);
	vmcs_write(VM_ENTRY_INSTRUCTION_LEN, c->event_len);
	vmcs_write(GUEST_DR7, c->dr7);
	vmcs_write(GUEST_IA32_DEBUGCTL, c->debugctl);
	vmcs_write(GUEST_IA32_PAT, c->pat);
	vmcs_write(GUEST_IA32_EFER, c->efer);
	for (unsigned i = 0; i < 4; i++)
		vmcs_write(GUEST_PDPTR0 + 2 * i, c->pdpte[i]);
	if (vmcs_read(PIN_BASED_VM_EXEC_CONTROL) & PIN_PREEMPTION_TIMER)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, c->timer);
}

static enum kind kind_of(const struct nested *n)
{
	if (!n->vmxon)
		return K_OFF;
	if (n->current_ptr == VMCS12_NONE)
		return K_VMXON;
	if (!n->guest_mode)
		return K_CURRENT;
	return n->run_pending ? K_PENDING : K_GUEST;
}

static void count(enum kind k)
{
	uint64_t total = 0;

	trips[k]++;
	for (unsigned i = 0; i < K_COUNT; i++)
		total += trips[i];
	if (total & (total - 1))
		return;
	nested_state_print_counters();
}

/*
 * Get, wipe everything (EPT02 too unless keep_ept02), set. The ordinary
 * vCPU state a migration carries in other ioctls is carried across.
 * Afterwards every EPT02 page must be accounted for, and a wiped EPT02
 * hold its root only (docs/nested-state.md: the budget is L0's, not in
 * the blob, and a set starts from all of it).
 */
static void round_trip(struct vcpu *v, bool keep_ept02)
{
	struct nested *n = &v->nested;
	enum kind k = kind_of(n);
	bool live = k == K_GUEST;
	struct carry c = {0};
	size_t len;
	struct nstate_result r;

	if (n->guest_mode)
		carry_save(v, &c, live);
	len = get(v, blob_buf, sizeof(blob_buf), true);
	if (live && !guest_blob_printed) {
		/* one guest-mode blob from a running L0, for tools/nstate */
		guest_blob_printed = true;
		print_blob(v, LOG_INFO, len, " (first L2-running round trip)");
	}
	r = set(v, blob_buf, len, keep_ept02);
	if (r.err) {
		log_err("nested: cpu%u: nested_state_stress: set refused the "
			"blob get made (%s): %s",
			v->cpu, nstate_err_name(r.err), r.detail);
		vcpu_stop(v, "nested state round trip failed");
	}
	if (n->guest_mode)
		carry_restore(v, &c, live);
	if (!ept02_accounting_ok(v) ||
	    (!keep_ept02 && n->ept02_budget.used != 1)) {
		log_err("nested: cpu%u: nested_state_stress: EPT02 pages not "
			"all accounted for after the round trip (%u of %u in "
			"use)",
			v->cpu, n->ept02_budget.used, n->ept02_budget.cap);
		vcpu_stop(v, "nested state round trip lost EPT02 pages");
	}
	if (keep_ept02)
		fill_trips++;
	count(k);
}

/*
 * A nested event is an exit of L2 or an L1 VMX instruction, but not an L2
 * exit that only filled EPT02: that one is L0's own (L1 never sees it),
 * and wiping EPT02 there would drop the page just filled, so an
 * instruction that touches two pages missing from EPT02 would fault
 * forever. Every Nth fill makes a round trip of its own that keeps EPT02
 * (the state taken while L2 runs, mid-delivery of events), counted apart.
 */
void nested_state_event(struct vcpu *v)
{
	bool filled = v->nested.ept02_filled;

	v->nested.ept02_filled = false;
	if (!stress_every)
		return;
	if (filled) {
		if (__atomic_add_fetch(&fills, 1, __ATOMIC_RELAXED) % stress_every)
			return;
	} else if (__atomic_add_fetch(&events, 1, __ATOMIC_RELAXED) %
		   stress_every)
		return;
	spin_lock(&lock);
	round_trip(v, filled);
	spin_unlock(&lock);
}

void nested_state_print_counters(void)
{
	uint64_t total = 0;

	if (!stress_every)
		return;
	for (unsigned i = 0; i < K_COUNT; i++)
		total += trips[i];
	log_info("nested: state round trips: %lu (VMX off %lu, VMX on %lu, "
		 "current VMCS %lu, L2 running %lu, entry pending %lu), EPT02 "
		 "dropped %lu times; %lu of them at EPT02 fills (EPT02 kept)",
		 total, trips[K_OFF], trips[K_VMXON], trips[K_CURRENT],
		 trips[K_GUEST], trips[K_PENDING], ept02_dropped, fill_trips);
}

/* --- the dump --- */

#define DUMP_BYTES 144 /* per line (a multiple of 3): 192 characters */

/* blob_buf's first len bytes as base64 lines (tools/nstate reads them). */
static void print_blob(struct vcpu *v, enum log_level level, size_t len,
		       const char *what)
{
	char line[DUMP_BYTES / 3 * 4 + 1];
	unsigned lines = (unsigned)((len + DUMP_BYTES - 1) / DUMP_BYTES);

	log_printf(level,
		   "nested: cpu%u: nested state%s, %lu bytes in %u lines "
		   "(tools/nstate decode):",
		   v->cpu, what, (unsigned long)len, lines);
	for (unsigned i = 0; i < lines; i++) {
		size_t off = (size_t)i * DUMP_BYTES;
		size_t n = len - off < DUMP_BYTES ? len - off : DUMP_BYTES;

		base64_encode(blob_buf + off, n, line);
		log_printf(level, "nstate %u/%u %s", i + 1, lines, line);
	}
}

void nested_state_dump(struct vcpu *v)
{
	size_t len;

	if (__atomic_exchange_n(&lock.locked, 1, __ATOMIC_ACQUIRE)) {
		log_err("nested: cpu%u: nested state: not dumped (busy)",
			v->cpu);
		return;
	}
	/* the cache as it is: L2's live state is in the VMCS dump above */
	len = get(v, blob_buf, sizeof(blob_buf), false);
	print_blob(v, LOG_ERROR, len, "");
	spin_unlock(&lock);
}
