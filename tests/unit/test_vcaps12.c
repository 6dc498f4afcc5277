/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/vcaps12.c: the VMX capability MSRs L1 reads, from the raw MSRs of
 * Bochs 2.7 CPU models, of a CPU that offers every control, and of CPUs
 * without secondary or TRUE controls. Expected masks are the task's lists,
 * typed in here independently of the module.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nested/vcaps12.h"
#include "nested/vmcs12.h"
#include "vmx/msr.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1u << (n))
#define BIT64(n) (1ull << (n))

/* Raw values recorded from Bochs 2.7. */
#include "tests/unit/bochs_msrs.h"


/* Default1 classes, SDM Vol. 3D A.2 */
#define PIN_DEFAULT1 (BIT(1) | BIT(2) | BIT(4))
#define PROC_DEFAULT1 (BIT(1) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | BIT(13) | \
		       BIT(14) | BIT(15) | BIT(16) | BIT(26))
#define EXIT_DEFAULT1 (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) |  \
		       BIT(6) | BIT(7) | BIT(8) | BIT(10) | BIT(11) | BIT(13) | \
		       BIT(14) | BIT(16) | BIT(17))
#define ENTRY_DEFAULT1 (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | \
			BIT(6) | BIT(7) | BIT(8) | BIT(12))

/* What the task says L0 emulates. */
#define PIN_EXPECT (PIN_DEFAULT1 | BIT(0) | BIT(3) | BIT(5) | BIT(6))
#define PROC_EXPECT (PROC_DEFAULT1 | BIT(2) | BIT(3) | BIT(7) | BIT(9) |      \
		     BIT(10) | BIT(11) | BIT(12) | BIT(15) | BIT(16) | BIT(19) | \
		     BIT(20) | BIT(22) | BIT(23) | BIT(24) | BIT(25) | BIT(27) | \
		     BIT(28) | BIT(29) | BIT(30) | BIT(31))
/* XSAVES (20) is withheld: its XSS-exiting bitmap field is not emulated. */
#define PROC2_EXPECT (BIT(1) | BIT(2) | BIT(3) | BIT(5) | BIT(6) | BIT(7) |   \
		      BIT(11) | BIT(12) | BIT(14) | BIT(16))
#define EXIT_EXPECT (EXIT_DEFAULT1 | BIT(2) | BIT(9) | BIT(15) | BIT(18) |     \
		     BIT(19) | BIT(20) | BIT(21) | BIT(22))
#define ENTRY_EXPECT (ENTRY_DEFAULT1 | BIT(2) | BIT(9) | BIT(14) | BIT(15))
#define EPT_VPID_EXPECT (BIT64(0) | BIT64(6) | BIT64(8) | BIT64(14) |         \
			 BIT64(16) | BIT64(17) | BIT64(20) | BIT64(25) |         \
			 BIT64(26) | BIT64(32) | BIT64(40) | BIT64(41) |         \
			 BIT64(42) | BIT64(43))

/* A CPU that allows every control, with every optional bit set elsewhere. */
static const struct vmx_msrs everything = {
	.has_vmx_msrs = true,
	.basic = 0xffffffff00000000ull | 0x12,
	.pinbased = 0xffffffff00000000ull | PIN_DEFAULT1,
	.procbased = 0xffffffff00000000ull | PROC_DEFAULT1,
	.exit = 0xffffffff00000000ull | EXIT_DEFAULT1,
	.entry = 0xffffffff00000000ull | ENTRY_DEFAULT1,
	.misc = ~0ull,
	.cr0_fixed0 = 0x80000021,
	.cr0_fixed1 = 0xffffffff,
	.cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0xffffffff,
	.vmcs_enum = 0x3fe,
	.procbased2 = 0xffffffff00000000ull,
	.ept_vpid = ~0ull,
	.true_pinbased = 0xffffffff00000000ull,
	.true_procbased = 0xffffffff00000000ull,
	.true_exit = 0xffffffff00000000ull,
	.true_entry = 0xffffffff00000000ull,
	.vmfunc = ~0ull,
	.procbased3 = ~0ull,
};

