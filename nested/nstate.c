/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The nested-state blob (nested/nstate.h): KVM's vmcs12 layout from
 * nested/kvm_vmcs12.def, encoding, and decoding with every validation rule
 * of nested/nstate_errors.def. Pure: the core, tools/nstate and the unit
 * tests share it.
 */
#include "nested/nstate.h"

#include "lib/fmt.h"
#include "lib/string.h"
#include "vmx/controls.h"

#define REV_MASK 0x7fffffffu

struct kvm_field {
	uint16_t offset;
	uint8_t size; /* bytes: 2, 4 or 8 by the encoding's width */
	enum vmcs_field f;
	const char *name;
};

static const uint8_t width_bytes[4] = {2, 8, 4, 8}; /* SDM 25.11.2 */
#define FIELD_BYTES(f) (width_bytes[((unsigned)(f) >> 13) & 3])

static const struct kvm_field layout[] = {
#define KVM_VMCS12(off, name) {off, FIELD_BYTES(name), name, #name},
#define NSTATE_EXT(off, name) {off, FIELD_BYTES(name), name, #name},
#include "nested/kvm_vmcs12.def"
#undef KVM_VMCS12
#undef NSTATE_EXT
};
#define NLAYOUT (sizeof(layout) / sizeof(layout[0]))

/* The header bytes of every vmcs12 image: revision, abort, launch state. */
#define IMG_REVISION 0
#define IMG_ABORT    4
#define IMG_LAUNCH   8
#define IMG_FIRST    12 /* first byte after them */

static const char *const err_text[NSTATE_ERR_COUNT] = {
    [NSTATE_OK] = "ok",
#define NSTATE_ERR(id, text) [NSTATE_E_##id] = text,
#include "nested/nstate_errors.def"
#undef NSTATE_ERR
};

static const char *const err_name[NSTATE_ERR_COUNT] = {
    [NSTATE_OK] = "OK",
#define NSTATE_ERR(id, text) [NSTATE_E_##id] = #id,
#include "nested/nstate_errors.def"
#undef NSTATE_ERR
};

const char *nstate_err_text(enum nstate_err err)
{
	return (unsigned)err < NSTATE_ERR_COUNT ? err_text[err] : "?";
}

const char *nstate_err_name(enum nstate_err err)
{
	return (unsigned)err < NSTATE_ERR_COUNT ? err_name[err] : "?";
}

int nstate_kvm_offset(enum vmcs_field f)
{
	for (size_t i = 0; i < NLAYOUT; i++)
		if (layout[i].f == f)
			return layout[i].offset;
	return -1;
}

