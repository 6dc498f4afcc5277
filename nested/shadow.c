/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hardware VMCS shadowing for L1 (SDM Vol. 3C 25.10, 25.6.15): while L1 is
 * in VMX operation, vmcs01 enables VMCS shadowing with L0's VMREAD/VMWRITE
 * bitmaps, which let the fields of nested/shadow_fields.def through to a
 * shadow VMCS of L0's linked from vmcs01 (while L1 has a current vmcs12).
 * L1's VMREAD/VMWRITE of those fields then cost no exit. The shadow holds
 * the live values of those fields: L0 pulls them into its vmcs12 cache
 * before it uses the cache (every VMX instruction exit) and pushes them
 * back after it changed the cache (after the exit, and after an exit of L2).
 *
 * Only what can differ moves: the pull reads the fields L1 can VMWRITE
 * without an exit (SHADOW_FIELD_RW; L1's VMWRITE of an RO or RD field
 * exits, so L0 knows those already); the
 * push after an exit of L2 writes only the fields an exit writes and the
 * guest fields it changed in the cache (nested_shadow_push_exit), every
 * other push writes them all.
 */
#include "lib/log.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "nested/internal.h"
#include "vmx/config.h"
#include "vmx/vmx.h"

#define MISC_VMWRITE_ANY (1ull << 29)

struct shadow_field {
	enum vmcs_field f;
	bool ro;       /* VM-exit information */
	bool writable; /* L1 writes it without an exit (pulled) */
	uint16_t slot;
};

