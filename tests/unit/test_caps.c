/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host tests for vmx/caps.c: decoding, requirements and the table, driven by
 * raw MSR values of Bochs 2.7 CPU models and of a CPU without VMX.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmx/caps.h"
#include "vmx/msr.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1ull << (n))
/* Allowed-1 setting of control bit n: the high half of a control MSR (A.3). */
#define MAY1(n) BIT(32 + (n))

/*
 * --- recorded MSRs: one table per model, easy to replace ----------------
 *
 * Derived from Bochs 2.7 (tag REL_2_7_FINAL, built with --enable-vmx=2 and,
 * like Debian's 2.7+dfsg package, with CET and protection keys compiled in):
 * the VMX_MSR_* macros of cpu/vmx.h, init_vmx_capabilities() and the
 * init_*_ctrls()/init_ept_vpid_capabilities() functions of cpu/vmcs.cc
 * (what cpu/vmx.cc checks VM entries against), rdmsr in cpu/msr.cc, the
 * VMX extension lists in cpu/cpudb/intel/<model>.cc and the CR4 mask of
 * cpu/crregs.cc. The same values were then read back by a boot sector doing
 * CPUID/RDMSR under /usr/bin/bochs 2.7 with BIOS-bochs-latest, which also
 * leaves IA32_FEATURE_CONTROL locked with VMX enabled (0x5); under OVMF it
 * may still read 0 (unlocked).
 */

#include "tests/unit/bochs_msrs.h"


/*
 * QEMU TCG, -cpu qemu64 (measured with the same boot sector): no VMX in
 * CPUID, and every MSR reads 0. The loader does not read 0x480.. here.
 */
static const struct vmx_msrs qemu_tcg_no_vmx = {
	.cpuid1_ecx = 0x80002001,
	.feature_control = 0,
	.has_vmx_msrs = false,
};

/* --- expected decodes --------------------------------------------------- */

static const struct vmx_caps want_skylake_x = {
	.vmx = true,
	.revision = 0x2b,
	.vmcs_size = 4096,
	.phys_addr_32 = false,
	.vmcs_wb = true,
	.true_ctls = true,
	.secondary_ctls = true,
	.tertiary_ctls = false,
	.msr_bitmaps = true,
	.io_bitmaps = true,
	.ept = true,
	.ept_walk4 = true,
	.ept_walk5 = false,
	.ept_wb = true,
	.ept_uc = true,
	.ept_2m = true,
	.ept_1g = true,
	.ept_ad = true,
	.invept = true,
	.invept_single = true,
	.invept_all = true,
	.vpid = true,
	.invvpid = true,
	.unrestricted_guest = true,
	.vmcs_shadowing = true,
	.pml = true,
	.notify_exit = false,
	.vmfunc = true,
	.preemption_timer = true,
	.preemption_rate = 0,
	.posted_interrupts = false,
	.unrestricted_actstate_hlt = true,
	.actstate_shutdown = true,
	.actstate_wait_sipi = true,
	.exit_host_64 = true,
	.exit_save_efer = true,
	.exit_load_efer = true,
	.exit_save_pat = true,
	.exit_load_pat = true,
	.entry_ia32e = true,
	.entry_load_efer = true,
	.entry_load_pat = true,
	.max_msr_list = 512,
	.vmcs_max_index = 0x1a,
	.mtf = false,
	.invvpid_addr = true,
	.invvpid_single = true,
	.invvpid_all = true,
	.invvpid_single_globals = true,
	.vmfunc_eptp_switching = true,
	.pin_ctls = { .must1 = 0x00000016, .may1 = 0x0000007f },
	.proc_ctls = { .must1 = 0x04006172, .may1 = 0xf7f9fffe },
	.proc2_ctls = { .must1 = 0, .may1 = 0x02177fff },
	.exit_ctls = { .must1 = 0x00036dfb, .may1 = 0x007fffff },
	.entry_ctls = { .must1 = 0x000011fb, .may1 = 0x0000ffff },
};

/* Differs from skylake_x only in revision, MTF and the extra allowed-1 bits. */
static struct vmx_caps want_tigerlake(void)
{
	struct vmx_caps c = want_skylake_x;

	c.revision = 0x4;
	c.mtf = true;
	c.proc_ctls.may1 = 0xfff9fffe;
	c.proc2_ctls.may1 = 0x02977fff; /* + sub-page write permissions */
	c.exit_ctls.may1 = 0x107fffff;  /* + load host CET state */
	c.entry_ctls.may1 = 0x0010ffff; /* + load guest CET state */
	return c;
}

/* --- helpers ------------------------------------------------------------ */

static int fails;

static void field_u(const char *name, uint64_t got, uint64_t want)
{
	if (got != want) {
		print_error("field %s: got 0x%llx, want 0x%llx\n", name,
			    (unsigned long long)got, (unsigned long long)want);
		fails++;
	}
}

#define FIELD(f) field_u(#f, (uint64_t)got->f, (uint64_t)want->f)