static const struct vmx_msrs *const models[] = {
	&bochs_skylake_x, &bochs_tigerlake, &everything,
};

static uint32_t must1(uint64_t msr)
{
	return (uint32_t)msr;
}

static uint32_t may1(uint64_t msr)
{
	return (uint32_t)(msr >> 32);
}

static struct vmx_msrs compute(const struct vmx_msrs *hw)
{
	struct vmx_msrs v;

	memset(&v, 0xee, sizeof(v));
	vcaps12_compute(hw, &v);
	return v;
}

static uint64_t read_msr(const struct vmx_msrs *virt, uint32_t msr)
{
	uint64_t value = 0;

	if (!vcaps12_msr(virt, msr, &value))
		fail_msg("MSR %#x refused", msr);
	return value;
}

static bool msr_refused(const struct vmx_msrs *virt, uint32_t msr)
{
	uint64_t value = 0x77;
	bool ok = vcaps12_msr(virt, msr, &value);

	if (!ok)
		assert_int_equal(value, 0x77);
	return !ok;
}

static const uint32_t control_msrs[] = {
	MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_PROCBASED_CTLS,
	MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_ENTRY_CTLS,
	MSR_IA32_VMX_PROCBASED_CTLS2, MSR_IA32_VMX_TRUE_PINBASED_CTLS,
	MSR_IA32_VMX_TRUE_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS,
	MSR_IA32_VMX_TRUE_ENTRY_CTLS,
};

/* The raw value of the control MSR msr in a struct vmx_msrs. */
static uint64_t ctl_of(const struct vmx_msrs *m, uint32_t msr)
{
	switch (msr) {
	case MSR_IA32_VMX_PINBASED_CTLS: return m->pinbased;
	case MSR_IA32_VMX_PROCBASED_CTLS: return m->procbased;
	case MSR_IA32_VMX_EXIT_CTLS: return m->exit;
	case MSR_IA32_VMX_ENTRY_CTLS: return m->entry;
	case MSR_IA32_VMX_PROCBASED_CTLS2: return m->procbased2;
	case MSR_IA32_VMX_TRUE_PINBASED_CTLS: return m->true_pinbased;
	case MSR_IA32_VMX_TRUE_PROCBASED_CTLS: return m->true_procbased;
	case MSR_IA32_VMX_TRUE_EXIT_CTLS: return m->true_exit;
	case MSR_IA32_VMX_TRUE_ENTRY_CTLS: return m->true_entry;
	default: fail_msg("not a control MSR: %#x", msr);
	}
	return 0;
}

static void basic(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		const struct vmx_msrs *hw = models[i];
		struct vmx_msrs v = compute(hw);
		uint64_t b = read_msr(&v, MSR_IA32_VMX_BASIC);

		assert_int_equal(b & 0xffffffffull, VMCS12_REVISION);
		assert_int_not_equal(b & 0x7fffffffull, hw->basic & 0x7fffffffull);
		assert_int_equal(b & BIT64(31), 0);
		assert_int_equal((b >> 32) & 0x1fff, 4096);
		assert_int_equal(b & BIT64(48), 0);         /* no 32-bit address limit */
		assert_int_equal(b & BIT64(49), 0);         /* no dual-monitor SMM */
		assert_int_equal((b >> 50) & 0xf, 6);       /* write-back */
		assert_int_equal(b & BIT64(54), hw->basic & BIT64(54));
		assert_int_not_equal(b & BIT64(55), 0);     /* TRUE controls */
		assert_int_equal(b & BIT64(56), 0);         /* error-code check kept */
		assert_int_equal(b >> 57, 0);
		assert_int_equal(b, v.basic);
	}
	/* tigerlake relaxes the error-code check; L1 still must not see it */
	assert_int_not_equal(bochs_tigerlake.basic & BIT64(56), 0);
}

