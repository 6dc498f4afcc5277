/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoding the VMX capability MSRs (SDM Vol. 3D Appendix A "VMX Capability
 * Reporting Facility"), judging them against what Matryoshka needs, and the
 * printed capability table. Pure logic: no MSR is read here, so the same code
 * runs in the loader, in the core and in the host unit tests.
 */
#include "vmx/caps.h"
#include "vmx/msr.h"

#define BIT(n) (1ull << (n))

/* CPUID.1:ECX bit 5 (SDM Vol. 3C 24.6 "Discovering Support for VMX"). */
#define CPUID1_ECX_VMX BIT(5)

/* IA32_VMX_BASIC (A.1). */
#define BASIC_REVISION_MASK 0x7fffffffull
#define BASIC_SIZE_SHIFT 32
#define BASIC_SIZE_MASK 0x1fffull
#define BASIC_PHYS_ADDR_32 BIT(48)
#define BASIC_MEMTYPE_SHIFT 50
#define BASIC_MEMTYPE_MASK 0xfull
#define BASIC_TRUE_CTLS BIT(55)
#define MEMTYPE_WB 6

/* Pin-based controls (Vol. 3C 25.6.1). */
#define PIN_PREEMPTION_TIMER BIT(6)
#define PIN_POSTED_INTERRUPTS BIT(7)

/* Primary processor-based controls (25.6.2). */
#define PROC_TERTIARY BIT(17)
#define PROC_IO_BITMAPS BIT(25)
#define PROC_MTF BIT(27)
#define PROC_MSR_BITMAPS BIT(28)
#define PROC_SECONDARY BIT(31)

/* Secondary processor-based controls (25.6.2). */
#define PROC2_EPT BIT(1)
#define PROC2_VPID BIT(5)
#define PROC2_UNRESTRICTED_GUEST BIT(7)
#define PROC2_VMFUNC BIT(13)
#define PROC2_VMCS_SHADOWING BIT(14)
#define PROC2_PML BIT(17)
#define PROC2_NOTIFY_EXIT BIT(31)

/* VM-exit controls (25.7.1). */
#define EXIT_HOST_64 BIT(9)
#define EXIT_SAVE_PAT BIT(18)
#define EXIT_LOAD_PAT BIT(19)
#define EXIT_SAVE_EFER BIT(20)
#define EXIT_LOAD_EFER BIT(21)

/* VM-entry controls (25.8.1). */
#define ENTRY_IA32E BIT(9)
#define ENTRY_LOAD_PAT BIT(14)
#define ENTRY_LOAD_EFER BIT(15)

/* IA32_VMX_MISC (A.6). */
#define MISC_PREEMPTION_RATE_MASK 0x1full
#define MISC_ACT_HLT BIT(6)
#define MISC_ACT_SHUTDOWN BIT(7)
#define MISC_ACT_WAIT_SIPI BIT(8)
#define MISC_MSR_LIST_SHIFT 25
#define MISC_MSR_LIST_MASK 0x7ull

/* IA32_VMX_EPT_VPID_CAP (A.10). */
#define EPT_WALK4 BIT(6)
#define EPT_WALK5 BIT(7)
#define EPT_UC BIT(8)
#define EPT_WB BIT(14)
#define EPT_2M BIT(16)
#define EPT_1G BIT(17)
#define EPT_INVEPT BIT(20)
#define EPT_AD BIT(21)
#define EPT_INVEPT_SINGLE BIT(25)
#define EPT_INVEPT_ALL BIT(26)
#define VPID_INVVPID BIT(32)
#define VPID_INVVPID_ADDR BIT(40)
#define VPID_INVVPID_SINGLE BIT(41)
#define VPID_INVVPID_ALL BIT(42)
#define VPID_INVVPID_SINGLE_GLOBALS BIT(43)

/* IA32_VMX_VMFUNC (A.11). */
#define VMFUNC_EPTP_SWITCHING BIT(0)

enum fc_verdict fc_judge(uint64_t feature_control)
{
	/*
	 * SDM Vol. 3C 24.7: VMXON outside SMX #GPs unless the MSR is locked
	 * with bit 2 set; once locked, only a reset unlocks it, so a locked
	 * MSR with bit 2 clear is a firmware setting we cannot change.
	 */
	if (!(feature_control & FC_LOCK))
		return FC_MUST_ENABLE;
	if (feature_control & FC_VMX_OUTSIDE_SMX)
		return FC_OK;
	return FC_LOCKED_OFF;
}

uint64_t fc_enable_value(uint64_t feature_control)
{
	/*
	 * Keep whatever the firmware chose for the other bits (SGX, LMCE,
	 * VMX inside SMX); SENTER bits are left as found, never added: we do
	 * not use SMX, and enabling GETSEC[SENTER] is not ours to decide.
	 */
	return feature_control | FC_LOCK | FC_VMX_OUTSIDE_SMX;
}

static struct vmx_ctl_allowed ctl_allowed(uint64_t msr)
{
	/* A.3-A.5: bits 31:0 allowed-0 settings, bits 63:32 allowed-1. */
	struct vmx_ctl_allowed a = {
		.must1 = (uint32_t)msr,
		.may1 = (uint32_t)(msr >> 32),
	};

	return a;
}

void vmx_caps_decode(const struct vmx_msrs *m, struct vmx_caps *c)
{
	*c = (struct vmx_caps){ 0 };
	c->vmx = (m->cpuid1_ecx & CPUID1_ECX_VMX) != 0;
	/* Without CPUID.1:ECX.VMX the 0x480.. MSRs #GP; whatever is there is noise. */
	if (!c->vmx || !m->has_vmx_msrs)
		return;

	c->revision = (uint32_t)(m->basic & BASIC_REVISION_MASK);
	c->vmcs_size = (uint32_t)((m->basic >> BASIC_SIZE_SHIFT) & BASIC_SIZE_MASK);
	c->phys_addr_32 = (m->basic & BASIC_PHYS_ADDR_32) != 0;
	c->vmcs_wb = ((m->basic >> BASIC_MEMTYPE_SHIFT) & BASIC_MEMTYPE_MASK) == MEMTYPE_WB;
	c->true_ctls = (m->basic & BASIC_TRUE_CTLS) != 0;

	/*
	 * A.2: with basic[55] the TRUE_* MSRs report which default1 controls
	 * may in fact be 0. Their allowed-1 halves match the plain MSRs' on
	 * the CPUs we know, so the choice shows in must1, but where they
	 * differ the TRUE ones are what VM entry checks against.
	 */
	c->pin_ctls = ctl_allowed(c->true_ctls ? m->true_pinbased : m->pinbased);
	c->proc_ctls = ctl_allowed(c->true_ctls ? m->true_procbased : m->procbased);
	c->exit_ctls = ctl_allowed(c->true_ctls ? m->true_exit : m->exit);
	c->entry_ctls = ctl_allowed(c->true_ctls ? m->true_entry : m->entry);

	uint32_t pin = c->pin_ctls.may1, proc = c->proc_ctls.may1;
	uint32_t exit = c->exit_ctls.may1, entry = c->entry_ctls.may1;

	c->preemption_timer = (pin & PIN_PREEMPTION_TIMER) != 0;
	c->posted_interrupts = (pin & PIN_POSTED_INTERRUPTS) != 0;

	c->tertiary_ctls = (proc & PROC_TERTIARY) != 0;
	c->io_bitmaps = (proc & PROC_IO_BITMAPS) != 0;
	c->mtf = (proc & PROC_MTF) != 0;
	c->msr_bitmaps = (proc & PROC_MSR_BITMAPS) != 0;
	c->secondary_ctls = (proc & PROC_SECONDARY) != 0;

	c->exit_host_64 = (exit & EXIT_HOST_64) != 0;
	c->exit_save_pat = (exit & EXIT_SAVE_PAT) != 0;
	c->exit_load_pat = (exit & EXIT_LOAD_PAT) != 0;
	c->exit_save_efer = (exit & EXIT_SAVE_EFER) != 0;
	c->exit_load_efer = (exit & EXIT_LOAD_EFER) != 0;

	c->entry_ia32e = (entry & ENTRY_IA32E) != 0;
	c->entry_load_pat = (entry & ENTRY_LOAD_PAT) != 0;
	c->entry_load_efer = (entry & ENTRY_LOAD_EFER) != 0;

	/* A.6: misc is there whenever VMX is. */
	c->preemption_rate = (uint8_t)(m->misc & MISC_PREEMPTION_RATE_MASK);
	c->unrestricted_actstate_hlt = (m->misc & MISC_ACT_HLT) != 0;
	c->actstate_shutdown = (m->misc & MISC_ACT_SHUTDOWN) != 0;
	c->actstate_wait_sipi = (m->misc & MISC_ACT_WAIT_SIPI) != 0;
	c->max_msr_list = 512u * (uint32_t)(((m->misc >> MISC_MSR_LIST_SHIFT) &
					      MISC_MSR_LIST_MASK) + 1);
	c->vmcs_max_index = (uint16_t)((m->vmcs_enum >> 1) & 0x1ff);

	/*
	 * A.3.3: IA32_VMX_PROCBASED_CTLS2 exists only if the primary controls
	 * allow "activate secondary controls"; a value read anyway (or left
	 * over) must not grant anything.
	 */
	if (!c->secondary_ctls)
		return;
	c->proc2_ctls = ctl_allowed(m->procbased2);

	uint32_t proc2 = c->proc2_ctls.may1;

	c->ept = (proc2 & PROC2_EPT) != 0;
	c->vpid = (proc2 & PROC2_VPID) != 0;
	c->unrestricted_guest = (proc2 & PROC2_UNRESTRICTED_GUEST) != 0;
	c->vmfunc = (proc2 & PROC2_VMFUNC) != 0;
	c->vmcs_shadowing = (proc2 & PROC2_VMCS_SHADOWING) != 0;
	c->pml = (proc2 & PROC2_PML) != 0;
	c->notify_exit = (proc2 & PROC2_NOTIFY_EXIT) != 0;

	/*
	 * A.10: IA32_VMX_EPT_VPID_CAP exists if either EPT or VPID may be
	 * enabled; its low half describes EPT, its high half INVVPID, and
	 * each half means something only if its control can be 1.
	 */
	if (c->ept) {
		uint64_t e = m->ept_vpid;

		c->ept_walk4 = (e & EPT_WALK4) != 0;
		c->ept_walk5 = (e & EPT_WALK5) != 0;
		c->ept_uc = (e & EPT_UC) != 0;
		c->ept_wb = (e & EPT_WB) != 0;
		c->ept_2m = (e & EPT_2M) != 0;
		c->ept_1g = (e & EPT_1G) != 0;
		c->ept_ad = (e & EPT_AD) != 0;
		c->invept = (e & EPT_INVEPT) != 0;
		c->invept_single = c->invept && (e & EPT_INVEPT_SINGLE);
		c->invept_all = c->invept && (e & EPT_INVEPT_ALL);
	}
	if (c->vpid) {
		uint64_t v = m->ept_vpid;

		c->invvpid = (v & VPID_INVVPID) != 0;
		c->invvpid_addr = c->invvpid && (v & VPID_INVVPID_ADDR);
		c->invvpid_single = c->invvpid && (v & VPID_INVVPID_SINGLE);
		c->invvpid_all = c->invvpid && (v & VPID_INVVPID_ALL);
		c->invvpid_single_globals = c->invvpid && (v & VPID_INVVPID_SINGLE_GLOBALS);
	}
	/* A.11: IA32_VMX_VMFUNC exists only with "enable VM functions". */
	if (c->vmfunc)
		c->vmfunc_eptp_switching = (m->vmfunc & VMFUNC_EPTP_SWITCHING) != 0;
}

/* --- requirements ------------------------------------------------------ */

static const char MISSING_VMX[] =
	"CPUID.1:ECX.VMX[bit 5] is 0: this CPU (or the hypervisor below) offers no VMX";
static const char MISSING_FC[] =
	"IA32_FEATURE_CONTROL is locked with VMX outside SMX disabled: "
	"enable Intel VT-x in the firmware setup";

/*
 * What Matryoshka needs, one sentence each. A requirement that only makes
 * sense when another holds (INVEPT needs EPT, EPT needs secondary controls)
 * is skipped when that other one fails: its sentence already says it all.
 */
enum req {
	REQ_ADDR64,
	REQ_VMCS_WB,
	REQ_SECONDARY,
	REQ_MSR_BITMAPS,
	REQ_IO_BITMAPS,
	REQ_EPT,
	REQ_EPT_WALK4,
	REQ_EPT_WB,
	REQ_INVEPT,
	REQ_VPID,
	REQ_INVVPID,
	REQ_UNRESTRICTED_GUEST,
	REQ_HOST64,
	REQ_EFER,
	REQ_PAT,
	REQ_IA32E,
	REQ_WAIT_SIPI,
	REQ_COUNT
};

static const char *const req_sentence[REQ_COUNT] = {
	[REQ_ADDR64] = "IA32_VMX_BASIC[48] is 1: VMXON and VMCS addresses are limited to 32 bits",
	[REQ_VMCS_WB] = "IA32_VMX_BASIC[53:50] is not 6: the VMCS cannot be accessed as write-back memory",
	[REQ_SECONDARY] = "the \"activate secondary controls\" VM-execution control cannot be 1: "
			  "no EPT, VPID or unrestricted guest",
	[REQ_MSR_BITMAPS] = "the \"use MSR bitmaps\" VM-execution control cannot be 1",
	[REQ_IO_BITMAPS] = "the \"use I/O bitmaps\" VM-execution control cannot be 1",
	[REQ_EPT] = "the \"enable EPT\" VM-execution control cannot be 1: no EPT",
	[REQ_EPT_WALK4] = "IA32_VMX_EPT_VPID_CAP[6] is 0: EPT has no 4-level page walk",
	[REQ_EPT_WB] = "IA32_VMX_EPT_VPID_CAP[14] is 0: EPT paging structures cannot be write-back",
	[REQ_INVEPT] = "IA32_VMX_EPT_VPID_CAP[20,25,26]: no INVEPT with single-context or "
		       "all-context invalidation",
	[REQ_VPID] = "the \"enable VPID\" VM-execution control cannot be 1: no VPID",
	[REQ_INVVPID] = "IA32_VMX_EPT_VPID_CAP[32] is 0: no INVVPID",
	[REQ_UNRESTRICTED_GUEST] = "the \"unrestricted guest\" VM-execution control cannot be 1",
	[REQ_HOST64] = "the \"host address-space size\" VM-exit control cannot be 1: no 64-bit host",
	[REQ_EFER] = "the \"load IA32_EFER\" VM-entry control or the \"save/load IA32_EFER\" "
		     "VM-exit controls cannot be 1",
	[REQ_PAT] = "the \"load IA32_PAT\" VM-entry control or the \"save/load IA32_PAT\" "
		    "VM-exit controls cannot be 1",
	[REQ_IA32E] = "the \"IA-32e mode guest\" VM-entry control cannot be 1",
	[REQ_WAIT_SIPI] = "IA32_VMX_MISC[8] is 0: no wait-for-SIPI activity state for INIT/SIPI handling",
};

/* Whether requirement r holds; *applies is false when it was not judged. */
static bool req_met(const struct vmx_caps *c, enum req r, bool *applies)
{
	*applies = true;
	switch (r) {
	case REQ_ADDR64:
		/* Memory may lie above 4 GiB, VMXON/VMCS regions included. */
		return !c->phys_addr_32;
	case REQ_VMCS_WB:
		/* The VMCS comes from ordinary write-back memory. */
		return c->vmcs_wb;
	case REQ_SECONDARY:
		return c->secondary_ctls;
	case REQ_MSR_BITMAPS:
		/* Without them every RDMSR/WRMSR of the guest would exit. */
		return c->msr_bitmaps;
	case REQ_IO_BITMAPS:
		/* Without them every port I/O would exit (or none could). */
		return c->io_bitmaps;
	case REQ_EPT:
		*applies = c->secondary_ctls;
		return c->ept;
	case REQ_EPT_WALK4:
		/* Our EPT tables are 4-level, write-back structures. */
		*applies = c->ept;
		return c->ept_walk4;
	case REQ_EPT_WB:
		*applies = c->ept;
		return c->ept_wb;
	case REQ_INVEPT:
		/* Changing a mapping needs an INVEPT flushing a whole context. */
		*applies = c->ept;
		return c->invept && (c->invept_single || c->invept_all);
	case REQ_VPID:
		*applies = c->secondary_ctls;
		return c->vpid;
	case REQ_INVVPID:
		*applies = c->vpid;
		return c->invvpid;
	case REQ_UNRESTRICTED_GUEST:
		/* Firmware and APs after SIPI run in real mode. */
		*applies = c->secondary_ctls;
		return c->unrestricted_guest;
	case REQ_HOST64:
		/* Matryoshka itself runs in 64-bit mode. */
		return c->exit_host_64;
	case REQ_EFER:
		/* Guest and host EFER differ and must switch atomically. */
		return c->entry_load_efer && c->exit_save_efer && c->exit_load_efer;
	case REQ_PAT:
		/* So must PAT: the guest programs its own. */
		return c->entry_load_pat && c->exit_save_pat && c->exit_load_pat;
	case REQ_IA32E:
		/* The guest OS is in long mode when we hand the CPU over. */
		return c->entry_ia32e;
	case REQ_WAIT_SIPI:
		/* Guest APs park in wait-for-SIPI (Vol. 3C 25.4.2) until INIT/SIPI. */
		return c->actstate_wait_sipi;
	case REQ_COUNT:
		break;
	}
	*applies = false;
	return true;
}

static void note(const char **out, size_t max, size_t *n, const char *s)
{
	if (*n < max)
		out[*n] = s;
	(*n)++;
}

size_t vmx_caps_missing(const struct vmx_caps *c, enum fc_verdict fc,
			const char **out, size_t max)
{
	size_t n = 0;

	/* Without VMX every other sentence would just be noise. */
	if (!c->vmx) {
		note(out, max, &n, MISSING_VMX);
		return n;
	}
	if (fc == FC_LOCKED_OFF)
		note(out, max, &n, MISSING_FC);
	for (int r = 0; r < REQ_COUNT; r++) {
		bool applies;
		bool met = req_met(c, (enum req)r, &applies);

		if (applies && !met)
			note(out, max, &n, req_sentence[r]);
	}
	return n;
}

/* --- the table ---------------------------------------------------------- */

/* "  " + label padded to this width, then the value (see caps.h). */
#define LABEL_WIDTH 20
#define LINE_SIZE 128

struct line {
	char buf[LINE_SIZE];
	size_t len;
};

static void put(struct line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
	l->buf[l->len] = '\0';
}

static void put_uint(struct line *l, uint32_t v, unsigned int base)
{
	char tmp[12];
	size_t i = sizeof(tmp);

	tmp[--i] = '\0';
	do {
		tmp[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	put(l, &tmp[i]);
}

static void put_dec(struct line *l, uint32_t v)
{
	put_uint(l, v, 10);
}

static void put_hex(struct line *l, uint32_t v)
{
	put(l, "0x");
	put_uint(l, v, 16);
}

/* Appends "sep" then s, unless s is the first item (first tracks that). */
static void put_item(struct line *l, bool *first, const char *sep, const char *s)
{
	if (!*first)
		put(l, sep);
	*first = false;
	put(l, s);
}

static void start(struct line *l, const char *label)
{
	l->len = 0;
	put(l, "  ");
	put(l, label);
	while (l->len < 2 + LABEL_WIDTH && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = ' ';
	l->buf[l->len] = '\0';
}

static void yes_no(vmx_caps_line_fn emit, void *ctx, const char *label, bool v)
{
	struct line l;

	start(&l, label);
	put(&l, v ? "yes" : "no");
	emit(l.buf, ctx);
}

static void ept_line(struct line *l, const struct vmx_caps *c)
{
	bool first = true;

	put(l, "yes (");
	if (c->ept_walk4 && c->ept_walk5)
		put(l, "4+5-level walk");
	else if (c->ept_walk4)
		put(l, "4-level walk");
	else if (c->ept_walk5)
		put(l, "5-level walk");
	else
		put(l, "no usable walk");
	put(l, ", ");
	if (c->ept_wb)
		put_item(l, &first, "+", "WB");
	if (c->ept_uc)
		put_item(l, &first, "+", "UC");
	if (first)
		put(l, "no WB/UC");
	put(l, ", ");
	if (c->ept_2m && c->ept_1g)
		put(l, "2M+1G pages");
	else if (c->ept_2m)
		put(l, "2M pages");
	else if (c->ept_1g)
		put(l, "1G pages");
	else
		put(l, "4K pages only");
	put(l, c->ept_ad ? ", A/D" : ", no A/D");
	if (!c->invept) {
		put(l, ", no INVEPT)");
		return;
	}
	put(l, ", INVEPT ");
	first = true;
	if (c->invept_single)
		put_item(l, &first, "+", "single");
	if (c->invept_all)
		put_item(l, &first, "+", "all");
	if (first)
		put(l, "without types");
	put(l, ")");
}

static void vpid_line(struct line *l, const struct vmx_caps *c)
{
	bool first = true;

	if (!c->invvpid) {
		put(l, "yes (no INVVPID)");
		return;
	}
	put(l, "yes (INVVPID ");
	if (c->invvpid_addr)
		put_item(l, &first, "+", "address");
	if (c->invvpid_single)
		put_item(l, &first, "+", "single");
	if (c->invvpid_all)
		put_item(l, &first, "+", "all");
	if (c->invvpid_single_globals)
		put_item(l, &first, "+", "single-keep-globals");
	if (first)
		put(l, "without types");
	put(l, ")");
}

void vmx_caps_table(const struct vmx_caps *c, vmx_caps_line_fn emit, void *ctx)
{
	struct line l;
	bool first;

	yes_no(emit, ctx, "VMX", c->vmx);
	if (!c->vmx)
		return;

	start(&l, "VMCS");
	put(&l, "revision ");
	put_hex(&l, c->revision);
	put(&l, ", ");
	put_dec(&l, c->vmcs_size);
	put(&l, c->vmcs_wb ? " bytes, WB" : " bytes, not WB");
	if (c->phys_addr_32)
		put(&l, ", 32-bit addresses");
	emit(l.buf, ctx);

	yes_no(emit, ctx, "true controls", c->true_ctls);

	start(&l, "EPT");
	if (c->ept)
		ept_line(&l, c);
	else
		put(&l, "no");
	emit(l.buf, ctx);

	start(&l, "VPID");
	if (c->vpid)
		vpid_line(&l, c);
	else
		put(&l, "no");
	emit(l.buf, ctx);

	yes_no(emit, ctx, "unrestricted guest", c->unrestricted_guest);
	yes_no(emit, ctx, "monitor trap flag", c->mtf);
	yes_no(emit, ctx, "VMCS shadowing", c->vmcs_shadowing);

	start(&l, "preemption timer");
	if (c->preemption_timer) {
		put(&l, "yes (ticks every 2^");
		put_dec(&l, c->preemption_rate);
		put(&l, " TSC cycles)");
	} else {
		put(&l, "no");
	}
	emit(l.buf, ctx);

	yes_no(emit, ctx, "PML", c->pml);
	yes_no(emit, ctx, "posted interrupts", c->posted_interrupts);
	yes_no(emit, ctx, "notify VM exit", c->notify_exit);

	start(&l, "VM functions");
	if (c->vmfunc)
		put(&l, c->vmfunc_eptp_switching ? "yes (EPTP switching)" : "yes");
	else
		put(&l, "no");
	emit(l.buf, ctx);

	start(&l, "activity states");
	first = true;
	if (c->unrestricted_actstate_hlt)
		put_item(&l, &first, ", ", "HLT");
	if (c->actstate_shutdown)
		put_item(&l, &first, ", ", "shutdown");
	if (c->actstate_wait_sipi)
		put_item(&l, &first, ", ", "wait-for-SIPI");
	if (first)
		put(&l, "active only");
	emit(l.buf, ctx);

	start(&l, "MSR-list entries");
	put(&l, "max ");
	put_dec(&l, c->max_msr_list);
	emit(l.buf, ctx);

	start(&l, "VMCS max index");
	put_hex(&l, c->vmcs_max_index);
	emit(l.buf, ctx);
}