bool nstate_kvm_field(unsigned i, struct nstate_field *out)
{
	if (i >= NLAYOUT)
		return false;
	out->f = layout[i].f;
	out->offset = layout[i].offset;
	out->size = layout[i].size;
	out->name = layout[i].name;
	return true;
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

__attribute__((format(printf, 3, 4))) static struct nstate_result
refuse(struct nstate_result *r, enum nstate_err err, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->err = err;
	n = fmt_snprintf(r->detail, sizeof(r->detail), "%s", err_text[err]);
	if (fmt && n >= 0 && (size_t)n < sizeof(r->detail) - 2) {
		r->detail[n++] = ':';
		r->detail[n++] = ' ';
		va_start(ap, fmt);
		fmt_vsnprintf(r->detail + n, sizeof(r->detail) - (size_t)n, fmt,
			      ap);
		va_end(ap);
	}
	return *r;
}

static struct nstate_result ok(void)
{
	struct nstate_result r = {.err = NSTATE_OK, .detail = "ok"};

	return r;
}

void nstate_vmcs12_to_kvm(const struct vmcs12 *c, uint8_t out[4096])
{
	memset(out, 0, NSTATE_VMCS12_SIZE);
	put_le(out + IMG_REVISION, 4,
	       NSTATE_KVM_VMCS12_REVISION |
		   (vmcs12_is_shadow(c) ? VMCS12_SHADOW_INDICATOR : 0));
	put_le(out + IMG_ABORT, 4, vmcs12_abort_indicator(c));
	put_le(out + IMG_LAUNCH, 4, vmcs12_launched(c) ? 1 : 0);
	for (size_t i = 0; i < NLAYOUT; i++)
		put_le(out + layout[i].offset, layout[i].size,
		       vmcs12_get(c, layout[i].f));
}

/* Bytes of the image no field covers must be 0 (get writes 0 there). */
static bool padding_zero(const uint8_t *in, unsigned *bad)
{
	unsigned pos = IMG_FIRST;

	for (size_t i = 0; i <= NLAYOUT; i++) {
		unsigned end =
		    i < NLAYOUT ? layout[i].offset : NSTATE_VMCS12_SIZE;

		for (; pos < end; pos++)
			if (in[pos]) {
				*bad = pos;
				return false;
			}
		if (i < NLAYOUT)
			pos = layout[i].offset + layout[i].size;
	}
	return true;
}

struct nstate_result nstate_vmcs12_from_kvm(const uint8_t in[4096], bool shadow,
					    struct vmcs12 *c)
{
	struct nstate_result r;
	uint32_t rev = (uint32_t)get_le(in + IMG_REVISION, 4);
	uint32_t launch = (uint32_t)get_le(in + IMG_LAUNCH, 4);
	unsigned bad;

	if ((rev & REV_MASK) != NSTATE_KVM_VMCS12_REVISION)
		return refuse(&r,
			      shadow ? NSTATE_E_SHADOW_REVISION
				     : NSTATE_E_VMCS12_REVISION,
			      "0x%x", rev & REV_MASK);
	if (shadow && !(rev & VMCS12_SHADOW_INDICATOR))
		return refuse(&r, NSTATE_E_SHADOW_INDICATOR, "0x%x", rev);
	if (launch > 1)
		return refuse(&r,
			      shadow ? NSTATE_E_SHADOW_LAUNCH
				     : NSTATE_E_VMCS12_LAUNCH,
			      "%u", launch);
	memset(c, 0, sizeof(*c));
	vmcs12_set_revision(c, VMCS12_REVISION, rev & VMCS12_SHADOW_INDICATOR);
	vmcs12_set_abort_indicator(c, (uint32_t)get_le(in + IMG_ABORT, 4));
	vmcs12_set_launched(c, launch == 1);
	for (size_t i = 0; i < NLAYOUT; i++) {
		uint64_t v = get_le(in + layout[i].offset, layout[i].size);

		if (vmcs12_slot_lookup(layout[i].f) < 0 && v)
			return refuse(&r,
				      shadow ? NSTATE_E_SHADOW_FIELD
					     : NSTATE_E_VMCS12_FIELD,
				      "%s (offset %u) is 0x%lx", layout[i].name,
				      layout[i].offset, (unsigned long)v);
		vmcs12_set(c, layout[i].f, v);
	}
	if (!padding_zero(in, &bad))
		return refuse(&r,
			      shadow ? NSTATE_E_SHADOW_PADDING
				     : NSTATE_E_VMCS12_PADDING,
			      "offset %u is 0x%x", bad, in[bad]);
	return ok();
}

bool nstate_uses_shadow(const struct vmcs12 *c)
{
	uint32_t proc = (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL);

	return (proc & CPU_SECONDARY_CONTROLS) &&
	       (vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL) & SEC_SHADOW_VMCS) &&
	       vmcs12_get(c, VMCS_LINK_POINTER) != NSTATE_NONE;
}

size_t nstate_size(const struct nstate *s)
{
	return NSTATE_HDR_SIZE + (s->has_vmcs12 ? NSTATE_VMCS12_SIZE : 0) +
	       (s->has_shadow ? NSTATE_VMCS12_SIZE : 0);
}

size_t nstate_encode(const struct nstate *s, void *buf, size_t len)
{
	size_t size = nstate_size(s);
	struct nstate_hdr h;
	uint8_t *out = buf;

	if (len < size)
		return size;
	memset(&h, 0, sizeof(h));
	h.flags = s->flags;
	h.format = NSTATE_FORMAT_VMX;
	h.size = (uint32_t)size;
	h.vmxon_pa = s->vmxon_pa;
	h.vmcs12_pa = s->vmcs12_pa;
	h.vmx_flags = s->vmx_flags;
	h.preemption_timer_deadline = s->deadline;
	memcpy(out, &h, sizeof(h));
	if (s->has_vmcs12)
		nstate_vmcs12_to_kvm(s->vmcs12, out + NSTATE_HDR_SIZE);
	if (s->has_shadow)
		nstate_vmcs12_to_kvm(s->shadow, out + NSTATE_HDR_SIZE +
						    NSTATE_VMCS12_SIZE);
	return size;
}