/* Compares every field by name, so a failure says which one. */
static void assert_caps_equal(const struct vmx_caps *got, const struct vmx_caps *want)
{
	fails = 0;
	FIELD(vmx);
	FIELD(revision);
	FIELD(vmcs_size);
	FIELD(phys_addr_32);
	FIELD(vmcs_wb);
	FIELD(true_ctls);
	FIELD(secondary_ctls);
	FIELD(tertiary_ctls);
	FIELD(msr_bitmaps);
	FIELD(io_bitmaps);
	FIELD(ept);
	FIELD(ept_walk4);
	FIELD(ept_walk5);
	FIELD(ept_wb);
	FIELD(ept_uc);
	FIELD(ept_2m);
	FIELD(ept_1g);
	FIELD(ept_ad);
	FIELD(invept);
	FIELD(invept_single);
	FIELD(invept_all);
	FIELD(vpid);
	FIELD(invvpid);
	FIELD(unrestricted_guest);
	FIELD(vmcs_shadowing);
	FIELD(pml);
	FIELD(notify_exit);
	FIELD(vmfunc);
	FIELD(preemption_timer);
	FIELD(preemption_rate);
	FIELD(posted_interrupts);
	FIELD(unrestricted_actstate_hlt);
	FIELD(actstate_shutdown);
	FIELD(actstate_wait_sipi);
	FIELD(exit_host_64);
	FIELD(exit_save_efer);
	FIELD(exit_load_efer);
	FIELD(exit_save_pat);
	FIELD(exit_load_pat);
	FIELD(entry_ia32e);
	FIELD(entry_load_efer);
	FIELD(entry_load_pat);
	FIELD(max_msr_list);
	FIELD(vmcs_max_index);
	FIELD(mtf);
	FIELD(invvpid_addr);
	FIELD(invvpid_single);
	FIELD(invvpid_all);
	FIELD(invvpid_single_globals);
	FIELD(vmfunc_eptp_switching);
	FIELD(pin_ctls.must1);
	FIELD(pin_ctls.may1);
	FIELD(proc_ctls.must1);
	FIELD(proc_ctls.may1);
	FIELD(proc2_ctls.must1);
	FIELD(proc2_ctls.may1);
	FIELD(exit_ctls.must1);
	FIELD(exit_ctls.may1);
	FIELD(entry_ctls.must1);
	FIELD(entry_ctls.may1);
	assert_int_equal(fails, 0);
}

/* Decodes into a struct pre-filled with junk: decode must set every field. */
static struct vmx_caps decode(const struct vmx_msrs *m)
{
	struct vmx_caps c;

	memset(&c, 0xa5, sizeof(c));
	vmx_caps_decode(m, &c);
	return c;
}

static const struct vmx_caps zero_caps;

/* The sentences, word for word: they are what a user reads on the console. */
static const char S_VMX[] =
	"CPUID.1:ECX.VMX[bit 5] is 0: this CPU (or the hypervisor below) offers no VMX";
static const char S_FC[] =
	"IA32_FEATURE_CONTROL is locked with VMX outside SMX disabled: "
	"enable Intel VT-x in the firmware setup";
static const char S_ADDR32[] =
	"IA32_VMX_BASIC[48] is 1: VMXON and VMCS addresses are limited to 32 bits";
static const char S_VMCS_WB[] =
	"IA32_VMX_BASIC[53:50] is not 6: the VMCS cannot be accessed as write-back memory";
static const char S_SECONDARY[] =
	"the \"activate secondary controls\" VM-execution control cannot be 1: "
	"no EPT, VPID or unrestricted guest";
static const char S_MSR_BITMAPS[] = "the \"use MSR bitmaps\" VM-execution control cannot be 1";
static const char S_IO_BITMAPS[] = "the \"use I/O bitmaps\" VM-execution control cannot be 1";
static const char S_EPT[] = "the \"enable EPT\" VM-execution control cannot be 1: no EPT";
static const char S_EPT_WALK4[] = "IA32_VMX_EPT_VPID_CAP[6] is 0: EPT has no 4-level page walk";
static const char S_EPT_WB[] =
	"IA32_VMX_EPT_VPID_CAP[14] is 0: EPT paging structures cannot be write-back";
static const char S_INVEPT[] =
	"IA32_VMX_EPT_VPID_CAP[20,25,26]: no INVEPT with single-context or all-context invalidation";
static const char S_VPID[] = "the \"enable VPID\" VM-execution control cannot be 1: no VPID";
static const char S_INVVPID[] = "IA32_VMX_EPT_VPID_CAP[32] is 0: no INVVPID";
static const char S_UG[] = "the \"unrestricted guest\" VM-execution control cannot be 1";
static const char S_HOST64[] =
	"the \"host address-space size\" VM-exit control cannot be 1: no 64-bit host";
static const char S_EFER[] =
	"the \"load IA32_EFER\" VM-entry control or the \"save/load IA32_EFER\" "
	"VM-exit controls cannot be 1";
static const char S_PAT[] =
	"the \"load IA32_PAT\" VM-entry control or the \"save/load IA32_PAT\" "
	"VM-exit controls cannot be 1";
static const char S_IA32E[] = "the \"IA-32e mode guest\" VM-entry control cannot be 1";
static const char S_WAIT_SIPI[] =
	"IA32_VMX_MISC[8] is 0: no wait-for-SIPI activity state for INIT/SIPI handling";

#define MAX_OUT 32

/* Runs the whole pipeline like the loader: judge FC, decode, list. */
static size_t missing_of(const struct vmx_msrs *m, const char **out)
{
	struct vmx_caps c = decode(m);
	enum fc_verdict fc = m->has_vmx_msrs ? fc_judge(m->feature_control) : FC_OK;

	return vmx_caps_missing(&c, fc, out, MAX_OUT);
}

/* --- decoding ----------------------------------------------------------- */

static void test_decode_skylake_x(void **state)
{
	(void)state;
	struct vmx_caps c = decode(&bochs_skylake_x);

	assert_caps_equal(&c, &want_skylake_x);
}