/* On a CPU that allows everything, L1 gets exactly the emulated masks. */
static void emulated_masks(void **state)
{
	struct vmx_msrs v = compute(&everything);

	(void)state;
	assert_int_equal(may1(v.pinbased), PIN_EXPECT);
	assert_int_equal(may1(v.procbased), PROC_EXPECT);
	assert_int_equal(may1(v.exit), EXIT_EXPECT);
	assert_int_equal(may1(v.entry), ENTRY_EXPECT);
	assert_int_equal(may1(v.true_pinbased), PIN_EXPECT);
	assert_int_equal(may1(v.true_procbased), PROC_EXPECT);
	assert_int_equal(may1(v.true_exit), EXIT_EXPECT);
	assert_int_equal(may1(v.true_entry), ENTRY_EXPECT);
	assert_int_equal(may1(v.procbased2), PROC2_EXPECT);
	assert_int_equal(must1(v.pinbased), PIN_DEFAULT1);
	assert_int_equal(must1(v.procbased), PROC_DEFAULT1);
	assert_int_equal(must1(v.exit), EXIT_DEFAULT1);
	assert_int_equal(must1(v.entry), ENTRY_DEFAULT1);
	assert_int_equal(must1(v.true_pinbased), 0);
	assert_int_equal(must1(v.true_procbased), 0);
	assert_int_equal(must1(v.true_exit), 0);
	assert_int_equal(must1(v.true_entry), 0);
	assert_int_equal(must1(v.procbased2), 0);
	assert_int_equal(v.ept_vpid, EPT_VPID_EXPECT);
	assert_int_equal(v.vmfunc, 0);
	assert_int_equal(v.procbased3, 0);
}

/* Features the Bochs CPUs have that L1 must not see, and ones it must. */
static void withheld_and_offered(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		const struct vmx_msrs *hw = models[i];
		struct vmx_msrs v = compute(hw);
		uint32_t proc2 = may1(read_msr(&v, MSR_IA32_VMX_PROCBASED_CTLS2));
		uint64_t ept = read_msr(&v, MSR_IA32_VMX_EPT_VPID_CAP);

		assert_int_equal(may1(v.pinbased) & BIT(7), 0);      /* posted interrupts */
		assert_int_equal(may1(v.true_pinbased) & BIT(7), 0);
		assert_int_not_equal(may1(hw->procbased) & BIT(21), 0);
		assert_int_equal(may1(v.procbased) & BIT(21), 0);    /* TPR shadow */
		assert_int_equal(may1(v.true_procbased) & BIT(21), 0);
		assert_int_equal(may1(v.procbased) & BIT(17), 0);    /* tertiary */
		assert_int_not_equal(may1(hw->procbased2) & BIT(17), 0);
		assert_int_equal(proc2 & BIT(17), 0);                /* PML */
		assert_int_not_equal(may1(hw->procbased2) & BIT(13), 0);
		assert_int_equal(proc2 & BIT(13), 0);                /* VM functions */
		assert_int_equal(proc2 & BIT(0), 0);                 /* APIC accesses */
		assert_int_equal(proc2 & BIT(9), 0);                 /* virtual-interrupt delivery */
		assert_int_equal(proc2 & BIT(31), 0);                /* notify */
		assert_int_not_equal(hw->ept_vpid & BIT64(21), 0);
		assert_int_equal(ept & BIT64(21), 0);                /* EPT A/D */
		assert_int_equal(ept & BIT64(22), 0);
		assert_int_equal(ept & BIT64(7), 0);                 /* 5-level walk */
		assert_true(msr_refused(&v, MSR_IA32_VMX_VMFUNC));
		assert_true(msr_refused(&v, MSR_IA32_VMX_PROCBASED_CTLS3));
		assert_int_equal(may1(v.exit) & BIT(12), 0);         /* PERF_GLOBAL_CTRL */
		assert_int_equal(may1(v.entry) & BIT(13), 0);
		assert_int_equal(may1(v.entry) & BIT(16), 0);        /* BNDCFGS */

		/* offered where the CPU has them */
		assert_int_not_equal(proc2 & BIT(1), 0);             /* EPT */
		assert_int_not_equal(proc2 & BIT(5), 0);             /* VPID */
		assert_int_not_equal(proc2 & BIT(7), 0);             /* unrestricted guest */
		assert_int_not_equal(proc2 & BIT(14), 0);            /* VMCS shadowing */
		assert_int_not_equal(may1(v.pinbased) & BIT(6), 0);  /* preemption timer */
		assert_int_not_equal(may1(v.exit) & BIT(22), 0);
		assert_int_equal(ept & EPT_VPID_EXPECT, hw->ept_vpid & EPT_VPID_EXPECT);
		/* MTF only where the CPU has it (tigerlake, not skylake_x) */
		assert_int_equal(may1(v.procbased) & BIT(27), may1(hw->procbased) & BIT(27));
	}
	assert_int_equal(may1(bochs_skylake_x.procbased) & BIT(27), 0);
	assert_int_not_equal(may1(bochs_tigerlake.procbased) & BIT(27), 0);
}

