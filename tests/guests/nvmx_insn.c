/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VMX instructions executed by L1 in VMX root operation, each with its
 * success and failure cases and the exact outcome the SDM's Operation
 * sections (Vol. 3C chapter 31) give. VMfail() is VMfailInvalid when there
 * is no current VMCS and VMfailValid(n) otherwise (31.2), so the failures
 * are tried both ways where it matters.
 */
#include "tests/guests/nvmx.h"

#include "lib/string.h"

#define SHADOW_BIT (1u << 31)

static void region(uint64_t pa, uint32_t rev)
{
	memset((void *)pa, 0, PAGE);
	*(volatile uint32_t *)pa = rev;
}

/* An address beyond what VMX accepts (SDM Vol. 3D A.1: BASIC[48]). */
static uint64_t too_wide(void)
{
	if (env.cap.basic & (1ull << 48))
		return 1ull << 32;
	return 1ull << env.cap.maxphyaddr;
}

static bool expect(const char *name, int got, int want)
{
	return check(name, got == want, "%s (expected %s)", vmx_str(got),
		     vmx_str2(want));
}

static uint64_t current(void)
{
	uint64_t pa = 0;

	vmptrst(&pa);
	return pa;
}

/* Describes the current-VMCS pointer without printing an address. */
static const char *current_str(void)
{
	uint64_t pa = current();

	if (pa == ~0ull)
		return "no current VMCS";
	if (pa == env.vmcs)
		return "current VMCS unchanged";
	return "current VMCS changed";
}

static int launch_now(void)
{
	struct l2_regs r;

	memset(&r, 0, sizeof(r));
	uint64_t rf = nvmx_enter(&r, 1);

	/* 0 would mean a VM exit, which no test here can cause. */
	return rf ? vmx_outcome(rf) : 0x7ffe;
}

static int resume_now(void)
{
	struct l2_regs r;

	memset(&r, 0, sizeof(r));
	uint64_t rf = nvmx_enter(&r, 0);

	return rf ? vmx_outcome(rf) : 0x7ffe;
}