static void test_decode_tigerlake(void **state)
{
	(void)state;
	struct vmx_caps c = decode(&bochs_tigerlake), want = want_tigerlake();

	assert_caps_equal(&c, &want);
}

static void test_decode_no_vmx(void **state)
{
	(void)state;
	struct vmx_caps c = decode(&qemu_tcg_no_vmx);

	assert_caps_equal(&c, &zero_caps);

	/* Without CPUID.1:ECX.VMX, MSR values (even Bochs') mean nothing. */
	struct vmx_msrs m = bochs_skylake_x;

	m.cpuid1_ecx &= ~(uint32_t)BIT(5);
	c = decode(&m);
	assert_caps_equal(&c, &zero_caps);

	/* VMX in CPUID but the MSRs were not read: only vmx is known. */
	struct vmx_caps want = zero_caps;

	m = bochs_skylake_x;
	m.has_vmx_msrs = false;
	c = decode(&m);
	want.vmx = true;
	assert_caps_equal(&c, &want);
}

/* What was measured on bare Bochs, independently of the derivation above. */
static void test_decode_matches_bochs_observations(void **state)
{
	(void)state;
	struct vmx_caps s = decode(&bochs_skylake_x), t = decode(&bochs_tigerlake);

	for (int i = 0; i < 2; i++) {
		const struct vmx_caps *c = i ? &t : &s;

		assert_true(c->ept);
		assert_true(c->vpid);
		assert_true(c->unrestricted_guest);
		assert_true(c->vmcs_shadowing);
		assert_true(c->preemption_timer);
		assert_true(c->pml);
		assert_true(c->actstate_wait_sipi);
		assert_true(c->actstate_shutdown);
		assert_false(c->posted_interrupts);
		assert_int_equal(c->vmcs_max_index, 0x1a);
	}
	assert_false(s.mtf);
	assert_true(t.mtf);
}

static void test_decode_field_extraction(void **state)
{
	(void)state;
	struct vmx_msrs m = bochs_skylake_x;
	struct vmx_caps c;

	/* basic: 31-bit revision, 13-bit size, memory type 53:50. */
	m.basic = 0xffffffffull | (0x1fffull << 32) | (0ull << 50) | BIT(48);
	c = decode(&m);
	assert_int_equal(c.revision, 0x7fffffff);
	assert_int_equal(c.vmcs_size, 0x1fff);
	assert_true(c.phys_addr_32);
	assert_false(c.vmcs_wb); /* UC */
	assert_false(c.true_ctls);
	m.basic = (0x1000ull << 32) | (6ull << 50) | (0xfull << 46);
	c = decode(&m);
	assert_true(c.vmcs_wb);
	assert_int_equal(c.vmcs_size, 0x1000);
	m.basic = (0x1000ull << 32) | (7ull << 50);
	assert_false(decode(&m).vmcs_wb);

	/* misc: preemption rate 4:0, MSR list (N+1)*512 from 27:25. */
	m = bochs_skylake_x;
	m.misc = 0x1f | (7ull << 25);
	c = decode(&m);
	assert_int_equal(c.preemption_rate, 31);
	assert_int_equal(c.max_msr_list, 4096);
	assert_false(c.unrestricted_actstate_hlt);
	assert_false(c.actstate_shutdown);
	assert_false(c.actstate_wait_sipi);
	m.misc = 5 | (1ull << 25) | BIT(6);
	c = decode(&m);
	assert_int_equal(c.preemption_rate, 5);
	assert_int_equal(c.max_msr_list, 1024);
	assert_true(c.unrestricted_actstate_hlt);

	/* VMCS_ENUM: the whole 9-bit index, bit 0 and bits 63:10 ignored. */
	m.vmcs_enum = 0x3ff | ~0x3ffull;
	assert_int_equal(decode(&m).vmcs_max_index, 0x1ff);

	/* EPT: 5-level walk and INVEPT with only all-context. */
	m = bochs_skylake_x;
	m.ept_vpid = BIT(7) | BIT(20) | BIT(26);
	c = decode(&m);
	assert_false(c.ept_walk4);
	assert_true(c.ept_walk5);
	assert_false(c.ept_uc);
	assert_false(c.ept_wb);
	assert_false(c.ept_2m);
	assert_false(c.ept_1g);
	assert_false(c.ept_ad);
	assert_true(c.invept);
	assert_false(c.invept_single);
	assert_true(c.invept_all);
	assert_false(c.invvpid);
	assert_false(c.invvpid_single);
	assert_false(c.invvpid_all);

	/* Notify VM exit, tertiary controls, posted interrupts. */
	m = bochs_skylake_x;
	m.procbased2 |= MAY1(31);
	m.true_procbased |= MAY1(17);
	m.true_pinbased |= MAY1(7);
	c = decode(&m);
	assert_true(c.notify_exit);
	assert_true(c.tertiary_ctls);
	assert_true(c.posted_interrupts);
}