/* allowed-1 is an AND: nothing the CPU lacks appears. */
static void never_more_than_hardware(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		const struct vmx_msrs *hw = models[i];
		struct vmx_msrs v = compute(hw);

		for (size_t j = 0; j < ARRAY_SIZE(control_msrs); j++) {
			uint64_t h = ctl_of(hw, control_msrs[j]);
			uint64_t virt = read_msr(&v, control_msrs[j]);

			assert_int_equal(virt, ctl_of(&v, control_msrs[j]));
			assert_int_equal(may1(virt) & ~may1(h), 0);
			/* the CPU's must-be-1 bits stay must-be-1 */
			assert_int_equal(must1(h) & ~must1(virt), 0);
		}
		assert_int_equal(v.ept_vpid & ~hw->ept_vpid, 0);
	}
}

static void check_consistent(const struct vmx_msrs *v)
{
	for (size_t j = 0; j < ARRAY_SIZE(control_msrs); j++) {
		uint64_t value;

		if (!vcaps12_msr(v, control_msrs[j], &value))
			continue;
		if (must1(value) & ~may1(value))
			fail_msg("MSR %#x: must-be-1 %#x not allowed", control_msrs[j],
				 must1(value) & ~may1(value));
	}
}

/* A CPU that needs secondary controls for nothing: no CTLS2, EPT or VPID. */
static const struct vmx_msrs no_secondary = {
	.has_vmx_msrs = true,
	.basic = 0x00da040000000001ull, /* 1 KiB, WB, INS/OUTS info, TRUE ctls */
	.pinbased = 0x0000003f00000016ull,
	.procbased = 0x7ff9fffe0401e172ull, /* no bit 31 */
	.exit = 0x0003ffff00036dffull,
	.entry = 0x0000ffff000011ffull,
	.misc = 0x0000000000020065ull, /* rate 5, LMA, HLT, 2 CR3 targets */
	.cr0_fixed0 = 0x80000021,
	.cr0_fixed1 = 0xffffffff,
	.cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x3767ff,
	.vmcs_enum = 0x2c,
	.true_pinbased = 0x0000003f00000016ull,
	.true_procbased = 0x7ff9fffe04006172ull,
	.true_exit = 0x0003ffff00036dfbull,
	.true_entry = 0x0000ffff000011fbull,
};

/* A CPU without the TRUE MSRs: default1 bits stay forced in both views. */
static const struct vmx_msrs no_true_ctls = {
	.has_vmx_msrs = true,
	.basic = 0x0058100000000007ull, /* no bit 55 */
	.pinbased = 0x0000007f00000016ull,
	.procbased = 0xf7f9fffe0401e172ull,
	.exit = 0x007fffff00036dffull,
	.entry = 0x0000ffff000011ffull,
	.misc = 0x00000000000401e0ull,
	.cr0_fixed0 = 0x80000021,
	.cr0_fixed1 = 0xffffffff,
	.cr4_fixed0 = 0x2000,
	.cr4_fixed1 = 0x3727ff,
	.vmcs_enum = 0x2e,
	.procbased2 = 0x000000a200000000ull, /* EPT, VPID, unrestricted */
	.ept_vpid = 0x00000f0106334141ull,
};

