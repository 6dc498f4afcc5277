/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VM-entry checks on vmcs12 (SDM Vol. 3C 27.2, 27.3), done in software
 * before vmcs02 is built. Each check is one named expression; the first that
 * fails is logged with its text. What this file does not check yet, the CPU
 * checks on vmcs02 (whose guest state is vmcs12's), and a failure there is
 * reported to L1 as the same VMfail or exit would be (nested/entry.c). The
 * complete software set is docs/entry-checks.md's job.
 */
#include "lib/log.h"
#include "nested/checks.h"
#include "nested/ept12.h"
#include "nested/internal.h"
#include "vmx/segment.h"

#define CHECK(expr)                                                            \
	do {                                                                   \
		if (!(expr)) {                                                 \
			log_info("nested: VM-entry check failed: %s", #expr);  \
			return false;                                          \
		}                                                              \
	} while (0)

#define CR0_PE	      (1ull << 0)
#define CR0_NW	      (1ull << 29)
#define CR0_CD	      (1ull << 30)
#define CR0_PG	      (1ull << 31)
#define CR4_PAE	      (1ull << 5)
#define CR4_PCIDE     (1ull << 17)
#define EFER_LME      (1ull << 8)
#define EFER_LMA      (1ull << 10)
#define EFER_RESERVED (~0xd01ull) /* SCE, LME, LMA, NXE */

#define G(f) vmcs12_get(c, f)

static bool allowed(uint32_t value, uint64_t msr)
{
	uint32_t must1 = (uint32_t)msr, may1 = (uint32_t)(msr >> 32);

	return (value & must1) == must1 && !(value & ~may1);
}

static bool addr_ok(uint64_t pa, uint64_t align)
{
	return !(pa & (align - 1)) && !(pa >> nested_phys_bits);
}

static bool canonical(uint64_t a)
{
	return (uint64_t)(((int64_t)a << 16) >> 16) == a;
}

static bool pat_ok(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (pat >> (8 * i)) & 0xff;

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/* SDM 27.2.1.1-27.2.1.3: VM-execution, VM-exit and VM-entry control fields. */
static bool controls_ok(const struct vmcs12 *c)
{
	uint32_t pin = (uint32_t)G(PIN_BASED_VM_EXEC_CONTROL);
	uint32_t proc = (uint32_t)G(CPU_BASED_VM_EXEC_CONTROL);
	uint32_t proc2 = (proc & CPU_SECONDARY_CONTROLS)
			     ? (uint32_t)G(SECONDARY_VM_EXEC_CONTROL)
			     : 0;
	uint32_t exit = (uint32_t)G(VM_EXIT_CONTROLS),
		 entry = (uint32_t)G(VM_ENTRY_CONTROLS);
	struct ept12_caps caps = {
	    .exec_only = nested_caps.ept_vpid & 1,
	    .large_2m = nested_caps.ept_vpid & (1ull << 16),
	    .large_1g = nested_caps.ept_vpid & (1ull << 17),
	    .phys_bits = nested_phys_bits,
	};

	CHECK(allowed(pin, nested_caps.true_pinbased));
	CHECK(allowed(proc, nested_caps.true_procbased));
	CHECK(allowed(proc2, nested_caps.procbased2));
	CHECK(allowed(exit, nested_caps.true_exit));
	CHECK(allowed(entry, nested_caps.true_entry));
	CHECK(G(CR3_TARGET_COUNT) <= ((nested_caps.misc >> 16) & 0x1ff));
	CHECK(!(proc & CPU_USE_IO_BITMAPS) ||
	      (addr_ok(G(IO_BITMAP_A), 4096) && addr_ok(G(IO_BITMAP_B), 4096)));
	CHECK(!(proc & CPU_USE_MSR_BITMAPS) || addr_ok(G(MSR_BITMAP), 4096));
	CHECK((pin & PIN_NMI_EXITING) || !(pin & PIN_VIRTUAL_NMIS));
	CHECK((pin & PIN_VIRTUAL_NMIS) || !(proc & CPU_NMI_WINDOW_EXITING));
	CHECK(!(proc2 & SEC_ENABLE_VPID) || G(VPID) != 0);
	CHECK(!(proc2 & SEC_ENABLE_EPT) ||
	      ept12_eptp_valid(G(EPT_POINTER), &caps));
	CHECK(!(proc2 & SEC_UNRESTRICTED_GUEST) || (proc2 & SEC_ENABLE_EPT));
	CHECK(!(proc2 & SEC_SHADOW_VMCS) || (addr_ok(G(VMREAD_BITMAP), 4096) &&
					     addr_ok(G(VMWRITE_BITMAP), 4096)));
	CHECK(!(exit & EXIT_SAVE_PREEMPTION_TIMER) ||
	      (pin & PIN_PREEMPTION_TIMER));
	CHECK(G(VM_EXIT_MSR_STORE_COUNT) == 0 ||
	      addr_ok(G(VM_EXIT_MSR_STORE_ADDR), 16));
	CHECK(G(VM_EXIT_MSR_LOAD_COUNT) == 0 ||
	      addr_ok(G(VM_EXIT_MSR_LOAD_ADDR), 16));
	CHECK(G(VM_ENTRY_MSR_LOAD_COUNT) == 0 ||
	      addr_ok(G(VM_ENTRY_MSR_LOAD_ADDR), 16));
	return nested_check_event_injection(c);
}

/* SDM 27.2.1.3: the VM-entry interruption-information field. */
bool nested_check_event_injection(const struct vmcs12 *c)
{
	uint32_t info = (uint32_t)G(VM_ENTRY_INTR_INFO);
	unsigned type = (info >> 8) & 7, vector = info & 0xff;
	uint32_t proc = (uint32_t)G(CPU_BASED_VM_EXEC_CONTROL);
	bool ue = (proc & CPU_SECONDARY_CONTROLS) &&
		  (G(SECONDARY_VM_EXEC_CONTROL) & SEC_UNRESTRICTED_GUEST);
	bool pe = G(GUEST_CR0) & CR0_PE;

	if (!(info & INTR_INFO_VALID))
		return true;
	CHECK(type != 1);
	CHECK(type != 7 ||
	      (nested_caps.true_procbased >> 32) & CPU_MONITOR_TRAP_FLAG);
	CHECK(type != 2 || vector == 2);
	CHECK(type != 3 || vector <= 31);
	CHECK(type != 7 || vector == 0);
	/* error code: exactly for #DF #TS #NP #SS #GP #PF #AC in protected mode
	 */
	bool wants =
	    type == 3 && (!ue || pe) &&
	    (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17);

	CHECK(!!(info & INTR_INFO_DELIVER_CODE) == wants);
	CHECK(!(info & 0x7ffff000u));
	CHECK(!(info & INTR_INFO_DELIVER_CODE) ||
	      !(G(VM_ENTRY_EXCEPTION_ERROR_CODE) >> 15));
	CHECK((type != 4 && type != 5 && type != 6) ||
	      (G(VM_ENTRY_INSTRUCTION_LEN) <= 15 &&
	       (G(VM_ENTRY_INSTRUCTION_LEN) > 0 ||
		(nested_caps.misc & (1ull << 30)))));
	return true;
}

/* SDM 27.2.2-27.2.4: host-state area and address-space size. */
static bool host_ok(const struct vmcs12 *c, bool l1_long_mode)
{
	bool host64 = G(VM_EXIT_CONTROLS) & EXIT_HOST_ADDR_SPACE_SIZE;
	uint64_t cr0 = G(HOST_CR0), cr4 = G(HOST_CR4);

	CHECK((cr0 & nested_caps.cr0_fixed0) == nested_caps.cr0_fixed0);
	CHECK(!(cr0 & ~nested_caps.cr0_fixed1 & 0xffffffffull));
	CHECK((cr4 & nested_caps.cr4_fixed0) == nested_caps.cr4_fixed0);
	CHECK(!(cr4 & ~nested_caps.cr4_fixed1 & 0xffffffffull));
	CHECK(!(G(HOST_CR3) >> nested_phys_bits));
	CHECK(canonical(G(HOST_IA32_SYSENTER_ESP)) &&
	      canonical(G(HOST_IA32_SYSENTER_EIP)));
	CHECK(!(G(VM_EXIT_CONTROLS) & EXIT_LOAD_IA32_PAT) ||
	      pat_ok(G(HOST_IA32_PAT)));
	CHECK(!(G(VM_EXIT_CONTROLS) & EXIT_LOAD_IA32_EFER) ||
	      (!(G(HOST_IA32_EFER) & EFER_RESERVED) &&
	       !!(G(HOST_IA32_EFER) & EFER_LMA) == host64 &&
	       !!(G(HOST_IA32_EFER) & EFER_LME) == host64));
	CHECK(!(G(HOST_ES_SELECTOR) & 7) && !(G(HOST_CS_SELECTOR) & 7) &&
	      !(G(HOST_SS_SELECTOR) & 7) && !(G(HOST_DS_SELECTOR) & 7) &&
	      !(G(HOST_FS_SELECTOR) & 7) && !(G(HOST_GS_SELECTOR) & 7) &&
	      !(G(HOST_TR_SELECTOR) & 7));
	CHECK(G(HOST_CS_SELECTOR) != 0 && G(HOST_TR_SELECTOR) != 0);
	CHECK(host64 || G(HOST_SS_SELECTOR) != 0);
	CHECK(canonical(G(HOST_FS_BASE)) && canonical(G(HOST_GS_BASE)) &&
	      canonical(G(HOST_GDTR_BASE)) && canonical(G(HOST_IDTR_BASE)) &&
	      canonical(G(HOST_TR_BASE)));
	/* 27.2.4: the host's address-space size follows L1's mode at VMLAUNCH
	 */
	CHECK(host64 == l1_long_mode);
	CHECK(host64 || !(G(VM_ENTRY_CONTROLS) & ENTRY_IA32E_MODE));
	CHECK(!host64 || (cr4 & CR4_PAE));
	CHECK(!host64 || canonical(G(HOST_RIP)));
	CHECK(host64 || !(G(HOST_RIP) >> 32));
	return true;
}

unsigned nested_check_controls_host(const struct vmcs12 *c, bool l1_long_mode)
{
	if (!controls_ok(c))
		return 7;
	if (!host_ok(c, l1_long_mode))
		return 8;
	return 0;
}

/*
 * SDM 27.3.1: the guest-state checks L0 depends on itself (the values it
 * changes on the way to vmcs02: CR0, CR4, EFER) and the ones the CPU's
 * checks of vmcs02 could not see the same way (activity state as offered to
 * L1; the link pointer, in L1's memory, is nested/entry.c's).
 */
bool nested_check_guest(const struct vmcs12 *c, uint64_t *qual)
{
	uint32_t proc = (uint32_t)G(CPU_BASED_VM_EXEC_CONTROL);
	bool ue = (proc & CPU_SECONDARY_CONTROLS) &&
		  (G(SECONDARY_VM_EXEC_CONTROL) & SEC_UNRESTRICTED_GUEST);
	uint64_t fixed0 = nested_caps.cr0_fixed0 & ~(ue ? CR0_PE | CR0_PG : 0);
	uint64_t cr0 = G(GUEST_CR0), cr4 = G(GUEST_CR4),
		 efer = G(GUEST_IA32_EFER);
	bool ia32e = G(VM_ENTRY_CONTROLS) & ENTRY_IA32E_MODE;
	unsigned activity = (unsigned)G(GUEST_ACTIVITY_STATE);

	*qual = 0;
	CHECK((cr0 & fixed0) == fixed0);
	CHECK(!(cr0 & ~nested_caps.cr0_fixed1 & 0xffffffffull));
	CHECK(!(cr0 & CR0_PG) || (cr0 & CR0_PE));
	CHECK((cr4 & nested_caps.cr4_fixed0) == nested_caps.cr4_fixed0);
	CHECK(!(cr4 & ~nested_caps.cr4_fixed1 & 0xffffffffull));
	CHECK(!ia32e || ((cr0 & CR0_PG) && (cr4 & CR4_PAE)));
	CHECK(ia32e || !(cr4 & CR4_PCIDE));
	CHECK(!(G(GUEST_CR3) >> nested_phys_bits));
	CHECK(!(G(VM_ENTRY_CONTROLS) & ENTRY_LOAD_DEBUG_CONTROLS) ||
	      !(G(GUEST_DR7) >> 32));
	CHECK(canonical(G(GUEST_SYSENTER_ESP)) &&
	      canonical(G(GUEST_SYSENTER_EIP)));
	CHECK(!(G(VM_ENTRY_CONTROLS) & ENTRY_LOAD_IA32_PAT) ||
	      pat_ok(G(GUEST_IA32_PAT)));
	CHECK(!(G(VM_ENTRY_CONTROLS) & ENTRY_LOAD_IA32_EFER) ||
	      (!(efer & EFER_RESERVED) && !!(efer & EFER_LMA) == ia32e &&
	       (!(cr0 & CR0_PG) || !!(efer & EFER_LME) == ia32e)));
	CHECK(activity <= 2);
	CHECK(activity != 1 || (nested_caps.misc & (1ull << 6)));
	CHECK(activity != 2 || (nested_caps.misc & (1ull << 7)));
	return true;
}