bool check_vmxon_group(void)
{
	uint32_t rev = env.cap.revision;
	uint64_t pa = 0;
	int o;

	/* SDM Vol. 3C 31.3 VMXON: a bad region is VMfailInvalid. */
	region(env.vmxon, (rev + 1) & 0x7fffffff);
	expect("vmxon-bad-revision", vmxon(env.vmxon), VM_INVALID);
	region(env.vmxon, rev | SHADOW_BIT);
	expect("vmxon-shadow-indicator", vmxon(env.vmxon), VM_INVALID);
	region(env.vmxon, rev);
	expect("vmxon-unaligned", vmxon(env.vmxon + 0x800), VM_INVALID);
	expect("vmxon-too-wide", vmxon(too_wide()), VM_INVALID);
	o = vmxon(env.vmxon);
	if (!expect("vmxon", o, VM_OK))
		return false;

	/* In VMX root operation, without a current VMCS. */
	expect("vmxon-in-root-no-vmcs", vmxon(env.vmxon), VM_INVALID);
	o = vmptrst(&pa);
	check("vmptrst-no-vmcs", o == VM_OK && pa == ~0ull, "%s, pointer %s",
	      vmx_str(o), pa == ~0ull ? "FFFFFFFF_FFFFFFFF" : "not all ones");
	uint64_t v = 0;

	expect("vmread-no-vmcs", vmread(F_GUEST_RIP, &v), VM_INVALID);
	expect("vmwrite-no-vmcs", vmwrite(F_GUEST_RIP, 0), VM_INVALID);
	expect("vmlaunch-no-vmcs", launch_now(), VM_INVALID);
	expect("vmresume-no-vmcs", resume_now(), VM_INVALID);
	expect("vmclear-unaligned-no-vmcs", vmclear(env.vmcs + 8), VM_INVALID);
	expect("vmptrld-vmxon-ptr-no-vmcs", vmptrld(env.vmxon), VM_INVALID);

	region(env.vmcs, rev);
	region(env.vmcs2, rev);
	expect("vmclear", vmclear(env.vmcs), VM_OK);
	o = vmptrld(env.vmcs);
	check("vmptrld", o == VM_OK && current() == env.vmcs, "%s, %s",
	      vmx_str(o),
	      current() == env.vmcs ? "VMPTRST returns the operand"
				    : "VMPTRST returns another pointer");

	/* With a current VMCS the same failures become VMfailValid(n). */
	expect("vmxon-in-root", vmxon(env.vmxon), 15);
	expect("vmclear-unaligned", vmclear(env.vmcs + 8), 2);
	expect("vmclear-too-wide", vmclear(too_wide()), 2);
	expect("vmclear-vmxon-ptr", vmclear(env.vmxon), 3);
	o = vmptrld(env.vmcs2 + 0x100);
	check("vmptrld-unaligned", o == 9, "%s (expected %s), %s", vmx_str(o),
	      vmx_str2(9), current_str());
	o = vmptrld(too_wide());
	check("vmptrld-too-wide", o == 9, "%s (expected %s), %s", vmx_str(o),
	      vmx_str2(9), current_str());
	o = vmptrld(env.vmxon);
	check("vmptrld-vmxon-ptr", o == 10, "%s (expected %s), %s", vmx_str(o),
	      vmx_str2(10), current_str());
	region(env.vmcs2, (rev + 1) & 0x7fffffff);
	o = vmptrld(env.vmcs2);
	check("vmptrld-bad-revision", o == 11, "%s (expected %s), %s",
	      vmx_str(o), vmx_str2(11), current_str());

	/*
	 * A shadow VMCS (SDM Vol. 3C 25.10) loads where shadowing exists,
	 * but VM entry with it fails like having no VMCS at all (27.1).
	 */
	region(env.vmcs2, rev | SHADOW_BIT);
	o = vmptrld(env.vmcs2);
	if (env.has_shadow) {
		expect("vmptrld-shadow-vmcs", o, VM_OK);
		expect("vmlaunch-shadow-vmcs", launch_now(), VM_INVALID);
	} else {
		expect("vmptrld-shadow-vmcs", o, 11);
		skip("vmlaunch-shadow-vmcs", "VMCS shadowing");
	}
	vmclear(env.vmcs2);
	region(env.vmcs2, rev);

	vmptrld(env.vmcs);
	o = vmclear(env.vmcs);
	check("vmptrst-after-vmclear", o == VM_OK && current() == ~0ull,
	      "VMCLEAR of the current VMCS: %s, then %s", vmx_str(o),
	      current_str());
	vmptrld(env.vmcs);
	return true;
}