/* With basic[55] the TRUE_* MSRs are used for pin/proc/exit/entry, else not. */
static void test_decode_true_vs_plain_controls(void **state)
{
	(void)state;
	struct vmx_msrs m = bochs_skylake_x;
	struct vmx_caps c;

	/* Make each plain/TRUE pair disagree about one allowed-1 bit. */
	m.pinbased |= MAY1(7);              /* posted interrupts: plain only */
	m.true_procbased &= ~MAY1(28);      /* MSR bitmaps: plain only */
	m.exit &= ~MAY1(9);                 /* host address-space size: TRUE only */
	m.true_entry &= ~MAY1(9);           /* IA-32e mode guest: plain only */

	c = decode(&m);
	assert_true(c.true_ctls);
	assert_false(c.posted_interrupts);
	assert_false(c.msr_bitmaps);
	assert_true(c.exit_host_64);
	assert_false(c.entry_ia32e);
	/* must1 comes from the TRUE MSRs: CR3 exiting (15, 16) may be 0. */
	assert_int_equal(c.proc_ctls.must1, 0x04006172);
	assert_int_equal(c.exit_ctls.must1, 0x00036dfb);
	assert_int_equal(c.entry_ctls.must1, 0x000011fb);
	assert_int_equal(c.pin_ctls.may1, 0x7f);

	m.basic &= ~BIT(55);
	c = decode(&m);
	assert_false(c.true_ctls);
	assert_true(c.posted_interrupts);
	assert_true(c.msr_bitmaps);
	assert_false(c.exit_host_64);
	assert_true(c.entry_ia32e);
	assert_int_equal(c.proc_ctls.must1, 0x0401e172);
	assert_int_equal(c.exit_ctls.must1, 0x00036dff);
	assert_int_equal(c.entry_ctls.must1, 0x000011ff);
	assert_int_equal(c.pin_ctls.may1, 0xff);

	/* Without basic[55], whatever the TRUE_* fields hold is ignored. */
	m = bochs_skylake_x;
	m.basic &= ~BIT(55);
	m.true_pinbased = m.true_procbased = m.true_exit = m.true_entry = 0;
	c = decode(&m);
	assert_true(c.preemption_timer);
	assert_true(c.secondary_ctls);
	assert_true(c.exit_load_efer);
	assert_true(c.entry_load_pat);
	assert_int_equal(c.proc_ctls.may1, 0xf7f9fffe);
}

/* procbased2, ept_vpid and vmfunc count only when their controls can be 1. */
static void test_decode_gated_msrs(void **state)
{
	(void)state;
	struct vmx_msrs m = bochs_skylake_x;
	struct vmx_caps c;

	/* No secondary controls: procbased2 and everything below it ignored. */
	m.procbased &= ~MAY1(31);
	m.true_procbased &= ~MAY1(31);
	c = decode(&m);
	assert_false(c.secondary_ctls);
	assert_int_equal(c.proc2_ctls.must1, 0);
	assert_int_equal(c.proc2_ctls.may1, 0);
	assert_false(c.ept);
	assert_false(c.ept_walk4);
	assert_false(c.invept);
	assert_false(c.vpid);
	assert_false(c.invvpid);
	assert_false(c.unrestricted_guest);
	assert_false(c.vmcs_shadowing);
	assert_false(c.pml);
	assert_false(c.vmfunc);
	assert_false(c.vmfunc_eptp_switching);
	/* Primary controls are unaffected. */
	assert_true(c.msr_bitmaps);
	assert_true(c.io_bitmaps);

	/* VPID but no EPT: the EPT half of EPT_VPID_CAP is ignored. */
	m = bochs_skylake_x;
	m.procbased2 &= ~MAY1(1);
	c = decode(&m);
	assert_false(c.ept);
	assert_false(c.ept_walk4);
	assert_false(c.ept_wb);
	assert_false(c.ept_uc);
	assert_false(c.ept_2m);
	assert_false(c.ept_1g);
	assert_false(c.ept_ad);
	assert_false(c.invept);
	assert_false(c.invept_single);
	assert_false(c.invept_all);
	assert_true(c.vpid);
	assert_true(c.invvpid);
	assert_true(c.invvpid_single);

	/* EPT but no VPID: the INVVPID half is ignored. */
	m = bochs_skylake_x;
	m.procbased2 &= ~MAY1(5);
	c = decode(&m);
	assert_true(c.ept);
	assert_true(c.invept_all);
	assert_false(c.vpid);
	assert_false(c.invvpid);
	assert_false(c.invvpid_addr);
	assert_false(c.invvpid_single);
	assert_false(c.invvpid_all);
	assert_false(c.invvpid_single_globals);

	/* No VM functions control: IA32_VMX_VMFUNC is ignored. */
	m = bochs_skylake_x;
	m.procbased2 &= ~MAY1(13);
	c = decode(&m);
	assert_false(c.vmfunc);
	assert_false(c.vmfunc_eptp_switching);

	/* INVEPT types count only with INVEPT itself (bit 20). */
	m = bochs_skylake_x;
	m.ept_vpid &= ~BIT(20);
	c = decode(&m);
	assert_false(c.invept);
	assert_false(c.invept_single);
	assert_false(c.invept_all);
}

/* --- IA32_FEATURE_CONTROL ------------------------------------------------ */

static void test_fc_judge_all_combinations(void **state)
{
	(void)state;
	/* Extra bits (SENTER, SGX, LMCE, reserved) must not change the verdict. */
	static const uint64_t extra[] = { 0, 0xff00, BIT(17) | BIT(18) | BIT(20),
					  0xffffffff00000000ull };

	for (size_t e = 0; e < ARRAY_SIZE(extra); e++) {
		for (uint64_t low = 0; low < 8; low++) {
			uint64_t fc = low | extra[e];
			enum fc_verdict want;

			if (!(low & FC_LOCK))
				want = FC_MUST_ENABLE;
			else if (low & FC_VMX_OUTSIDE_SMX)
				want = FC_OK;
			else
				want = FC_LOCKED_OFF; /* even with VMX inside SMX */
			assert_int_equal(fc_judge(fc), want);
		}
	}
	assert_int_equal(fc_judge(bochs_skylake_x.feature_control), FC_OK);
	assert_int_equal(fc_judge(0), FC_MUST_ENABLE);
	assert_int_equal(fc_judge(FC_LOCK | FC_VMX_IN_SMX), FC_LOCKED_OFF);
}