static void allowed0_within_allowed1(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		struct vmx_msrs v = compute(models[i]);

		check_consistent(&v);
	}
	{
		struct vmx_msrs v = compute(&no_secondary);

		check_consistent(&v);
		v = compute(&no_true_ctls);
		check_consistent(&v);
	}
	/* a CPU forcing a control L0 does not offer (TPR shadow): still allowed */
	{
		struct vmx_msrs hw = bochs_skylake_x, v;

		hw.true_procbased |= BIT(21);
		hw.procbased |= BIT(21);
		v = compute(&hw);
		assert_int_not_equal(must1(v.true_procbased) & BIT(21), 0);
		check_consistent(&v);
	}
}

static void true_and_default1(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		const struct vmx_msrs *hw = models[i];
		struct vmx_msrs v = compute(hw);

		assert_int_equal(must1(v.pinbased) & PIN_DEFAULT1, PIN_DEFAULT1);
		assert_int_equal(must1(v.procbased) & PROC_DEFAULT1, PROC_DEFAULT1);
		assert_int_equal(must1(v.exit) & EXIT_DEFAULT1, EXIT_DEFAULT1);
		assert_int_equal(must1(v.entry) & ENTRY_DEFAULT1, ENTRY_DEFAULT1);
		/* the TRUE MSRs keep exactly the CPU's TRUE must-be-1 bits */
		assert_int_equal(must1(v.true_pinbased), must1(hw->true_pinbased));
		assert_int_equal(must1(v.true_procbased), must1(hw->true_procbased));
		assert_int_equal(must1(v.true_exit), must1(hw->true_exit));
		assert_int_equal(must1(v.true_entry), must1(hw->true_entry));
		/* allowed-1 settings agree between the two views (SDM A.3.1) */
		assert_int_equal(may1(v.true_pinbased), may1(v.pinbased));
		assert_int_equal(may1(v.true_procbased), may1(v.procbased));
		assert_int_equal(may1(v.true_exit), may1(v.exit));
		assert_int_equal(may1(v.true_entry), may1(v.entry));
	}
	/* Bochs: CR3-load/store exiting and save/load debug controls are
	 * default1 bits the TRUE MSRs let L1 clear */
	{
		struct vmx_msrs v = compute(&bochs_skylake_x);
		uint32_t cr3_exits = BIT(15) | BIT(16);

		assert_int_equal(must1(v.procbased) & cr3_exits, cr3_exits);
		assert_int_equal(must1(v.true_procbased) & cr3_exits, 0);
		assert_int_not_equal(must1(v.exit) & BIT(2), 0);
		assert_int_equal(must1(v.true_exit) & BIT(2), 0);
		assert_int_not_equal(must1(v.entry) & BIT(2), 0);
		assert_int_equal(must1(v.true_entry) & BIT(2), 0);
	}
	/* without TRUE MSRs on the CPU, L1 still gets them, default1 forced */
	{
		struct vmx_msrs v = compute(&no_true_ctls);

		assert_int_not_equal(read_msr(&v, MSR_IA32_VMX_BASIC) & BIT64(55), 0);
		assert_int_equal(must1(read_msr(&v, MSR_IA32_VMX_TRUE_PROCBASED_CTLS)),
				 must1(no_true_ctls.procbased));
		assert_int_equal(must1(read_msr(&v, MSR_IA32_VMX_TRUE_EXIT_CTLS)),
				 must1(no_true_ctls.exit));
		assert_int_equal(may1(read_msr(&v, MSR_IA32_VMX_TRUE_PINBASED_CTLS)),
				 may1(no_true_ctls.pinbased) & PIN_EXPECT);
		assert_int_equal(must1(read_msr(&v, MSR_IA32_VMX_TRUE_ENTRY_CTLS)),
				 must1(no_true_ctls.entry));
	}
}