static bool bytes_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The header's flag rules, in nested/nstate_errors.def's order. */
static struct nstate_result check_flags(const struct nstate_hdr *h)
{
	struct nstate_result r;
	const uint16_t known = NSTATE_GUEST_MODE | NSTATE_RUN_PENDING |
			       NSTATE_EVMCS | NSTATE_MTF_PENDING;

	if (h->format != NSTATE_FORMAT_VMX)
		return refuse(&r, NSTATE_E_FORMAT, "%u", h->format);
	if (h->flags & ~known)
		return refuse(&r, NSTATE_E_FLAGS_UNKNOWN, "0x%x", h->flags);
	if (h->flags & NSTATE_EVMCS)
		return refuse(&r, NSTATE_E_EVMCS, NULL);
	if (h->flags & NSTATE_MTF_PENDING)
		return refuse(&r, NSTATE_E_MTF_PENDING, NULL);
	if ((h->flags & NSTATE_RUN_PENDING) && !(h->flags & NSTATE_GUEST_MODE))
		return refuse(&r, NSTATE_E_RUN_PENDING_NO_GUEST, NULL);
	if (h->smm_flags)
		return refuse(&r, NSTATE_E_SMM, "0x%x", h->smm_flags);
	if (h->pad || !bytes_zero(h->reserved, sizeof(h->reserved)))
		return refuse(&r, NSTATE_E_HDR_PAD, NULL);
	if (h->vmx_flags & ~NSTATE_VMX_PREEMPTION_TIMER_DEADLINE)
		return refuse(&r, NSTATE_E_VMX_FLAGS_UNKNOWN, "0x%x",
			      h->vmx_flags);
	if ((h->vmx_flags & NSTATE_VMX_PREEMPTION_TIMER_DEADLINE) &&
	    !(h->flags & NSTATE_GUEST_MODE))
		return refuse(&r, NSTATE_E_DEADLINE_NO_GUEST, NULL);
	if (!(h->vmx_flags & NSTATE_VMX_PREEMPTION_TIMER_DEADLINE) &&
	    h->preemption_timer_deadline)
		return refuse(&r, NSTATE_E_DEADLINE_NO_FLAG, "0x%lx",
			      (unsigned long)h->preemption_timer_deadline);
	return ok();
}

/* The two addresses (SDM 31.3 VMXON, VMPTRLD: aligned, within the width). */
static struct nstate_result check_addresses(const struct nstate_hdr *h,
					    unsigned phys_bits)
{
	struct nstate_result r;

	if (h->vmxon_pa == NSTATE_NONE) {
		if (h->vmcs12_pa != NSTATE_NONE || h->flags || h->vmx_flags)
			return refuse(&r, NSTATE_E_VMXOFF_STATE,
				      "vmcs12_pa 0x%lx flags 0x%x",
				      (unsigned long)h->vmcs12_pa, h->flags);
		return ok();
	}
	if (h->vmxon_pa & 0xfff)
		return refuse(&r, NSTATE_E_VMXON_ALIGN, "0x%lx",
			      (unsigned long)h->vmxon_pa);
	if (h->vmxon_pa >> phys_bits)
		return refuse(&r, NSTATE_E_VMXON_WIDTH, "0x%lx, %u bits",
			      (unsigned long)h->vmxon_pa, phys_bits);
	if (h->vmcs12_pa == NSTATE_NONE) {
		if (h->flags & NSTATE_GUEST_MODE)
			return refuse(&r, NSTATE_E_GUEST_NO_VMCS, NULL);
		return ok();
	}
	if (h->vmcs12_pa & 0xfff)
		return refuse(&r, NSTATE_E_VMCS12_ALIGN, "0x%lx",
			      (unsigned long)h->vmcs12_pa);
	if (h->vmcs12_pa >> phys_bits)
		return refuse(&r, NSTATE_E_VMCS12_WIDTH, "0x%lx, %u bits",
			      (unsigned long)h->vmcs12_pa, phys_bits);
	if (h->vmcs12_pa == h->vmxon_pa)
		return refuse(&r, NSTATE_E_VMCS12_IS_VMXON, "0x%lx",
			      (unsigned long)h->vmcs12_pa);
	return ok();
}