static void test_fc_enable_value(void **state)
{
	(void)state;
	static const uint64_t extra[] = { 0, 0x7f00, BIT(15), BIT(17) | BIT(18) | BIT(20),
					  0xffffffff00000000ull };
	const uint64_t senter = 0x7full << 8 | BIT(15);

	for (size_t e = 0; e < ARRAY_SIZE(extra); e++) {
		for (uint64_t low = 0; low < 8; low++) {
			uint64_t fc = low | extra[e], v = fc_enable_value(fc);

			assert_true(v & FC_LOCK);
			assert_true(v & FC_VMX_OUTSIDE_SMX);
			/* VMX inside SMX and all other bits as found. */
			assert_int_equal(v & FC_VMX_IN_SMX, fc & FC_VMX_IN_SMX);
			assert_int_equal(v & ~(FC_LOCK | FC_VMX_OUTSIDE_SMX),
					 fc & ~(FC_LOCK | FC_VMX_OUTSIDE_SMX));
			/* SENTER enables are never added. */
			assert_int_equal(v & senter, fc & senter);
			assert_int_equal(fc_judge(v), FC_OK);
		}
	}
	assert_int_equal(fc_enable_value(0), FC_LOCK | FC_VMX_OUTSIDE_SMX);
	assert_int_equal(fc_enable_value(FC_VMX_IN_SMX), 0x7);
}

/* --- requirements ------------------------------------------------------- */

static void test_missing_none_on_bochs(void **state)
{
	(void)state;
	const struct vmx_msrs *models[] = { &bochs_skylake_x, &bochs_tigerlake };
	const char *out[MAX_OUT];

	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		struct vmx_caps c = decode(models[i]);

		assert_int_equal(missing_of(models[i], out), 0);
		/* Unlocked (OVMF may leave it so): the loader enables it. */
		assert_int_equal(vmx_caps_missing(&c, FC_MUST_ENABLE, out, MAX_OUT), 0);
		assert_int_equal(vmx_caps_missing(&c, FC_OK, NULL, 0), 0);
	}
}

static void test_missing_no_vmx(void **state)
{
	(void)state;
	const char *out[MAX_OUT] = { 0 };
	struct vmx_caps c = decode(&qemu_tcg_no_vmx);

	assert_int_equal(missing_of(&qemu_tcg_no_vmx, out), 1);
	assert_string_equal(out[0], S_VMX);
	assert_null(out[1]);
	/* Only that sentence, whatever else is wrong. */
	assert_int_equal(vmx_caps_missing(&c, FC_LOCKED_OFF, out, MAX_OUT), 1);
	assert_string_equal(out[0], S_VMX);
	assert_int_equal(vmx_caps_missing(&c, FC_MUST_ENABLE, out, MAX_OUT), 1);
	assert_string_equal(out[0], S_VMX);
}

static void clear_ctl(uint64_t *plain, uint64_t *true_msr, int bit)
{
	*plain &= ~MAY1(bit);
	*true_msr &= ~MAY1(bit);
}

static void no_vmx(struct vmx_msrs *m) { m->cpuid1_ecx &= ~(uint32_t)BIT(5); }
static void fc_locked_off(struct vmx_msrs *m) { m->feature_control = FC_LOCK | FC_VMX_IN_SMX; }
static void addr32(struct vmx_msrs *m) { m->basic |= BIT(48); }
static void vmcs_uc(struct vmx_msrs *m) { m->basic &= ~(0xfull << 50); }
static void no_secondary(struct vmx_msrs *m) { clear_ctl(&m->procbased, &m->true_procbased, 31); }
static void no_msr_bitmaps(struct vmx_msrs *m) { clear_ctl(&m->procbased, &m->true_procbased, 28); }
static void no_io_bitmaps(struct vmx_msrs *m) { clear_ctl(&m->procbased, &m->true_procbased, 25); }
static void no_ept(struct vmx_msrs *m) { m->procbased2 &= ~MAY1(1); }
static void no_walk4(struct vmx_msrs *m) { m->ept_vpid &= ~BIT(6); }
static void no_ept_wb(struct vmx_msrs *m) { m->ept_vpid &= ~BIT(14); }
static void no_invept(struct vmx_msrs *m) { m->ept_vpid &= ~BIT(20); }
static void no_invept_types(struct vmx_msrs *m) { m->ept_vpid &= ~(BIT(25) | BIT(26)); }
static void no_vpid(struct vmx_msrs *m) { m->procbased2 &= ~MAY1(5); }
static void no_invvpid(struct vmx_msrs *m) { m->ept_vpid &= ~BIT(32); }
static void no_ug(struct vmx_msrs *m) { m->procbased2 &= ~MAY1(7); }
static void no_host64(struct vmx_msrs *m) { clear_ctl(&m->exit, &m->true_exit, 9); }
static void no_entry_efer(struct vmx_msrs *m) { clear_ctl(&m->entry, &m->true_entry, 15); }
static void no_exit_save_efer(struct vmx_msrs *m) { clear_ctl(&m->exit, &m->true_exit, 20); }
static void no_exit_load_efer(struct vmx_msrs *m) { clear_ctl(&m->exit, &m->true_exit, 21); }
static void no_entry_pat(struct vmx_msrs *m) { clear_ctl(&m->entry, &m->true_entry, 14); }
static void no_exit_save_pat(struct vmx_msrs *m) { clear_ctl(&m->exit, &m->true_exit, 18); }
static void no_exit_load_pat(struct vmx_msrs *m) { clear_ctl(&m->exit, &m->true_exit, 19); }
static void no_ia32e(struct vmx_msrs *m) { clear_ctl(&m->entry, &m->true_entry, 9); }
static void no_wait_sipi(struct vmx_msrs *m) { m->misc &= ~BIT(8); }

