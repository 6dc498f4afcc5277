/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/nstate.c: the nested-state blob in KVM's format.
 *  - the header, flags and sizes against Debian's <linux/kvm.h> (compile
 *    time) and KVM's vmcs12 layout (offsets typed in from the ABI);
 *  - round trips in every state: VMX off, VMX on without a VMCS, a current
 *    VMCS (launched or not, a shadow VMCS as current), guest mode, guest
 *    mode with a pending entry and with a shadow vmcs12;
 *  - every validation rule, each with a blob that breaks exactly it;
 *  - the VM-entry checks of a guest-mode blob;
 *  - a fuzz of random and mutated blobs: decode either refuses with a
 *    specific error or accepts a blob that encode reproduces byte for byte
 *    (100,000 cases here; NSTATE_FUZZ=N for more, `make nstate-fuzz`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <linux/kvm.h>

#include "lib/base64.h"
#include "lib/log.h"
#include "nested/nstate.h"
#include "nested/vcaps12.h"
#include "nested/vmcs12.h"
#include "tests/unit/bochs_msrs.h"
#include "vmx/controls.h"

/* --- the ABI, checked against the kernel's header at compile time --- */
_Static_assert(sizeof(struct kvm_nested_state) == NSTATE_HDR_SIZE, "hdr");
_Static_assert(offsetof(struct kvm_nested_state, data) == NSTATE_HDR_SIZE,
	       "data offset");
_Static_assert(sizeof(struct kvm_vmx_nested_state_data) ==
		   2 * NSTATE_VMCS12_SIZE,
	       "vmcs12 + shadow");
_Static_assert(KVM_STATE_NESTED_VMX_VMCS_SIZE == NSTATE_VMCS12_SIZE, "size");
#define SAME_OFFSET(kvm, ours)                                                 \
	_Static_assert(offsetof(struct kvm_nested_state, kvm) ==               \
			   offsetof(struct nstate_hdr, ours),                  \
		       #ours)
SAME_OFFSET(flags, flags);
SAME_OFFSET(format, format);
SAME_OFFSET(size, size);
SAME_OFFSET(hdr.vmx.vmxon_pa, vmxon_pa);
SAME_OFFSET(hdr.vmx.vmcs12_pa, vmcs12_pa);
SAME_OFFSET(hdr.vmx.smm.flags, smm_flags);
SAME_OFFSET(hdr.vmx.pad, pad);
SAME_OFFSET(hdr.vmx.flags, vmx_flags);
SAME_OFFSET(hdr.vmx.preemption_timer_deadline, preemption_timer_deadline);
_Static_assert(offsetof(struct kvm_vmx_nested_state_data, shadow_vmcs12) ==
		   NSTATE_VMCS12_SIZE,
	       "shadow offset");
_Static_assert(KVM_STATE_NESTED_FORMAT_VMX == NSTATE_FORMAT_VMX, "format");
_Static_assert(KVM_STATE_NESTED_GUEST_MODE == NSTATE_GUEST_MODE, "flag");
_Static_assert(KVM_STATE_NESTED_RUN_PENDING == NSTATE_RUN_PENDING, "flag");
_Static_assert(KVM_STATE_NESTED_EVMCS == NSTATE_EVMCS, "flag");
_Static_assert(KVM_STATE_NESTED_MTF_PENDING == NSTATE_MTF_PENDING, "flag");
_Static_assert(KVM_STATE_VMX_PREEMPTION_TIMER_DEADLINE ==
		   NSTATE_VMX_PREEMPTION_TIMER_DEADLINE,
	       "flag");

/* --- L1 memory for the checks (the link VMCS, PDPTEs): none --- */
static bool no_memory(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	(void)ctx, (void)gpa, (void)buf, (void)n;
	return false;
}

static void sink(enum log_level level, const char *line, size_t len)
{
	(void)level, (void)line, (void)len;
}

static struct vmx_msrs caps;

#define VMXON_PA  0x10000ull
#define VMCS12_PA 0x11000ull
#define LINK_PA	  0x12000ull
#define BITS	  40

static struct vmcs12 cur, shadow, out_cur, out_shadow;

#define SET(f, v) vmcs12_set(&cur, f, v)

/* A vmcs12 that passes every VM-entry check (64-bit host and guest). */
static void valid_vmcs12(void)
{
	memset(&cur, 0, sizeof(cur));
	vmcs12_set_revision(&cur, VMCS12_REVISION, false);
	vmcs12_set_launched(&cur, true);
	SET(PIN_BASED_VM_EXEC_CONTROL,
	    (uint32_t)caps.true_pinbased | PIN_EXTINT_EXITING);
	SET(CPU_BASED_VM_EXEC_CONTROL,
	    (uint32_t)caps.true_procbased | CPU_SECONDARY_CONTROLS);
	SET(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT | SEC_ENABLE_VPID);
	SET(VPID, 1);
	SET(EPT_POINTER, 0x6000 | 6 | (3 << 3));
	SET(VM_EXIT_CONTROLS,
	    (uint32_t)caps.true_exit | EXIT_HOST_ADDR_SPACE_SIZE);
	SET(VM_ENTRY_CONTROLS, (uint32_t)caps.true_entry | ENTRY_IA32E_MODE);
	SET(HOST_CR0, 0x80050033);
	SET(HOST_CR3, 0x100000);
	SET(HOST_CR4, 0x20a0);
	SET(HOST_CS_SELECTOR, 0x08);
	SET(HOST_SS_SELECTOR, 0x10);
	SET(HOST_TR_SELECTOR, 0x18);
	SET(HOST_RIP, 0xffffffff81000000);
	SET(GUEST_CR0, 0x80050033);
	SET(GUEST_CR3, 0x200000);
	SET(GUEST_CR4, 0x20a0);
	SET(GUEST_DR7, 0x400);
	SET(GUEST_CS_SELECTOR, 0x08);
	SET(GUEST_CS_LIMIT, 0xffffffff);
	SET(GUEST_CS_AR_BYTES, 0xa09b);
	SET(GUEST_SS_SELECTOR, 0x10);
	SET(GUEST_SS_LIMIT, 0xffffffff);
	SET(GUEST_SS_AR_BYTES, 0xc093);
	SET(GUEST_DS_AR_BYTES, 0x10000);
	SET(GUEST_ES_AR_BYTES, 0x10000);
	SET(GUEST_FS_AR_BYTES, 0x10000);
	SET(GUEST_GS_AR_BYTES, 0x10000);
	SET(GUEST_LDTR_AR_BYTES, 0x10000);
	SET(GUEST_TR_SELECTOR, 0x18);
	SET(GUEST_TR_LIMIT, 0x67);
	SET(GUEST_TR_AR_BYTES, 0x8b);
	SET(GUEST_RIP, 0x400000);
	SET(GUEST_RFLAGS, 0x2);
	SET(VMCS_LINK_POINTER, ~0ull);
	/* a few values of every width, and Matryoshka's extension fields */
	SET(GUEST_SMBASE, 0xa0000);
	SET(IO_RCX, 0x1234);
	SET(EXECUTIVE_VMCS_POINTER, 0x5000);
	vmcs12_set_abort_indicator(&cur, 7);
}

static void with_shadowing(void)
{
	SET(SECONDARY_VM_EXEC_CONTROL,
	    vmcs12_get(&cur, SECONDARY_VM_EXEC_CONTROL) | SEC_SHADOW_VMCS);
	SET(VMREAD_BITMAP, 0x4000);
	SET(VMWRITE_BITMAP, 0x5000);
	SET(VMCS_LINK_POINTER, LINK_PA);
	memset(&shadow, 0, sizeof(shadow));
	vmcs12_set_revision(&shadow, VMCS12_REVISION, true);
	vmcs12_set(&shadow, GUEST_RIP, 0xdeadbeef);
	vmcs12_set(&shadow, VPID, 9);
}

enum state {
	S_VMXOFF,
	S_VMXON,
	S_CURRENT_CLEAR,
	S_CURRENT,
	S_CURRENT_SHADOW_VMCS,
	S_GUEST,
	S_GUEST_PENDING,
	S_GUEST_SHADOW,
	S_COUNT
};

static struct nstate make(enum state st)
{
	struct nstate s = {.vmxon_pa = NSTATE_NONE,
			   .vmcs12_pa = NSTATE_NONE,
			   .vmcs12 = &cur,
			   .shadow = &shadow};

	valid_vmcs12();
	if (st == S_VMXOFF)
		return s;
	s.vmxon_pa = VMXON_PA;
	if (st == S_VMXON)
		return s;
	s.vmcs12_pa = VMCS12_PA;
	s.has_vmcs12 = true;
	if (st == S_CURRENT_CLEAR)
		vmcs12_set_launched(&cur, false);
	if (st == S_CURRENT_SHADOW_VMCS)
		vmcs12_set_revision(&cur, VMCS12_REVISION, true);
	if (st >= S_GUEST)
		s.flags = NSTATE_GUEST_MODE;
	if (st == S_GUEST_PENDING)
		s.flags |= NSTATE_RUN_PENDING;
	if (st == S_GUEST_SHADOW) {
		with_shadowing();
		s.has_shadow = true;
	}
	return s;
}

static uint8_t blob[NSTATE_MAX_SIZE + 64], again[NSTATE_MAX_SIZE + 64];
static char b64[(NSTATE_MAX_SIZE + 2) / 3 * 4 + 1];

static size_t encode(const struct nstate *s)
{
	memset(blob, 0, sizeof(blob));
	return nstate_encode(s, blob, sizeof(blob));
}

static struct nstate_result decode(size_t len, struct nstate *s)
{
	s->vmcs12 = &out_cur;
	s->shadow = &out_shadow;
	return nstate_decode(blob, len, BITS, s);
}

static void assert_same_vmcs12(const struct vmcs12 *a, const struct vmcs12 *b)
{
	assert_int_equal(a->revision, b->revision);
	assert_int_equal(a->abort, b->abort);
	assert_int_equal(vmcs12_launched(a), vmcs12_launched(b));
	for (unsigned enc = 0; enc < 0x8000; enc++) {
		uint64_t va = 0, vb = 0;

		if (vmcs12_vmread(a, enc, &va) != VMCS12_OK)
			continue;
		assert_int_equal(vmcs12_vmread(b, enc, &vb), VMCS12_OK);
		if (va != vb)
			fail_msg("field 0x%x (%s): 0x%lx != 0x%lx", enc,
				 vmcs12_field_name(enc & ~1u),
				 (unsigned long)va, (unsigned long)vb);
	}
}

/* --- the layout --- */
static void t_layout_offsets(void **state)
{
	(void)state;
	/* KVM's ABI, typed in (not from nested/kvm_vmcs12.def) */
	assert_int_equal(nstate_kvm_offset(IO_BITMAP_A), 40);
	assert_int_equal(nstate_kvm_offset(EPT_POINTER), 120);
	assert_int_equal(nstate_kvm_offset(VMCS_LINK_POINTER), 176);
	assert_int_equal(nstate_kvm_offset(VMWRITE_BITMAP), 288);
	assert_int_equal(nstate_kvm_offset(CR0_GUEST_HOST_MASK), 344);
	assert_int_equal(nstate_kvm_offset(GUEST_RIP), 544);
	assert_int_equal(nstate_kvm_offset(HOST_RIP), 672);
	assert_int_equal(nstate_kvm_offset(PIN_BASED_VM_EXEC_CONTROL), 744);
	assert_int_equal(nstate_kvm_offset(SECONDARY_VM_EXEC_CONTROL), 804);
	assert_int_equal(nstate_kvm_offset(VMX_PREEMPTION_TIMER_VALUE), 928);
	assert_int_equal(nstate_kvm_offset(VPID), 960);
	assert_int_equal(nstate_kvm_offset(GUEST_TR_SELECTOR), 978);
	assert_int_equal(nstate_kvm_offset(HOST_TR_SELECTOR), 994);
	assert_int_equal(nstate_kvm_offset(GUEST_SMBASE), 1064);
	assert_int_equal(nstate_kvm_offset(PLE_GAP), -1);
}

/* Every field Matryoshka emulates has a place; no two places overlap. */
static void t_layout_complete(void **state)
{
	static uint8_t owner[NSTATE_VMCS12_SIZE];

	(void)state;
	memset(owner, 0, sizeof(owner));
	for (unsigned b = 0; b < 12; b++)
		owner[b] = 1;
	for (unsigned enc = 0; enc < 0x8000; enc += 2) {
		if (!vmcs12_field_name(enc))
			continue;
		int off = nstate_kvm_offset((enum vmcs_field)enc);
		unsigned size = (enc >> 13) == 0 ? 2 : (enc >> 13) == 2 ? 4 : 8;

		if (off < 0) {
			/* only fields Matryoshka does not emulate lack one */
			assert_false(vmcs12_supported(enc));
			continue;
		}
		assert_true(off + size <= NSTATE_VMCS12_SIZE);
		assert_true(off + size <= NSTATE_KVM_VMCS12_END || off >= 1024);
		for (unsigned b = 0; b < size; b++) {
			if (owner[off + b])
				fail_msg("%s overlaps at %u",
					 vmcs12_field_name(enc), off + b);
			owner[off + b] = 1;
		}
	}
}

/* --- round trips --- */
static void round_trip(enum state st)
{
	struct nstate s = make(st), d;
	size_t n = encode(&s);
	struct nstate_result r;

	assert_int_equal(n, nstate_size(&s));
	r = decode(n, &d);
	if (r.err)
		fail_msg("state %d: %s", st, r.detail);
	assert_int_equal(d.flags, s.flags);
	assert_int_equal(d.vmxon_pa, s.vmxon_pa);
	assert_int_equal(d.vmcs12_pa, s.vmcs12_pa);
	assert_int_equal(d.has_vmcs12, s.has_vmcs12);
	assert_int_equal(d.has_shadow, s.has_shadow);
	if (s.has_vmcs12)
		assert_same_vmcs12(&cur, &out_cur);
	if (s.has_shadow)
		assert_same_vmcs12(&shadow, &out_shadow);
	memset(again, 0, sizeof(again));
	assert_int_equal(nstate_encode(&d, again, sizeof(again)), n);
	assert_memory_equal(blob, again, n);
}

static void t_round_trips(void **state)
{
	(void)state;
	for (int st = 0; st < S_COUNT; st++)
		round_trip((enum state)st);
}

static void t_sizes(void **state)
{
	struct nstate s;

	(void)state;
	s = make(S_VMXOFF);
	assert_int_equal(encode(&s), 128);
	s = make(S_VMXON);
	assert_int_equal(encode(&s), 128);
	s = make(S_CURRENT);
	assert_int_equal(encode(&s), 128 + 4096);
	s = make(S_GUEST_SHADOW);
	assert_int_equal(encode(&s), 128 + 8192);
	/* a short buffer: the size comes back, nothing is written */
	memset(blob, 0xaa, sizeof(blob));
	assert_int_equal(nstate_encode(&s, blob, 100), 128 + 8192);
	assert_int_equal(blob[0], 0xaa);
}

/* KVM's revision in the blob, Matryoshka's in the cache. */
static void t_revisions(void **state)
{
	struct nstate s = make(S_GUEST_SHADOW), d;
	uint32_t rev;

	(void)state;
	encode(&s);
	memcpy(&rev, blob + 128, 4);
	assert_int_equal(rev, NSTATE_KVM_VMCS12_REVISION);
	memcpy(&rev, blob + 128 + 4096, 4);
	assert_int_equal(rev, NSTATE_KVM_VMCS12_REVISION | 0x80000000u);
	assert_int_equal(decode(128 + 8192, &d).err, NSTATE_OK);
	assert_int_equal(out_cur.revision, VMCS12_REVISION);
	assert_int_equal(out_shadow.revision, VMCS12_REVISION | 0x80000000u);
}

/* --- every rule, broken alone --- */
struct hdr_mut {
	enum nstate_err err;
	enum state st;
	void (*mutate)(struct nstate_hdr *h, uint8_t *img);
	size_t len_delta; /* bytes fewer given to decode */
};

#define HM(name, body)                                                         \
	static void name(struct nstate_hdr *h, uint8_t *img)                   \
	{                                                                      \
		(void)h, (void)img;                                            \
		body;                                                          \
	}

HM(m_none, )
HM(m_format, h->format = 1)
HM(m_flags_unknown, h->flags |= 0x10)
HM(m_evmcs, h->flags |= NSTATE_EVMCS)
HM(m_mtf, h->flags |= NSTATE_MTF_PENDING)
HM(m_run_no_guest, h->flags |= NSTATE_RUN_PENDING)
HM(m_smm, h->smm_flags = 1)
HM(m_pad, h->pad = 1)
HM(m_reserved, h->reserved[87] = 1)
HM(m_vmx_flags, h->vmx_flags = 2)
HM(m_deadline_no_guest, h->vmx_flags = 1)
HM(m_deadline_no_flag, h->preemption_timer_deadline = 5)
HM(m_vmxoff_vmcs, h->vmcs12_pa = VMCS12_PA)
HM(m_vmxoff_flags, h->flags = NSTATE_GUEST_MODE)
HM(m_vmxon_align, h->vmxon_pa |= 0x800)
HM(m_vmxon_width, h->vmxon_pa |= 1ull << BITS)
HM(m_vmcs12_align, h->vmcs12_pa |= 8)
HM(m_vmcs12_width, h->vmcs12_pa |= 1ull << 51)
HM(m_vmcs12_is_vmxon, h->vmcs12_pa = VMXON_PA)
HM(m_guest_no_vmcs, (h->vmcs12_pa = NSTATE_NONE, h->size = 128))
HM(m_size_big, h->size += 1)
HM(m_size_small, h->size -= 4096)
HM(m_vmcs12_revision, img[0] ^= 1)
HM(m_vmcs12_launch, img[8] = 2)
HM(m_vmcs12_field, img[800] = 1) /* TPR_THRESHOLD: not emulated */
HM(m_vmcs12_pad, img[20] = 1)
HM(m_vmcs12_pad_tail, img[4095] = 1)
HM(m_vmcs12_pad_gap, img[998] = 1)
HM(m_guest_shadow_vmcs, img[3] |= 0x80)
HM(m_shadow_revision, img[4096] ^= 2)
HM(m_shadow_indicator, img[4096 + 3] &= 0x7f)
HM(m_shadow_launch, img[4096 + 8] = 7)
HM(m_shadow_field, img[4096 + 96] = 1) /* VIRTUAL_APIC_PAGE_ADDR */
HM(m_shadow_pad, img[4096 + 2000] = 1)
/* a guest-mode blob whose vmcs12 turns VMCS shadowing on needs the shadow */
HM(m_shadow_missing, (img[804 + 1] |= SEC_SHADOW_VMCS >> 8,
		      memcpy(img + 176, &(uint64_t){LINK_PA}, 8)))

static const struct hdr_mut muts[] = {
    {NSTATE_E_TOO_SHORT, S_VMXOFF, m_none, 1},
    {NSTATE_E_FORMAT, S_CURRENT, m_format, 0},
    {NSTATE_E_FLAGS_UNKNOWN, S_CURRENT, m_flags_unknown, 0},
    {NSTATE_E_EVMCS, S_GUEST, m_evmcs, 0},
    {NSTATE_E_MTF_PENDING, S_GUEST, m_mtf, 0},
    {NSTATE_E_RUN_PENDING_NO_GUEST, S_CURRENT, m_run_no_guest, 0},
    {NSTATE_E_SMM, S_CURRENT, m_smm, 0},
    {NSTATE_E_HDR_PAD, S_CURRENT, m_pad, 0},
    {NSTATE_E_HDR_PAD, S_VMXOFF, m_reserved, 0},
    {NSTATE_E_VMX_FLAGS_UNKNOWN, S_GUEST, m_vmx_flags, 0},
    {NSTATE_E_DEADLINE_NO_GUEST, S_CURRENT, m_deadline_no_guest, 0},
    {NSTATE_E_DEADLINE_NO_FLAG, S_GUEST, m_deadline_no_flag, 0},
    {NSTATE_E_VMXOFF_STATE, S_VMXOFF, m_vmxoff_vmcs, 0},
    {NSTATE_E_VMXOFF_STATE, S_VMXOFF, m_vmxoff_flags, 0},
    {NSTATE_E_VMXON_ALIGN, S_VMXON, m_vmxon_align, 0},
    {NSTATE_E_VMXON_WIDTH, S_VMXON, m_vmxon_width, 0},
    {NSTATE_E_VMCS12_ALIGN, S_CURRENT, m_vmcs12_align, 0},
    {NSTATE_E_VMCS12_WIDTH, S_CURRENT, m_vmcs12_width, 0},
    {NSTATE_E_VMCS12_IS_VMXON, S_CURRENT, m_vmcs12_is_vmxon, 0},
    {NSTATE_E_GUEST_NO_VMCS, S_GUEST, m_guest_no_vmcs, 0},
    {NSTATE_E_SIZE, S_CURRENT, m_size_small, 0},
    {NSTATE_E_SIZE, S_GUEST, m_shadow_missing, 0},
    {NSTATE_E_SIZE, S_GUEST_SHADOW, m_size_small, 0},
    {NSTATE_E_SHORT_BUFFER, S_CURRENT, m_size_big, 0},
    {NSTATE_E_SHORT_BUFFER, S_CURRENT, m_none, 1},
    {NSTATE_E_VMCS12_REVISION, S_CURRENT, m_vmcs12_revision, 0},
    {NSTATE_E_VMCS12_LAUNCH, S_CURRENT, m_vmcs12_launch, 0},
    {NSTATE_E_VMCS12_FIELD, S_CURRENT, m_vmcs12_field, 0},
    {NSTATE_E_VMCS12_PADDING, S_CURRENT, m_vmcs12_pad, 0},
    {NSTATE_E_VMCS12_PADDING, S_CURRENT, m_vmcs12_pad_tail, 0},
    {NSTATE_E_VMCS12_PADDING, S_CURRENT, m_vmcs12_pad_gap, 0},
    {NSTATE_E_GUEST_SHADOW_VMCS, S_GUEST, m_guest_shadow_vmcs, 0},
    {NSTATE_E_SHADOW_REVISION, S_GUEST_SHADOW, m_shadow_revision, 0},
    {NSTATE_E_SHADOW_INDICATOR, S_GUEST_SHADOW, m_shadow_indicator, 0},
    {NSTATE_E_SHADOW_LAUNCH, S_GUEST_SHADOW, m_shadow_launch, 0},
    {NSTATE_E_SHADOW_FIELD, S_GUEST_SHADOW, m_shadow_field, 0},
    {NSTATE_E_SHADOW_PADDING, S_GUEST_SHADOW, m_shadow_pad, 0},
};
#define NMUTS (sizeof(muts) / sizeof(muts[0]))

static void t_each_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < NMUTS; i++) {
		struct nstate s = make(muts[i].st), d;
		size_t n = encode(&s);
		struct nstate_hdr h;
		struct nstate_result r;

		/* the unbroken blob is fine */
		assert_int_equal(decode(n, &d).err, NSTATE_OK);
		memcpy(&h, blob, sizeof(h));
		muts[i].mutate(&h, blob + 128);
		memcpy(blob, &h, sizeof(h));
		r = decode(n - muts[i].len_delta, &d);
		if (r.err != muts[i].err)
			fail_msg("case %zu: want %s, got %s (%s)", i,
				 nstate_err_name(muts[i].err),
				 nstate_err_name(r.err), r.detail);
		/* the detail starts with the rule's sentence */
		assert_int_equal(strncmp(r.detail, nstate_err_text(r.err),
					 strlen(nstate_err_text(r.err))),
				 0);
	}
}