void check_vmcs_access(void)
{
	uint64_t v = 0, w = 0;
	int o, o2;

	vmclear(env.vmcs);
	vmptrld(env.vmcs);

	/* SDM Vol. 3C 31.3 VMREAD/VMWRITE: error 12 for a bad encoding. */
	expect("vmread-unsupported-field", vmread(0x6830, &v), 12);
	expect("vmread-field-ffffffff", vmread(0xffffffffull, &v), 12);
	/* In 64-bit mode all of the register counts: bits 63:32 too. */
	expect("vmread-field-high-bits", vmread(1ull << 32 | F_GUEST_RIP, &v),
	       12);
	expect("vmwrite-unsupported-field", vmwrite(0x6830, 0), 12);
	expect("vmwrite-field-high-bits", vmwrite(1ull << 32 | F_GUEST_RIP, 0),
	       12);

	/* Exit-information fields: error 13, unless MISC[29] allows it. */
	bool ro_ok = env.cap.misc & (1ull << 29);

	o = vmwrite(F_EXIT_REASON, 0x1234);
	vmread(F_EXIT_REASON, &v);
	if (ro_ok)
		check("vmwrite-read-only", o == VM_OK && v == 0x1234,
		      "%s, reads 0x%lx (MISC[29] 1: writable)", vmx_str(o), v);
	else
		check("vmwrite-read-only", o == 13,
		      "%s (expected %s; MISC[29] 0)", vmx_str(o), vmx_str2(13));

	/* SDM Vol. 3C 25.11.2: a field keeps only the bits it has. */
	o = vmwrite(F_GUEST_ES_SEL, 0xdeadbeef12345678ull);
	o2 = vmread(F_GUEST_ES_SEL, &v);
	check("vmwrite-16bit-truncates",
	      o == VM_OK && o2 == VM_OK && v == 0x5678,
	      "wrote 0xdeadbeef12345678: %s, reads 0x%lx (%s)", vmx_str(o), v,
	      vmx_str2(o2));
	o = vmwrite(F_EXC_BITMAP, 0xdeadbeef12345678ull);
	o2 = vmread(F_EXC_BITMAP, &v);
	check("vmwrite-32bit-truncates",
	      o == VM_OK && o2 == VM_OK && v == 0x12345678,
	      "wrote 0xdeadbeef12345678: %s, reads 0x%lx (%s)", vmx_str(o), v,
	      vmx_str2(o2));
	o = vmwrite(F_TSC_OFFSET, 0x1122334455667788ull);
	o2 = vmread(F_TSC_OFFSET, &v);
	check("vmwrite-64bit",
	      o == VM_OK && o2 == VM_OK && v == 0x1122334455667788ull,
	      "%s, reads 0x%lx (%s)", vmx_str(o), v, vmx_str2(o2));

	/* The "high" encoding (bit 0 = 1) is bits 63:32 of a 64-bit field. */
	o = vmwrite(F_TSC_OFFSET + 1, 0xffffffffaabbccddull);
	vmread(F_TSC_OFFSET, &v);
	o2 = vmread(F_TSC_OFFSET + 1, &w);
	check("vmwrite-64bit-high",
	      o == VM_OK && o2 == VM_OK && v == 0xaabbccdd55667788ull &&
		  w == 0xaabbccdd,
	      "%s, full reads 0x%lx, high reads 0x%lx", vmx_str(o), v, w);
	o = vmwrite(F_GUEST_RIP, 0xfedcba9876543210ull);
	vmread(F_GUEST_RIP, &v);
	check("vmwrite-natural", o == VM_OK && v == 0xfedcba9876543210ull,
	      "%s, reads 0x%lx", vmx_str(o), v);

	/* Memory operands. */
	uint64_t in = 0x0123456789abcdefull, out = 0;

	o = vmwrite_mem(F_GUEST_RSP, &in);
	o2 = vmread_mem(F_GUEST_RSP, &out);
	check("vmread-vmwrite-memory", o == VM_OK && o2 == VM_OK && out == in,
	      "VMWRITE from memory %s, VMREAD to memory %s, value 0x%lx",
	      vmx_str(o), vmx_str2(o2), out);
	vmclear(env.vmcs);
	vmptrld(env.vmcs);
}