static void misc(void **state)
{
	static const uint64_t raws[] = {
		0x00000000600401e0ull, /* Bochs */
		0x0000000000020065ull, /* rate 5, LMA, HLT, 2 CR3 targets */
		~0ull,                 /* everything, 511 CR3 targets, MSEG 0xffffffff */
		0x000000009e000000ull, /* only fields L1 must not get: 27:25, 28, 31 */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(raws); i++) {
		struct vmx_msrs hw = bochs_skylake_x, v;
		uint64_t m, hw_targets = (raws[i] >> 16) & 0x1ff;

		hw.misc = raws[i];
		v = compute(&hw);
		m = read_msr(&v, MSR_IA32_VMX_MISC);
		assert_int_equal(m & 0x1f, raws[i] & 0x1f);           /* timer rate */
		assert_int_equal(m & BIT64(5), raws[i] & BIT64(5));   /* EFER.LMA */
		assert_int_equal(m & BIT64(6), raws[i] & BIT64(6));   /* HLT */
		assert_int_equal(m & BIT64(7), raws[i] & BIT64(7));   /* shutdown */
		assert_int_equal(m & BIT64(8), 0);                    /* wait-for-SIPI */
		assert_int_equal((m >> 16) & 0x1ff, hw_targets < 4 ? hw_targets : 4);
		assert_int_equal((m >> 25) & 7, 0);                   /* 512 MSR entries */
		assert_int_equal(m & BIT64(28), 0);
		assert_int_equal(m & BIT64(29), raws[i] & BIT64(29)); /* VMWRITE any field */
		assert_int_equal(m & BIT64(30), raws[i] & BIT64(30)); /* zero-length inject */
		assert_int_equal(m & BIT64(31), 0);
		assert_int_equal(m >> 32, 0);                         /* MSEG revision */
		assert_int_equal(m & (0x7full << 9), 0);              /* 15:9 incl. PT, SMBASE */
	}
}

static const uint64_t all_encodings[] = {
#define VMCS_FIELD(name, encoding) encoding,
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

/* VMCS_ENUM, CR0/CR4 fixed bits. */
static void enum_and_fixed(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		const struct vmx_msrs *hw = models[i];
		struct vmx_msrs v = compute(hw);
		uint64_t e = read_msr(&v, MSR_IA32_VMX_VMCS_ENUM);

		assert_int_equal(e, (uint64_t)vmcs12_max_index() << 1);
		assert_int_equal(e & ~0x3feull, 0);
		/* no supported field lies above what L1 is told */
		for (size_t j = 0; j < ARRAY_SIZE(all_encodings); j++)
			if (vmcs12_supported(all_encodings[j]))
				assert_true(((all_encodings[j] >> 1) & 0x1ff) <= (e >> 1));
		assert_int_equal(read_msr(&v, MSR_IA32_VMX_CR0_FIXED0), hw->cr0_fixed0);
		assert_int_equal(read_msr(&v, MSR_IA32_VMX_CR0_FIXED1), hw->cr0_fixed1);
		assert_int_equal(read_msr(&v, MSR_IA32_VMX_CR4_FIXED0), hw->cr4_fixed0);
		assert_int_equal(read_msr(&v, MSR_IA32_VMX_CR4_FIXED1), hw->cr4_fixed1);
	}
}

static void without_secondary_controls(void **state)
{
	struct vmx_msrs v = compute(&no_secondary);

	(void)state;
	assert_int_equal(may1(read_msr(&v, MSR_IA32_VMX_PROCBASED_CTLS)) & BIT(31), 0);
	assert_true(msr_refused(&v, MSR_IA32_VMX_PROCBASED_CTLS2));
	assert_true(msr_refused(&v, MSR_IA32_VMX_EPT_VPID_CAP));
	assert_true(msr_refused(&v, MSR_IA32_VMX_VMFUNC));
	assert_int_equal(v.procbased2, 0);
	assert_int_equal(v.ept_vpid, 0);
	/* the rest is still there */
	assert_int_equal(read_msr(&v, MSR_IA32_VMX_BASIC) & 0xffffffffull, VMCS12_REVISION);
	assert_int_equal((read_msr(&v, MSR_IA32_VMX_BASIC) >> 32) & 0x1fff, 4096);
	assert_int_equal(must1(read_msr(&v, MSR_IA32_VMX_TRUE_PROCBASED_CTLS)),
			 must1(no_secondary.true_procbased));
	assert_int_equal(read_msr(&v, MSR_IA32_VMX_MISC) & 0x1f, 5);
}

