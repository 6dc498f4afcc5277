/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nested state in Linux KVM's migration format (struct kvm_nested_state,
 * format 0 = VMX; KVM_GET/SET_NESTED_STATE): a 128-byte header, then the
 * current vmcs12 and, in guest mode with VMCS shadowing, the shadow vmcs12,
 * each a 4 KiB image in KVM's vmcs12 layout (nested/kvm_vmcs12.def).
 *
 *   offset 0   u16 flags      GUEST_MODE 0x1, RUN_PENDING 0x2, EVMCS 0x4,
 *                             MTF_PENDING 0x8
 *   offset 2   u16 format     0 = VMX
 *   offset 4   u32 size       bytes of the whole blob
 *   offset 8   u64 vmxon_pa   -1 when L1 is not in VMX operation
 *   offset 16  u64 vmcs12_pa  -1 when there is no current VMCS
 *   offset 24  u16 smm.flags
 *   offset 26  u16 pad
 *   offset 28  u32 flags      PREEMPTION_TIMER_DEADLINE 0x1
 *   offset 32  u64 preemption_timer_deadline
 *   offset 40  zero up to 128
 *   offset 128 vmcs12[4096] (when vmcs12_pa is not -1)
 *   offset 4224 shadow_vmcs12[4096] (GUEST_MODE, vmcs12 with VMCS shadowing
 *               and a link pointer other than -1)
 *
 * This file and nested/nstate.c are pure (no hardware, no guest memory):
 * the core (nested/nstate_vcpu.c), the host tool (tools/nstate) and the
 * unit tests share them. docs/nested-state.md describes the format.
 */
#ifndef NESTED_NSTATE_H
#define NESTED_NSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nested/checks.h"
#include "nested/vmcs12.h"

#define NSTATE_HDR_SIZE	   128u
#define NSTATE_VMCS12_SIZE 4096u
#define NSTATE_MAX_SIZE	   (NSTATE_HDR_SIZE + 2 * NSTATE_VMCS12_SIZE)
#define NSTATE_FORMAT_VMX  0u
#define NSTATE_NONE	   (~0ull) /* vmxon_pa / vmcs12_pa: none */

#define NSTATE_GUEST_MODE  0x1u
#define NSTATE_RUN_PENDING 0x2u
#define NSTATE_EVMCS	   0x4u
#define NSTATE_MTF_PENDING 0x8u

#define NSTATE_VMX_PREEMPTION_TIMER_DEADLINE 0x1u

/* The vmcs12 revision identifier of KVM's layout (bits 30:0 of offset 0). */
#define NSTATE_KVM_VMCS12_REVISION 0x11e57ed0u
/* End of KVM's structure; Matryoshka's extension fields start at 1024. */
#define NSTATE_KVM_VMCS12_END 998u

/* The header as it lies in the blob (little-endian, no holes). */
struct nstate_hdr {
	uint16_t flags;
	uint16_t format;
	uint32_t size;
	uint64_t vmxon_pa;
	uint64_t vmcs12_pa;
	uint16_t smm_flags;
	uint16_t pad;
	uint32_t vmx_flags;
	uint64_t preemption_timer_deadline;
	uint8_t reserved[88];
};
_Static_assert(sizeof(struct nstate_hdr) == NSTATE_HDR_SIZE,
	       "the header is 128 bytes");

enum nstate_err {
	NSTATE_OK = 0,
#define NSTATE_ERR(id, text) NSTATE_E_##id,
#include "nested/nstate_errors.def"
#undef NSTATE_ERR
	NSTATE_ERR_COUNT
};

/* What a refusal says: the rule and the values that broke it. */
struct nstate_result {
	enum nstate_err err;
	char detail[160];
};

/* "vmcs12_pa not 4 KiB aligned", by error. */
const char *nstate_err_text(enum nstate_err err);
/* "VMCS12_ALIGN": the rule's id, for tests and the tool. */
const char *nstate_err_name(enum nstate_err err);

/*
 * The decoded state: the header's values and the vmcs12 images in
 * Matryoshka's layout (revision VMCS12_REVISION, sanitized), in pages the
 * caller provides.
 */
struct nstate {
	uint16_t flags;
	uint64_t vmxon_pa, vmcs12_pa;
	uint32_t vmx_flags;
	uint64_t deadline;
	bool has_vmcs12, has_shadow;
	struct vmcs12 *vmcs12, *shadow; /* valid when has_* */
};

/* A guest-mode blob of this vmcs12 carries a shadow vmcs12 (VMCS shadowing
 * on, link pointer not -1). */
bool nstate_uses_shadow(const struct vmcs12 *c);

/* Blob size for a state: 128 + 4096 per vmcs12 image. */
size_t nstate_size(const struct nstate *s);

/*
 * Writes the blob of s into buf (len bytes). Returns the blob's size; if
 * len is smaller, nothing is written and the caller retries with that
 * size.
 */
size_t nstate_encode(const struct nstate *s, void *buf, size_t len);

/*
 * Reads and validates a blob (len bytes available): every rule of
 * nested/nstate_errors.def up to the entry checks, which need more than the
 * blob (nstate_check_entry). On success *s describes it, with its images in
 * s->vmcs12 and s->shadow: two pages of the caller's, used as scratch (they
 * may be written on a failure too). phys_bits: L1's physical-address width.
 */
struct nstate_result nstate_decode(const void *blob, size_t len,
				   unsigned phys_bits, struct nstate *s);

/*
 * GUEST_MODE: the VM-entry checks (nested/checks*.c) on the decoded vmcs12,
 * as VMLAUNCH/VMRESUME would run them. Reads of the link pointer's VMCS
 * are served from the blob's shadow vmcs12 when it has one; every other
 * read goes to env->read (NULL: not readable).
 */
struct nstate_result nstate_check_entry(const struct nstate *s,
					const struct check_env *env);

/* One vmcs12 image (4 KiB) in KVM's layout <-> Matryoshka's. */
void nstate_vmcs12_to_kvm(const struct vmcs12 *c, uint8_t out[4096]);
struct nstate_result nstate_vmcs12_from_kvm(const uint8_t in[4096], bool shadow,
					    struct vmcs12 *c);

/* The layout, for the tool and the tests: offset of a field, -1 if none. */
int nstate_kvm_offset(enum vmcs_field f);

/* The i-th field of the layout (offset order), or NULL past the end. */
struct nstate_field {
	enum vmcs_field f;
	unsigned offset, size;
	const char *name;
};
bool nstate_kvm_field(unsigned i, struct nstate_field *out);

#endif