struct flip {
	const char *name;
	void (*apply)(struct vmx_msrs *m);
	const char *sentence;
};

static const struct flip flips[] = {
	{ "VMX", no_vmx, S_VMX },
	{ "feature control locked off", fc_locked_off, S_FC },
	{ "32-bit VMXON/VMCS addresses", addr32, S_ADDR32 },
	{ "VMCS memory type UC", vmcs_uc, S_VMCS_WB },
	{ "secondary controls", no_secondary, S_SECONDARY },
	{ "MSR bitmaps", no_msr_bitmaps, S_MSR_BITMAPS },
	{ "I/O bitmaps", no_io_bitmaps, S_IO_BITMAPS },
	{ "EPT", no_ept, S_EPT },
	{ "EPT 4-level walk", no_walk4, S_EPT_WALK4 },
	{ "EPT WB", no_ept_wb, S_EPT_WB },
	{ "INVEPT", no_invept, S_INVEPT },
	{ "INVEPT single/all", no_invept_types, S_INVEPT },
	{ "VPID", no_vpid, S_VPID },
	{ "INVVPID", no_invvpid, S_INVVPID },
	{ "unrestricted guest", no_ug, S_UG },
	{ "host address-space size", no_host64, S_HOST64 },
	{ "entry load EFER", no_entry_efer, S_EFER },
	{ "exit save EFER", no_exit_save_efer, S_EFER },
	{ "exit load EFER", no_exit_load_efer, S_EFER },
	{ "entry load PAT", no_entry_pat, S_PAT },
	{ "exit save PAT", no_exit_save_pat, S_PAT },
	{ "exit load PAT", no_exit_load_pat, S_PAT },
	{ "IA-32e mode guest", no_ia32e, S_IA32E },
	{ "wait-for-SIPI", no_wait_sipi, S_WAIT_SIPI },
};

/* Each requirement taken away from skylake_x yields exactly its sentence. */
static void test_missing_each_requirement(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(flips); i++) {
		struct vmx_msrs m = bochs_skylake_x;
		const char *out[MAX_OUT] = { 0 };
		size_t n;

		flips[i].apply(&m);
		n = missing_of(&m, out);
		if (n != 1 || strcmp(out[0], flips[i].sentence) != 0) {
			print_error("flip \"%s\": %zu sentences, first \"%s\"\n",
				    flips[i].name, n, n ? out[0] : "(none)");
			fail();
		}
	}
}

/* Two flips together give both sentences, in the fixed order. */
static void test_missing_accumulates(void **state)
{
	(void)state;
	struct vmx_msrs m = bochs_skylake_x;
	const char *out[MAX_OUT] = { 0 };

	fc_locked_off(&m);
	addr32(&m);
	no_walk4(&m);
	no_ept_wb(&m);
	no_invept(&m);
	no_entry_pat(&m);
	no_wait_sipi(&m);
	assert_int_equal(missing_of(&m, out), 7);
	assert_string_equal(out[0], S_FC);
	assert_string_equal(out[1], S_ADDR32);
	assert_string_equal(out[2], S_EPT_WALK4);
	assert_string_equal(out[3], S_EPT_WB);
	assert_string_equal(out[4], S_INVEPT);
	assert_string_equal(out[5], S_PAT);
	assert_string_equal(out[6], S_WAIT_SIPI);

	/* Missing EPT hides its walk/WB/INVEPT details; VPID hides INVVPID. */
	m = bochs_skylake_x;
	no_ept(&m);
	no_walk4(&m);
	no_vpid(&m);
	no_invvpid(&m);
	assert_int_equal(missing_of(&m, out), 2);
	assert_string_equal(out[0], S_EPT);
	assert_string_equal(out[1], S_VPID);
}

/* Capabilities we do not need must not be required. */
static void test_missing_not_over_strict(void **state)
{
	(void)state;
	static const uint64_t ept_bits_not_needed[] = {
		BIT(0), BIT(7), BIT(8), BIT(16), BIT(17), BIT(21), BIT(25), BIT(26),
		BIT(40) | BIT(41) | BIT(42) | BIT(43),
	};
	const char *out[MAX_OUT];

	for (size_t i = 0; i < ARRAY_SIZE(ept_bits_not_needed); i++) {
		struct vmx_msrs m = bochs_skylake_x;

		m.ept_vpid &= ~ept_bits_not_needed[i];
		assert_int_equal(missing_of(&m, out), 0);
	}

	struct vmx_msrs m = bochs_skylake_x;

	/* Neither shadowing, PML, preemption timer, VM functions nor HLT. */
	m.procbased2 &= ~(MAY1(13) | MAY1(14) | MAY1(17));
	clear_ctl(&m.pinbased, &m.true_pinbased, 6);
	m.misc &= ~(BIT(6) | BIT(7));
	m.basic &= ~BIT(55); /* nor true controls */
	assert_int_equal(missing_of(&m, out), 0);
}