/* Every rule decode applies has a case above. */
static void t_every_rule_has_a_case(void **state)
{
	bool covered[NSTATE_ERR_COUNT] = {false};

	(void)state;
	for (size_t i = 0; i < NMUTS; i++)
		covered[muts[i].err] = true;
	/* checked apart: the entry checks (below), and the core's own two */
	covered[NSTATE_E_ENTRY_CONTROLS] = covered[NSTATE_E_ENTRY_GUEST] = true;
	covered[NSTATE_E_SHADOW_MEMORY] = covered[NSTATE_E_NO_MEMORY] = true;
	for (int e = 1; e < NSTATE_ERR_COUNT; e++)
		if (!covered[e])
			fail_msg("no test for %s", nstate_err_name(e));
}

/* KVM's guest-mode blobs say launch state 0 until L2's first exit. */
static void t_guest_clear_launch_state(void **state)
{
	struct nstate s = make(S_GUEST), d;
	size_t n;

	(void)state;
	vmcs12_set_launched(&cur, false);
	n = encode(&s);
	assert_int_equal(decode(n, &d).err, NSTATE_OK);
	assert_false(vmcs12_launched(&out_cur));
	assert_int_equal(nstate_encode(&d, again, sizeof(again)), n);
	assert_memory_equal(blob, again, n);
}