void check_inv(void)
{
	uint64_t ev = env.cap.ept_vpid;
	int o;

	vmptrld(env.vmcs);
	if (!env.has_ept || !(ev & (1ull << 20))) {
		skip("invept-bad-type", "INVEPT");
		skip("invept-single", "INVEPT");
		skip("invept-single-bad-eptp", "INVEPT");
		skip("invept-all", "INVEPT");
	} else {
		/* SDM Vol. 3C 31.3 INVEPT: types 1 and 2 only. */
		int o0 = invept(0, env_eptp()), o3 = invept(3, env_eptp());

		check("invept-bad-type", o0 == 28 && o3 == 28,
		      "type 0: %s, type 3: %s (expected VMfailValid(28))",
		      vmx_str(o0), vmx_str2(o3));
		if (ev & (1ull << 25)) {
			expect("invept-single", invept(1, env_eptp()), VM_OK);
			/* Memory type 1 (WC) is no valid EPTP type (25.6.11).
			 */
			expect("invept-single-bad-eptp",
			       invept(1, (env_eptp() & ~7ull) | 1), 28);
		} else {
			skip("invept-single", "single-context INVEPT");
			skip("invept-single-bad-eptp", "single-context INVEPT");
		}
		if (ev & (1ull << 26))
			expect("invept-all", invept(2, 0), VM_OK);
		else
			skip("invept-all", "all-context INVEPT");
	}

	if (!env.has_vpid || !(ev & (1ull << 32))) {
		const char *n[] = {"invvpid-bad-type",
				   "invvpid-address",
				   "invvpid-address-noncanonical",
				   "invvpid-single",
				   "invvpid-single-vpid0",
				   "invvpid-all",
				   "invvpid-single-nonglobal",
				   "invvpid-reserved-bits"};

		for (unsigned i = 0; i < sizeof(n) / sizeof(n[0]); i++)
			skip(n[i], "INVVPID");
		return;
	}
	/* SDM Vol. 3C 31.3 INVVPID: types 0..3, VPID 0 only for type 2. */
	expect("invvpid-bad-type", invvpid(4, 1, 0), 28);
	if (ev & (1ull << 40)) {
		expect("invvpid-address", invvpid(0, 1, 0x123000), VM_OK);
		/* not canonical to 48 nor to 57 bits: a CPU with 5-level
		 * paging takes 0x0000800000000000 here whatever CR4.LA57 */
		expect("invvpid-address-noncanonical",
		       invvpid(0, 1, 0x8000000000000000ull), 28);
	} else {
		skip("invvpid-address", "individual-address INVVPID");
		skip("invvpid-address-noncanonical",
		     "individual-address INVVPID");
	}
	if (ev & (1ull << 41)) {
		expect("invvpid-single", invvpid(1, 1, 0), VM_OK);
		expect("invvpid-single-vpid0", invvpid(1, 0, 0), 28);
	} else {
		skip("invvpid-single", "single-context INVVPID");
		skip("invvpid-single-vpid0", "single-context INVVPID");
	}
	if (ev & (1ull << 42))
		expect("invvpid-all", invvpid(2, 0, 0), VM_OK);
	else
		skip("invvpid-all", "all-context INVVPID");
	if (ev & (1ull << 43))
		expect("invvpid-single-nonglobal", invvpid(3, 1, 0), VM_OK);
	else
		skip("invvpid-single-nonglobal",
		     "single-context-retaining-globals INVVPID");
	/* Descriptor bits 63:16 are reserved. */
	o = invvpid((ev & (1ull << 42)) ? 2 : 1, 1ull << 16 | 1, 0);
	expect("invvpid-reserved-bits", o, 28);
}

/* At the end: leave VMX operation, come back, and find no current VMCS. */
void check_vmxoff(void)
{
	uint64_t v = 0, pa = 0;
	int o, fault;

	vmptrld(env.vmcs);
	o = vmxoff();
	expect("vmxoff", o, VM_OK);

	/* Outside VMX operation VMREAD is #UD (SDM Vol. 3C 31.3). */
	trap_arm();
	__asm__ volatile(GUARD("vmread %[f], %[v]")
			 : GUARD_OUT, [v] "+r"(v)
			 : [f] "r"((uint64_t)F_GUEST_RIP)
			 : "memory", "cc");
	trap_disarm();
	fault = trap_take(NULL);
	check("vmread-after-vmxoff-ud", fault == VEC_UD, "VMREAD raised %s",
	      vector_name(fault));

	o = vmxon(env.vmxon);
	int o2 = vmptrst(&pa);

	check("vmxon-again", o == VM_OK && o2 == VM_OK && pa == ~0ull,
	      "%s, then %s", vmx_str(o),
	      pa == ~0ull ? "no current VMCS" : "a current VMCS survived");
	/* The VMCS data in memory is still usable after VMCLEAR + VMPTRLD. */
	o = vmptrld(env.vmcs);
	o2 = vmread(F_GUEST_SYSENTER_CS, &v);
	check("vmptrld-after-vmxon-again", o == VM_OK && o2 == VM_OK,
	      "VMPTRLD %s, VMREAD %s", vmx_str(o), vmx_str2(o2));
	vmclear(env.vmcs);
	vmxoff();
}