static void ept_or_vpid_alone(void **state)
{
	struct vmx_msrs hw = bochs_skylake_x, v;
	uint64_t caps;

	(void)state;
	hw.procbased2 &= ~(BIT64(32 + 5));          /* EPT without VPID */
	v = compute(&hw);
	caps = read_msr(&v, MSR_IA32_VMX_EPT_VPID_CAP);
	assert_int_equal(caps >> 32, 0);
	assert_int_equal(caps, hw.ept_vpid & EPT_VPID_EXPECT & 0xffffffffull);

	hw = bochs_skylake_x;
	hw.procbased2 &= ~(BIT64(32 + 1));          /* VPID without EPT */
	v = compute(&hw);
	caps = read_msr(&v, MSR_IA32_VMX_EPT_VPID_CAP);
	assert_int_equal(caps & 0xffffffffull, 0);
	assert_int_equal(caps, hw.ept_vpid & EPT_VPID_EXPECT & ~0xffffffffull);

	hw.procbased2 &= ~(BIT64(32 + 5));          /* neither */
	v = compute(&hw);
	assert_true(msr_refused(&v, MSR_IA32_VMX_EPT_VPID_CAP));
	assert_int_equal(v.ept_vpid, 0);
	assert_false(msr_refused(&v, MSR_IA32_VMX_PROCBASED_CTLS2));
}

static void msr_range(void **state)
{
	struct vmx_msrs v = compute(&bochs_tigerlake);
	struct vmx_msrs none;
	const struct vmx_msrs no_vmx = { .cpuid1_ecx = 0x80002001 };

	(void)state;
	assert_true(msr_refused(&v, MSR_IA32_VMX_BASIC - 1));
	assert_true(msr_refused(&v, MSR_IA32_VMX_PROCBASED_CTLS3 + 1));
	assert_true(msr_refused(&v, 0x3a)); /* IA32_FEATURE_CONTROL is not ours */
	for (uint32_t msr = MSR_IA32_VMX_BASIC; msr <= MSR_IA32_VMX_TRUE_ENTRY_CTLS; msr++)
		assert_false(msr_refused(&v, msr));
	assert_int_equal(v.cpuid1_ecx, bochs_tigerlake.cpuid1_ecx);
	assert_true(v.has_vmx_msrs);

	/* a CPU without VMX: nothing to read */
	none = compute(&no_vmx);
	assert_false(none.has_vmx_msrs);
	assert_int_equal(none.cpuid1_ecx, no_vmx.cpuid1_ecx);
	assert_int_equal(none.basic, 0);
	for (uint32_t msr = MSR_IA32_VMX_BASIC; msr <= MSR_IA32_VMX_PROCBASED_CTLS3; msr++)
		assert_true(msr_refused(&none, msr));
}

/*
 * The two modules agree: a control is offered (on a CPU that has it) exactly
 * when the vmcs12 field that gives it meaning is supported.
 */
enum ctl { PIN, PROC, PROC2, EXIT, ENTRY };