/* The return value counts all; only max are stored. */
static void test_missing_respects_max(void **state)
{
	(void)state;
	struct vmx_msrs m = bochs_skylake_x;
	struct vmx_caps c;
	const char *out[4] = { "sentinel", "sentinel", "sentinel", "sentinel" };

	addr32(&m);
	vmcs_uc(&m);
	no_ia32e(&m);
	c = decode(&m);
	assert_int_equal(vmx_caps_missing(&c, FC_LOCKED_OFF, out, 2), 4);
	assert_string_equal(out[0], S_FC);
	assert_string_equal(out[1], S_ADDR32);
	assert_string_equal(out[2], "sentinel");
	assert_int_equal(vmx_caps_missing(&c, FC_OK, NULL, 0), 3);
	c = decode(&qemu_tcg_no_vmx);
	assert_int_equal(vmx_caps_missing(&c, FC_OK, NULL, 0), 1);
}

/* --- the table ---------------------------------------------------------- */

#define MAX_LINES 32
#define MAX_LINE 160
#define VALUE_COL 22 /* "  " + 20-character label column */

/* Fixed storage: a failed assertion longjmps out, and must not leak. */
struct lines {
	char line[MAX_LINES][MAX_LINE];
	size_t n;
};

static void collect(const char *line, void *ctx)
{
	struct lines *l = ctx;

	assert_non_null(line);
	assert_true(l->n < MAX_LINES);
	assert_true(strlen(line) < MAX_LINE);
	strcpy(l->line[l->n++], line);
}

static void table_into(struct lines *l, const struct vmx_caps *c)
{
	l->n = 0;
	vmx_caps_table(c, collect, l);
}

/* The value of the line labelled label, or NULL; fails if there are two. */
static const char *value_of(const struct lines *l, const char *label)
{
	const char *found = NULL;
	size_t len = strlen(label);

	for (size_t i = 0; i < l->n; i++) {
		const char *s = l->line[i];

		if (strncmp(s + 2, label, len) == 0 && s[2 + len] == ' ' &&
		    strspn(s + 2 + len, " ") == VALUE_COL - 2 - len) {
			assert_null(found);
			found = s + VALUE_COL;
		}
	}
	return found;
}

static void assert_table(const struct vmx_caps *c, const char *const *want, size_t n)
{
	static struct lines l;

	table_into(&l, c);
	for (size_t i = 0; i < n && i < l.n; i++)
		assert_string_equal(l.line[i], want[i]);
	assert_int_equal(l.n, n);
}

static void test_table_skylake_x(void **state)
{
	(void)state;
	static const char *const want[] = {
		"  VMX                 yes",
		"  VMCS                revision 0x2b, 4096 bytes, WB",
		"  true controls       yes",
		"  EPT                 yes (4-level walk, WB+UC, 2M+1G pages, A/D, INVEPT single+all)",
		"  VPID                yes (INVVPID address+single+all+single-keep-globals)",
		"  unrestricted guest  yes",
		"  monitor trap flag   no",
		"  VMCS shadowing      yes",
		"  preemption timer    yes (ticks every 2^0 TSC cycles)",
		"  PML                 yes",
		"  posted interrupts   no",
		"  notify VM exit      no",
		"  VM functions        yes (EPTP switching)",
		"  activity states     HLT, shutdown, wait-for-SIPI",
		"  MSR-list entries    max 512",
		"  VMCS max index      0x1a",
	};
	struct vmx_caps c = decode(&bochs_skylake_x);

	assert_table(&c, want, ARRAY_SIZE(want));
}

static void test_table_tigerlake(void **state)
{
	(void)state;
	struct vmx_caps c = decode(&bochs_tigerlake);
	static struct lines l;

	table_into(&l, &c);
	assert_string_equal(value_of(&l, "VMCS"), "revision 0x4, 4096 bytes, WB");
	assert_string_equal(value_of(&l, "monitor trap flag"), "yes");
	assert_string_equal(value_of(&l, "EPT"),
			    "yes (4-level walk, WB+UC, 2M+1G pages, A/D, INVEPT single+all)");
}

static void test_table_no_vmx(void **state)
{
	(void)state;
	static const char *const want[] = { "  VMX                 no" };
	struct vmx_caps c = decode(&qemu_tcg_no_vmx);

	assert_table(&c, want, ARRAY_SIZE(want));
}

/* Every line: no newline, a label in the fixed column, a value after it. */
static void test_table_layout(void **state)
{
	(void)state;
	static const char *const labels[] = {
		"VMX", "VMCS", "true controls", "EPT", "VPID", "unrestricted guest",
		"monitor trap flag", "VMCS shadowing", "preemption timer", "PML",
		"posted interrupts", "notify VM exit", "VM functions",
		"activity states", "MSR-list entries", "VMCS max index",
	};
	const struct vmx_msrs *models[] = { &bochs_skylake_x, &bochs_tigerlake };

	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		struct vmx_caps c = decode(models[i]);
		static struct lines l;

		table_into(&l, &c);
		assert_int_equal(l.n, ARRAY_SIZE(labels));
		for (size_t j = 0; j < l.n; j++) {
			const char *s = l.line[j];

			assert_null(strchr(s, '\n'));
			assert_memory_equal(s, "  ", 2);
			assert_true(s[2] != ' ');
			assert_true(s[VALUE_COL - 1] == ' ');
			assert_true(s[VALUE_COL] != ' ' && s[VALUE_COL] != '\0');
			/* In this order, each label exactly once. */
			assert_ptr_equal(value_of(&l, labels[j]), s + VALUE_COL);
		}
	}
}