static struct nstate_result check_size(const struct nstate_hdr *h, size_t len,
				       size_t want)
{
	struct nstate_result r;

	if (h->size > len)
		return refuse(&r, NSTATE_E_SHORT_BUFFER, "size %u, %lu bytes",
			      h->size, (unsigned long)len);
	if (h->size != want)
		return refuse(&r, NSTATE_E_SIZE, "size %u, expected %lu",
			      h->size, (unsigned long)want);
	return ok();
}

/* The current vmcs12 and, where the header and it say so, the shadow. */
static struct nstate_result decode_images(const struct nstate_hdr *h,
					  const uint8_t *in, size_t len,
					  struct nstate *s)
{
	struct nstate_result r;
	bool guest = h->flags & NSTATE_GUEST_MODE;

	if (h->vmcs12_pa == NSTATE_NONE)
		return check_size(h, len, NSTATE_HDR_SIZE);
	if (h->size > len || h->size < NSTATE_HDR_SIZE + NSTATE_VMCS12_SIZE)
		return check_size(h, len, NSTATE_HDR_SIZE + NSTATE_VMCS12_SIZE);
	r = nstate_vmcs12_from_kvm(in + NSTATE_HDR_SIZE, false, s->vmcs12);
	if (r.err)
		return r;
	s->has_vmcs12 = true;
	s->has_shadow = guest && nstate_uses_shadow(s->vmcs12);
	r = check_size(h, len, nstate_size(s));
	if (r.err)
		return r;
	if (guest && vmcs12_is_shadow(s->vmcs12))
		return refuse(&r, NSTATE_E_GUEST_SHADOW_VMCS, NULL);
	if (s->has_shadow)
		return nstate_vmcs12_from_kvm(
		    in + NSTATE_HDR_SIZE + NSTATE_VMCS12_SIZE, true, s->shadow);
	return ok();
}

struct nstate_result nstate_decode(const void *blob, size_t len,
				   unsigned phys_bits, struct nstate *s)
{
	struct nstate_result r;
	struct nstate_hdr h;

	s->has_vmcs12 = s->has_shadow = false;
	if (len < NSTATE_HDR_SIZE)
		return refuse(&r, NSTATE_E_TOO_SHORT, "%lu bytes",
			      (unsigned long)len);
	memcpy(&h, blob, sizeof(h));
	r = check_flags(&h);
	if (r.err)
		return r;
	r = check_addresses(&h, phys_bits);
	if (r.err)
		return r;
	r = decode_images(&h, blob, len, s);
	if (r.err)
		return r;
	s->flags = h.flags;
	s->vmxon_pa = h.vmxon_pa;
	s->vmcs12_pa = h.vmcs12_pa;
	s->vmx_flags = h.vmx_flags;
	s->deadline = h.preemption_timer_deadline;
	return ok();
}

struct link_ctx {
	const struct nstate *s;
	const struct check_env *env;
};

/* The link pointer's VMCS from the blob; anything else from env->read. */
static bool read_via_blob(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	const struct link_ctx *l = ctx;
	uint64_t link = vmcs12_get(l->s->vmcs12, VMCS_LINK_POINTER);

	if (l->s->has_shadow && gpa >= link && n <= NSTATE_VMCS12_SIZE &&
	    gpa - link <= NSTATE_VMCS12_SIZE - n) {
		memcpy(buf, (const uint8_t *)l->s->shadow + (gpa - link), n);
		return true;
	}
	return l->env->read && l->env->read(l->env->ctx, gpa, buf, n);
}

struct nstate_result nstate_check_entry(const struct nstate *s,
					const struct check_env *env)
{
	struct nstate_result r;
	struct link_ctx l = {s, env};
	struct check_env e = *env;
	const char *failed = "?";
	uint64_t qual = 0;
	unsigned err;

	if (!(s->flags & NSTATE_GUEST_MODE))
		return ok();
	e.read = read_via_blob;
	e.ctx = &l;
	e.current_ptr = s->vmcs12_pa;
	err = nested_check_controls_host(s->vmcs12, &e, &failed);
	if (err)
		return refuse(&r, NSTATE_E_ENTRY_CONTROLS,
			      "check %s (VMfailValid %u)", failed, err);
	if (!nested_check_guest(s->vmcs12, &e, &qual, &failed))
		return refuse(&r, NSTATE_E_ENTRY_GUEST,
			      "check %s (exit 33, qualification %lu)", failed,
			      (unsigned long)qual);
	return ok();
}