static void t_detail_names_values(void **state)
{
	struct nstate s = make(S_CURRENT), d;
	size_t n = encode(&s);
	struct nstate_result r;

	(void)state;
	blob[128 + 800] = 5;
	r = decode(n, &d);
	assert_string_equal(r.detail,
			    "vmcs12 field not emulated by Matryoshka is not 0: "
			    "TPR_THRESHOLD (offset 800) is 0x5");
	s = make(S_CURRENT);
	n = encode(&s);
	memcpy(blob + 16, &(uint64_t){VMCS12_PA | 0x10}, 8);
	r = decode(n, &d);
	assert_string_equal(r.detail, "vmcs12_pa not 4 KiB aligned: 0x11010");
}

/* --- the entry checks of a guest-mode blob --- */
static struct check_env env(void)
{
	struct check_env e = {.caps = &caps,
			      .phys_bits = BITS,
			      .l1_long_mode = true,
			      .read = no_memory};

	return e;
}

static void t_entry_checks(void **state)
{
	struct check_env e = env();
	struct nstate s, d;
	struct nstate_result r;
	size_t n;

	(void)state;
	for (int st = S_GUEST; st <= S_GUEST_SHADOW; st++) {
		s = make((enum state)st);
		n = encode(&s);
		assert_int_equal(decode(n, &d).err, NSTATE_OK);
		r = nstate_check_entry(&d, &e);
		if (r.err)
			fail_msg("state %d: %s", st, r.detail);
	}
	/* outside guest mode nothing is checked */
	s = make(S_CURRENT);
	SET(EPT_POINTER, 0x6000 | 2);
	n = encode(&s);
	assert_int_equal(decode(n, &d).err, NSTATE_OK);
	assert_int_equal(nstate_check_entry(&d, &e).err, NSTATE_OK);

	s = make(S_GUEST);
	SET(EPT_POINTER, 0x6000 | 2); /* memory type 2: reserved */
	n = encode(&s);
	assert_int_equal(decode(n, &d).err, NSTATE_OK);
	r = nstate_check_entry(&d, &e);
	assert_int_equal(r.err, NSTATE_E_ENTRY_CONTROLS);
	assert_non_null(strstr(r.detail, "ctl.eptp (VMfailValid 7)"));

	s = make(S_GUEST);
	SET(GUEST_RFLAGS, 0); /* bit 1 must be set */
	n = encode(&s);
	assert_int_equal(decode(n, &d).err, NSTATE_OK);
	r = nstate_check_entry(&d, &e);
	assert_int_equal(r.err, NSTATE_E_ENTRY_GUEST);
	assert_non_null(strstr(r.detail, "guest.rflags.reserved"));

	/* the link pointer's VMCS comes from the blob, not from memory */
	s = make(S_GUEST_SHADOW);
	vmcs12_set_revision(&shadow, VMCS12_REVISION, true);
	n = encode(&s);
	assert_int_equal(decode(n, &d).err, NSTATE_OK);
	assert_int_equal(nstate_check_entry(&d, &e).err, NSTATE_OK);
	/* a link pointer without shadowing: read from L1 memory (none here) */
	s = make(S_GUEST);
	SET(VMCS_LINK_POINTER, LINK_PA);
	n = encode(&s);
	assert_int_equal(decode(n, &d).err, NSTATE_OK);
	r = nstate_check_entry(&d, &e);
	assert_int_equal(r.err, NSTATE_E_ENTRY_GUEST);
	assert_non_null(strstr(r.detail, "guest.link.revision"));
}