struct yn_line {
	const char *label;
	size_t offset; /* of the bool in struct vmx_caps */
};

#define YN(label, field) { label, offsetof(struct vmx_caps, field) }

static const struct yn_line yn_lines[] = {
	YN("true controls", true_ctls),
	YN("EPT", ept),
	YN("VPID", vpid),
	YN("unrestricted guest", unrestricted_guest),
	YN("monitor trap flag", mtf),
	YN("VMCS shadowing", vmcs_shadowing),
	YN("preemption timer", preemption_timer),
	YN("PML", pml),
	YN("posted interrupts", posted_interrupts),
	YN("notify VM exit", notify_exit),
	YN("VM functions", vmfunc),
};

static void assert_yes_no(const struct vmx_caps *c)
{
	static struct lines l;

	table_into(&l, c);
	for (size_t i = 0; i < ARRAY_SIZE(yn_lines); i++) {
		bool v = *(const bool *)((const char *)c + yn_lines[i].offset);
		const char *value = value_of(&l, yn_lines[i].label);

		assert_non_null(value);
		if (v)
			assert_memory_equal(value, "yes", 3);
		else
			assert_string_equal(value, "no");
	}
}

/* yes/no of each line follows the decoded flag, for the models and flipped. */
static void test_table_yes_no_matches_decode(void **state)
{
	(void)state;
	const struct vmx_msrs *models[] = { &bochs_skylake_x, &bochs_tigerlake };

	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		struct vmx_caps c = decode(models[i]);

		assert_yes_no(&c);
		for (size_t j = 0; j < ARRAY_SIZE(yn_lines); j++) {
			struct vmx_caps f = c;
			bool *b = (bool *)((char *)&f + yn_lines[j].offset);

			*b = !*b;
			assert_yes_no(&f);
		}
	}
}

static void test_table_details(void **state)
{
	(void)state;
	struct vmx_caps c = decode(&bochs_skylake_x);
	static struct lines l;

	c.ept_walk5 = true;
	c.ept_uc = false;
	c.ept_1g = false;
	c.ept_ad = false;
	c.invept_single = false;
	c.invvpid_addr = c.invvpid_single_globals = false;
	c.preemption_rate = 5;
	c.unrestricted_actstate_hlt = c.actstate_shutdown = c.actstate_wait_sipi = false;
	c.vmfunc_eptp_switching = false;
	c.phys_addr_32 = true;
	c.vmcs_wb = false;
	c.max_msr_list = 4096;
	table_into(&l, &c);
	assert_string_equal(value_of(&l, "EPT"),
			    "yes (4+5-level walk, WB, 2M pages, no A/D, INVEPT all)");
	assert_string_equal(value_of(&l, "VPID"), "yes (INVVPID single+all)");
	assert_string_equal(value_of(&l, "preemption timer"), "yes (ticks every 2^5 TSC cycles)");
	assert_string_equal(value_of(&l, "activity states"), "active only");
	assert_string_equal(value_of(&l, "VM functions"), "yes");
	assert_string_equal(value_of(&l, "VMCS"),
			    "revision 0x2b, 4096 bytes, not WB, 32-bit addresses");
	assert_string_equal(value_of(&l, "MSR-list entries"), "max 4096");

	c.invept = false;
	c.invvpid = false;
	c.ept_walk4 = false;
	c.ept_wb = false;
	c.ept_2m = false;
	table_into(&l, &c);
	assert_string_equal(value_of(&l, "EPT"),
			    "yes (5-level walk, no WB/UC, 4K pages only, no A/D, no INVEPT)");
	assert_string_equal(value_of(&l, "VPID"), "yes (no INVVPID)");

	c.ept_walk5 = false;
	c.ept_1g = true;
	c.ept_ad = true;
	c.ept_uc = true;
	c.invept = true;
	c.invept_single = c.invept_all = false;
	table_into(&l, &c);
	assert_string_equal(value_of(&l, "EPT"),
			    "yes (no usable walk, UC, 1G pages, A/D, INVEPT without types)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_skylake_x),
		cmocka_unit_test(test_decode_tigerlake),
		cmocka_unit_test(test_decode_no_vmx),
		cmocka_unit_test(test_decode_matches_bochs_observations),
		cmocka_unit_test(test_decode_field_extraction),
		cmocka_unit_test(test_decode_true_vs_plain_controls),
		cmocka_unit_test(test_decode_gated_msrs),
		cmocka_unit_test(test_fc_judge_all_combinations),
		cmocka_unit_test(test_fc_enable_value),
		cmocka_unit_test(test_missing_none_on_bochs),
		cmocka_unit_test(test_missing_no_vmx),
		cmocka_unit_test(test_missing_each_requirement),
		cmocka_unit_test(test_missing_accumulates),
		cmocka_unit_test(test_missing_not_over_strict),
		cmocka_unit_test(test_missing_respects_max),
		cmocka_unit_test(test_table_skylake_x),
		cmocka_unit_test(test_table_tigerlake),
		cmocka_unit_test(test_table_no_vmx),
		cmocka_unit_test(test_table_layout),
		cmocka_unit_test(test_table_yes_no_matches_decode),
		cmocka_unit_test(test_table_details),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