static const struct shadow_field fields[] = {
#define SHADOW_FIELD_RO(name) {name, true, false, VMCS12_SLOT_##name},
#define SHADOW_FIELD_RW(name) {name, false, true, VMCS12_SLOT_##name},
#define SHADOW_FIELD_RD(name) {name, false, false, VMCS12_SLOT_##name},
#include "nested/shadow_fields.def"
#undef SHADOW_FIELD_RO
#undef SHADOW_FIELD_RW
#undef SHADOW_FIELD_RD
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static uint64_t vmread_bitmap_pa, vmwrite_bitmap_pa;
static bool usable;
/* Read-only fields in the shadow need VMWRITE to any field from L0 (App. A.6).
 */
static bool ro_too;

/* The fields in the shadow (push) and the shadow's fields by vmcs12 slot. */
static struct {
	unsigned n_push;
	struct vmcs12_foff push[NFIELDS];
	struct dirty12 in_shadow;
	enum vmcs_field field_of[VMCS12_SLOT_COUNT];
} lists;

static void make_lists(void)
{
	dirty12_clear(&lists.in_shadow);
	for (unsigned i = 0; i < NFIELDS; i++) {
		struct vmcs12_foff fs = {
		    fields[i].f,
		    (uint32_t)(__builtin_offsetof(struct vmcs12, field) +
			       8u * fields[i].slot)};

		if (fields[i].ro && !ro_too)
			continue;
		lists.push[lists.n_push++] = fs;
		dirty12_mark(&lists.in_shadow, fields[i].slot);
		lists.field_of[fields[i].slot] = fields[i].f;
	}
}

static void let_through(uint8_t *bitmap, enum vmcs_field f)
{
	unsigned bit = (unsigned)f & 0x7fff;

	bitmap[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

void nested_shadow_init(void)
{
	uint32_t sec_may1 = (uint32_t)(vmx_cfg.msrs.procbased2 >> 32);

	if (!(sec_may1 & SEC_SHADOW_VMCS)) {
		log_info("nested: the CPU has no VMCS shadowing: every "
			 "VMREAD/VMWRITE of L1 exits");
		return;
	}
	vmread_bitmap_pa = page_alloc();
	vmwrite_bitmap_pa = page_alloc();
	if (!vmread_bitmap_pa || !vmwrite_bitmap_pa)
		return;
	uint8_t *rd = phys_to_virt(vmread_bitmap_pa),
		*wr = phys_to_virt(vmwrite_bitmap_pa);

	ro_too = vmx_cfg.msrs.misc & MISC_VMWRITE_ANY;
	memset(rd, 0xff, 4096);
	memset(wr, 0xff, 4096);
	for (unsigned i = 0; i < NFIELDS; i++) {
		if (fields[i].ro && !ro_too)
			continue;
		let_through(rd, fields[i].f);
		/* RO and RD fields: L1's VMWRITE exits (and is emulated, for
		 * an RO field where IA32_VMX_MISC bit 29 allows it), so L0
		 * knows every write and never pulls them */
		if (fields[i].writable)
			let_through(wr, fields[i].f);
	}
	make_lists();
	usable = true;
	unsigned writable = 0;

	for (unsigned i = 0; i < NFIELDS; i++)
		writable += fields[i].writable;
	log_info("nested: VMCS shadowing: %u fields of L1's VMCS are read "
		 "without exits, %u of them written without exits too",
		 lists.n_push, writable);
}

static bool active(const struct vcpu *v)
{
	return usable && v->nested.shadow_pa &&
	       v->nested.current_ptr != VMCS12_NONE;
}

static void shadow_current(struct vcpu *v)
{
	if (vmptrld(v->nested.shadow_pa) != VMX_OK)
		vcpu_stop(v, "VMPTRLD of the shadow VMCS failed");
}

static void vmcs01_again(struct vcpu *v)
{
	if (vmptrld(v->vmcs_pa) != VMX_OK)
		vcpu_stop(v, "VMPTRLD of vmcs01 failed");
}

/*
 * One field of the shadow into the cache: straight-line code per field
 * (the encoding is each VMREAD's constant); most fields did not change.
 */
#define PULL(n, name)                                                          \
	do {                                                                   \
		uint64_t v_ = vmcs_read_fast(name);                            \
		if (__builtin_expect(                                          \
			(n)->vmcs12->field[VMCS12_SLOT_##name] != v_, 0))      \
			nested_pulled((n), VMCS12_SLOT_##name, v_);            \
	} while (0)

/* The fields L1 can VMWRITE without an exit, the shadow VMCS current. */
static void pull_fields(struct nested *n)
{
#define SHADOW_FIELD_RO(name)
#define SHADOW_FIELD_RW(name) PULL(n, name);
#define SHADOW_FIELD_RD(name)
#include "nested/shadow_fields.def"
#undef SHADOW_FIELD_RO
#undef SHADOW_FIELD_RW
#undef SHADOW_FIELD_RD
}

/* Runs with the shadow VMCS current, then makes vmcs01 current again. The
 * shadow holds values of each field's width, as the slots must. */
static void sync(struct vcpu *v, bool pull)
{
	struct vmcs12 *c = v->nested.vmcs12;

	shadow_current(v);
	if (pull)
		pull_fields(&v->nested);
	else
		for (unsigned i = 0; i < lists.n_push; i++)
			vmcs_write(lists.push[i].field,
				   *vmcs12_at(c, lists.push[i].off));
	vmcs01_again(v);
}

void nested_shadow_pull(struct vcpu *v)
{
	if (active(v))
		sync(v, true);
}

/* One cache field into the shadow VMCS (the shadow current). */
#define PUSH(c, name)                                                          \
	vmcs_write_fast(name, (c)->field[VMCS12_SLOT_##name])

/* A read-only cache field into the shadow VMCS, with ro_too (the caller). */
#define PUSH_RO(c, name)                                                       \
	do {                                                                   \
		if (vmcs_field_basic(name))                                    \
			vmwrite_basic(name, (c)->field[VMCS12_SLOT_##name]);   \
		else                                                           \
			vmcs_write(name, (c)->field[VMCS12_SLOT_##name]);      \
	} while (0)

/*
 * After an exit of L2: the shadow held the cache's values since the pull
 * at L1's VMRESUME (or the push after it); the exit wrote every exit
 * information field (the read-only ones, which are in the shadow only
 * where L0 may VMWRITE them, and VM_INSTRUCTION_ERROR), consumed the
 * injected event, and changed the saved guest fields in changed. vmcs01
 * is current and links the shadow already.
 */
void nested_shadow_push_exit(struct vcpu *v, const struct dirty12 *changed)
{
	struct vmcs12 *c = v->nested.vmcs12;

	if (!active(v))
		return;
	shadow_current(v);
	if (ro_too) {
		/* the CPU lets L0 VMWRITE read-only fields (IA32_VMX_MISC[29]):
		 * a basic one cannot fail then either (vmx/vmcs_basic.def) */
#define SHADOW_FIELD_RO(name) PUSH_RO(c, name);
#define SHADOW_FIELD_RW(name)
#define SHADOW_FIELD_RD(name)
#include "nested/shadow_fields.def"
#undef SHADOW_FIELD_RO
#undef SHADOW_FIELD_RW
#undef SHADOW_FIELD_RD
	}
	PUSH(c, VM_ENTRY_INTR_INFO);
	DIRTY12_FOR_EACH(changed, &lists.in_shadow, slot)
		vmcs_write(lists.field_of[slot], c->field[slot]);
	vmcs01_again(v);
	vmcs_write(VMCS_LINK_POINTER, v->nested.shadow_pa);
}

/*
 * After L0 is done with the cache: the shadow gets the cache's values and
 * vmcs01 links it, or links nothing when L1 has no current VMCS (L1's
 * VMREAD/VMWRITE then fail with VMfailInvalid in the CPU, as they must).
 */
void nested_shadow_push(struct vcpu *v)
{
	struct nested *n = &v->nested;

	if (!usable || !n->vmxon)
		return;
	if (!n->shadow_pa) {
		n->shadow_pa = n->shadow_reserved; /* nested/reserve.c */
		if (!n->shadow_pa)
			return;
		*(uint32_t *)phys_to_virt(n->shadow_pa) =
		    ((uint32_t)vmx_cfg.msrs.basic & 0x7fffffff) | (1u << 31);
		if (vmclear(n->shadow_pa) != VMX_OK)
			vcpu_stop(v, "VMCLEAR of the shadow VMCS failed");
	}
	if (active(v))
		sync(v, false);
	vmcs_write(VMCS_LINK_POINTER,
		   n->current_ptr != VMCS12_NONE ? n->shadow_pa : ~0ull);
}

/* VMXON/VMXOFF: shadowing in vmcs01 only while L1 is in VMX operation. */
void nested_shadow_enable(struct vcpu *v, bool on)
{
	if (!usable)
		return;
	uint64_t sec = vmcs_read(SECONDARY_VM_EXEC_CONTROL);

	if (on) {
		vmcs_write(VMREAD_BITMAP, vmread_bitmap_pa);
		vmcs_write(VMWRITE_BITMAP, vmwrite_bitmap_pa);
		vmcs_write(SECONDARY_VM_EXEC_CONTROL, sec | SEC_SHADOW_VMCS);
		nested_shadow_push(v);
	} else {
		vmcs_write(SECONDARY_VM_EXEC_CONTROL,
			   sec & ~(uint64_t)SEC_SHADOW_VMCS);
		vmcs_write(VMCS_LINK_POINTER, ~0ull);
	}
}