/* --- the fuzz --- */
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Bytes where a mutation means something: the header, fields, edges. */
static size_t hot_offset(size_t n)
{
	static const uint16_t hot[] = {
	    0,	       1,	  2,	3,    4,   7,	      8,
	    16,	       24,	  26,	28,   32,  40,	      127,
	    128,       131,	  136,	304,  932, 128 + 804, 128 + 176,
	    128 + 184, 128 + 788, 4224, 4227, 4232};
	if (rnd() & 1)
		return hot[rnd() % (sizeof(hot) / sizeof(hot[0]))] % n;
	return rnd() % n;
}

static void mutate(size_t n)
{
	unsigned k = 1 + rnd() % 3;

	for (unsigned i = 0; i < k; i++) {
		size_t off = hot_offset(n);

		switch (rnd() % 4) {
		case 0:
			blob[off] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1:
			blob[off] = (uint8_t)rnd();
			break;
		case 2:
			blob[off] = 0;
			break;
		default:
			blob[off] = 0xff;
			break;
		}
	}
}

static unsigned long fuzz_accepted, fuzz_refused[NSTATE_ERR_COUNT];

static void fuzz_one(void)
{
	struct nstate s, d;
	size_t n, len;
	struct nstate_result r;

	if (rnd() % 16 == 0) { /* random bytes with a plausible header */
		n = 128 + (rnd() % 3) * 4096;
		for (size_t i = 0; i < n; i++)
			blob[i] = (uint8_t)rnd();
		blob[2] = blob[3] = 0;
	} else {
		s = make((enum state)(rnd() % S_COUNT));
		n = encode(&s);
		mutate(n);
	}
	len = n;
	if (rnd() % 32 == 0)
		len = rnd() % (n + 1);
	r = decode(len, &d);
	if (r.err) {
		assert_true(r.err > 0 && r.err < NSTATE_ERR_COUNT);
		assert_true(r.detail[0] != '\0');
		fuzz_refused[r.err]++;
		return;
	}
	fuzz_accepted++;
	size_t m = nstate_encode(&d, again, sizeof(again));
	struct nstate_hdr h;

	memcpy(&h, blob, sizeof(h));
	assert_int_equal(m, h.size);
	if (memcmp(blob, again, m))
		fail_msg("accepted blob not reproduced (size %zu)", m);
}