static const struct {
	uint64_t field;
	enum ctl ctl;
	unsigned bit;
} field_feature[] = {
	{ VMX_PREEMPTION_TIMER_VALUE, PIN, 6 },
	{ POSTED_INTR_NV, PIN, 7 },
	{ POSTED_INTR_DESC_ADDR, PIN, 7 },
	{ TSC_OFFSET, PROC, 3 },
	{ CR3_TARGET_COUNT, PROC, 15 },
	{ TERTIARY_VM_EXEC_CONTROL, PROC, 17 },
	{ VIRTUAL_APIC_PAGE_ADDR, PROC, 21 },
	{ TPR_THRESHOLD, PROC, 21 },
	{ IO_BITMAP_A, PROC, 25 },
	{ IO_BITMAP_B, PROC, 25 },
	{ MSR_BITMAP, PROC, 28 },
	{ SECONDARY_VM_EXEC_CONTROL, PROC, 31 },
	{ APIC_ACCESS_ADDR, PROC2, 0 },
	{ EPT_POINTER, PROC2, 1 },
	{ VPID, PROC2, 5 },
	{ EOI_EXIT_BITMAP0, PROC2, 9 },
	{ GUEST_INTR_STATUS, PROC2, 9 },
	{ PLE_GAP, PROC2, 10 },
	{ PLE_WINDOW, PROC2, 10 },
	{ VM_FUNCTION_CONTROL, PROC2, 13 },
	{ EPTP_LIST_ADDR, PROC2, 13 },
	{ VMREAD_BITMAP, PROC2, 14 },
	{ VMWRITE_BITMAP, PROC2, 14 },
	{ ENCLS_EXITING_BITMAP, PROC2, 15 },
	{ PML_ADDRESS, PROC2, 17 },
	{ GUEST_PML_INDEX, PROC2, 17 },
	{ VE_INFO_ADDR, PROC2, 18 },
	{ EPTP_INDEX, PROC2, 18 },
	{ XSS_EXIT_BITMAP, PROC2, 20 },
	{ TSC_MULTIPLIER, PROC2, 25 },
	{ NOTIFY_WINDOW, PROC2, 31 },
	{ HOST_IA32_PERF_GLOBAL_CTRL, EXIT, 12 },
	{ GUEST_IA32_PAT, EXIT, 18 },
	{ HOST_IA32_PAT, EXIT, 19 },
	{ GUEST_IA32_EFER, EXIT, 20 },
	{ HOST_IA32_EFER, EXIT, 21 },
	{ GUEST_IA32_DEBUGCTL, ENTRY, 2 },
	{ GUEST_IA32_PERF_GLOBAL_CTRL, ENTRY, 13 },
	{ GUEST_BNDCFGS, ENTRY, 16 },
};

static void fields_of_offered_controls(void **state)
{
	struct vmx_msrs v = compute(&everything);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(field_feature); i++) {
		uint64_t msr = field_feature[i].ctl == PIN ? v.true_pinbased :
			       field_feature[i].ctl == PROC ? v.true_procbased :
			       field_feature[i].ctl == PROC2 ? v.procbased2 :
			       field_feature[i].ctl == EXIT ? v.true_exit : v.true_entry;
		bool offered = (may1(msr) & BIT(field_feature[i].bit)) != 0;

		if (offered != vmcs12_supported(field_feature[i].field))
			fail_msg("%s: control bit %u %s but the field is %s",
				 vmcs12_field_name(field_feature[i].field),
				 field_feature[i].bit, offered ? "offered" : "withheld",
				 offered ? "unsupported" : "supported");
	}
	/* every CR3-target value L1 is told about has a field */
	for (uint64_t n = 0; n < ((v.misc >> 16) & 0x1ff); n++)
		assert_true(vmcs12_supported(CR3_TARGET_VALUE0 + 2 * n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basic),
		cmocka_unit_test(emulated_masks),
		cmocka_unit_test(withheld_and_offered),
		cmocka_unit_test(never_more_than_hardware),
		cmocka_unit_test(allowed0_within_allowed1),
		cmocka_unit_test(true_and_default1),
		cmocka_unit_test(misc),
		cmocka_unit_test(enum_and_fixed),
		cmocka_unit_test(without_secondary_controls),
		cmocka_unit_test(ept_or_vpid_alone),
		cmocka_unit_test(msr_range),
		cmocka_unit_test(fields_of_offered_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