static void t_fuzz(void **state)
{
	const char *env_n = getenv("NSTATE_FUZZ");
	const char *env_seed = getenv("NSTATE_SEED");
	unsigned long cases = env_n ? strtoul(env_n, NULL, 0) : 100000;
	clock_t t0 = clock();

	(void)state;
	rng = env_seed ? strtoull(env_seed, NULL, 0) : 1;
	if (!rng)
		rng = 1;
	for (unsigned long i = 0; i < cases; i++)
		fuzz_one();
	printf("nstate fuzz: %lu blobs (%lu accepted and reproduced byte for "
	       "byte, %lu refused) in %.1f s\n",
	       cases, fuzz_accepted, cases - fuzz_accepted,
	       (double)(clock() - t0) / CLOCKS_PER_SEC);
	/* both outcomes must really happen */
	assert_true(fuzz_accepted > cases / 100);
	assert_true(fuzz_accepted < cases);
}

/* --- base64 (the dump) --- */
static void t_base64(void **state)
{
	static const char *const want[] = {
	    "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	uint8_t back[16];
	size_t n;

	(void)state;
	for (unsigned i = 0; i < 7; i++) { /* RFC 4648 section 10 */
		base64_encode((const uint8_t *)"foobar", i, b64);
		assert_string_equal(b64, want[i]);
		assert_true(
		    base64_decode(b64, strlen(b64), back, sizeof(back), &n));
		assert_int_equal(n, i);
		assert_memory_equal(back, "foobar", i);
	}
	assert_false(base64_decode("Zm9", 3, back, sizeof(back), &n));
	assert_false(base64_decode("Zm=v", 4, back, sizeof(back), &n));
	assert_false(base64_decode("Z===", 4, back, sizeof(back), &n));
	assert_false(base64_decode("Zg==Zg==", 8, back, sizeof(back), &n));
	assert_false(base64_decode("Zm9v", 4, back, 2, &n));
	assert_false(base64_decode("Zm9*", 4, back, sizeof(back), &n));
	/* a whole blob */
	struct nstate st = make(S_GUEST_SHADOW);
	size_t len = encode(&st);
	static uint8_t out[NSTATE_MAX_SIZE];

	base64_encode(blob, len, b64);
	assert_true(base64_decode(b64, strlen(b64), out, sizeof(out), &n));
	assert_int_equal(n, len);
	assert_memory_equal(out, blob, len);
}

static int setup(void **state)
{
	(void)state;
	vcaps12_compute(&bochs_skylake_x, &caps);
	log_setup(sink, NULL, LOG_DEBUG);
	return 0;
}

/* --- samples for tools/nstate's test (tests/unit/test-nstate-tool.sh) --- */
static void write_file(const char *dir, const char *name, const void *p,
		       size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* A serial log with a dump as L0 prints it (nested_state_dump). */
static void write_dump(const char *dir, size_t n)
{
	char path[512], line[200];
	unsigned lines = (unsigned)((n + 143) / 144);
	FILE *f;

	snprintf(path, sizeof(path), "%s/dump.log", dir);
	f = fopen(path, "w");
	if (!f)
		exit(1);
	fprintf(f, "\x1b[0m[error cpu0] vmx: stopping cpu0 (test)\r\n");
	fprintf(f, "[error cpu0] nstate 1/2 AAAA\r\n"); /* an older, cut one */
	for (unsigned i = 0; i < lines; i++) {
		size_t off = (size_t)i * 144, k = n - off < 144 ? n - off : 144;

		base64_encode(blob + off, k, line);
		fprintf(f, "[error cpu0] nstate %u/%u %s\r\n", i + 1, lines,
			line);
	}
	fclose(f);
}

static int write_samples(const char *dir)
{
	struct nstate s;
	size_t n;

	s = make(S_GUEST_SHADOW);
	n = encode(&s);
	write_file(dir, "guest.bin", blob, n);
	write_dump(dir, n);
	s = make(S_CURRENT);
	n = encode(&s);
	write_file(dir, "current.bin", blob, n);
	blob[16] |= 8; /* vmcs12_pa not aligned */
	write_file(dir, "bad.bin", blob, n);
	s = make(S_GUEST);
	SET(EPT_POINTER, 0x6000 | 2);
	n = encode(&s);
	write_file(dir, "badentry.bin", blob, n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write-samples")) {
		vcaps12_compute(&bochs_skylake_x, &caps);
		return write_samples(argv[2]);
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_layout_offsets),
	    cmocka_unit_test(t_layout_complete),
	    cmocka_unit_test(t_round_trips),
	    cmocka_unit_test(t_sizes),
	    cmocka_unit_test(t_revisions),
	    cmocka_unit_test(t_each_rule),
	    cmocka_unit_test(t_every_rule_has_a_case),
	    cmocka_unit_test(t_detail_names_values),
	    cmocka_unit_test(t_guest_clear_launch_state),
	    cmocka_unit_test(t_entry_checks),
	    cmocka_unit_test(t_fuzz),
	    cmocka_unit_test(t_base64),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
