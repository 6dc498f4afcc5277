// SPDX-License-Identifier: Apache-2.0
#include "drivers/dmar.h"

#include "drivers/acpi.h"
#include "drivers/bytes.h"
#include "lib/fmt.h"

/* VT-d 8.1: header fields after the common ACPI header. */
#define DMAR_HAW   36
#define DMAR_FLAGS 37
#define DMAR_FIRST 48 /* first remapping structure */

/* VT-d 8.2: remapping structure types and their fixed parts. */
#define TYPE_DRHD 0
#define TYPE_RMRR 1
#define DRHD_LEN  16
#define RMRR_LEN  24
#define SCOPE_LEN                                                              \
	6 /* type, length, flags, reserved, enumeration id, bus; then (dev,    \
	     fn) pairs */

#define PAGE 0x1000ull

struct cursor {
	struct dmar_info *out;
	char *err;
	size_t n;
};

static void zero(struct dmar_info *d)
{
	uint8_t *p = (uint8_t *)d;

	for (size_t i = 0; i < sizeof(*d); i++)
		p[i] = 0;
}

/* VT-d 8.3.1: device scopes in [p, end); counts them; false on a bad one. */
static bool scopes(struct cursor *c, const uint8_t *p, const uint8_t *end,
		   uint32_t at, uint16_t *count)
{
	*count = 0;
	while (p < end) {
		uint32_t left = (uint32_t)(end - p);

		if (left < 2 || p[1] < SCOPE_LEN || p[1] > left ||
		    (p[1] - SCOPE_LEN) % 2) {
			fmt_snprintf(
			    c->err, c->n,
			    "DMAR: device scope %u of the structure at offset "
			    "%u has a bad length %u (%u bytes left)",
			    *count, at, left >= 2 ? p[1] : 0, left);
			return false;
		}
		(*count)++;
		p += p[1];
	}
	return true;
}

static bool add_unit(struct cursor *c, const uint8_t *s, uint16_t len,
		     uint32_t at)
{
	struct dmar_info *d = c->out;
	uint64_t base = rd64(s + 8);
	/* VT-d 8.3 Size: bits 3:0 give 2^N pages; older tables have 0 (one
	 * page). */
	uint64_t size = PAGE << (s[5] & 0xf);

	if (len < DRHD_LEN) {
		fmt_snprintf(
		    c->err, c->n,
		    "DMAR: DRHD at offset %u is %u bytes, less than %u", at,
		    len, DRHD_LEN);
		return false;
	}
	if (!base || (base & (PAGE - 1)) || base + size < base) {
		fmt_snprintf(c->err, c->n,
			     "DMAR: DRHD at offset %u has a bad register base "
			     "0x%lx (zero, not 4 KiB aligned or wrapping)",
			     at, base);
		return false;
	}
	for (unsigned i = 0; i < d->nunits; i++) {
		const struct dmar_unit *u = &d->unit[i];

		if (base < u->reg_pa + u->reg_size && u->reg_pa < base + size) {
			fmt_snprintf(
			    c->err, c->n,
			    "DMAR: DRHD at offset %u: registers 0x%lx+0x%lx "
			    "overlap unit %u's 0x%lx+0x%lx",
			    at, base, size, i, u->reg_pa, u->reg_size);
			return false;
		}
	}
	if (d->nunits == DMAR_UNITS_MAX) {
		fmt_snprintf(c->err, c->n, "DMAR: more than %u DRHD units",
			     DMAR_UNITS_MAX);
		return false;
	}
	struct dmar_unit *u = &d->unit[d->nunits];

	*u = (struct dmar_unit){.reg_pa = base,
				.reg_size = size,
				.segment = rd16(s + 6),
				.flags = s[4]};
	if (!scopes(c, s + DRHD_LEN, s + len, at, &u->nscopes))
		return false;
	d->nunits++;
	return true;
}

static bool add_rmrr(struct cursor *c, const uint8_t *s, uint16_t len,
		     uint32_t at)
{
	struct dmar_info *d = c->out;

	if (len < RMRR_LEN) {
		fmt_snprintf(
		    c->err, c->n,
		    "DMAR: RMRR at offset %u is %u bytes, less than %u", at,
		    len, RMRR_LEN);
		return false;
	}
	uint64_t base = rd64(s + 8), limit = rd64(s + 16);

	/* VT-d 8.4: base 4 KiB aligned, limit + 1 4 KiB aligned, limit >= base
	 */
	if ((base & (PAGE - 1)) || ((limit + 1) & (PAGE - 1)) || limit < base ||
	    limit + 1 == 0) {
		fmt_snprintf(
		    c->err, c->n,
		    "DMAR: RMRR at offset %u has a bad range 0x%lx..0x%lx", at,
		    base, limit);
		return false;
	}
	if (d->nrmrr == DMAR_RMRR_MAX) {
		fmt_snprintf(c->err, c->n, "DMAR: more than %u RMRRs",
			     DMAR_RMRR_MAX);
		return false;
	}
	struct dmar_rmrr *r = &d->rmrr[d->nrmrr];

	*r = (struct dmar_rmrr){
	    .base = base, .end = limit + 1, .segment = rd16(s + 6)};
	if (!scopes(c, s + RMRR_LEN, s + len, at, &r->nscopes))
		return false;
	d->nrmrr++;
	return true;
}

static bool header(struct cursor *c, const uint8_t *t, uint32_t avail,
		   uint32_t *len)
{
	if (avail < DMAR_FIRST) {
		fmt_snprintf(c->err, c->n,
			     "DMAR: table of %u bytes is shorter than its "
			     "%u-byte header",
			     avail, DMAR_FIRST);
		return false;
	}
	if (t[0] != 'D' || t[1] != 'M' || t[2] != 'A' || t[3] != 'R') {
		fmt_snprintf(c->err, c->n, "DMAR: bad signature");
		return false;
	}
	*len = rd32(t + 4);
	if (*len < DMAR_FIRST || *len > avail) {
		fmt_snprintf(
		    c->err, c->n,
		    "DMAR: bad length %u (header %u, %u bytes available)", *len,
		    DMAR_FIRST, avail);
		return false;
	}
	if (acpi_sum(t, *len)) {
		fmt_snprintf(c->err, c->n, "DMAR: bad checksum");
		return false;
	}
	c->out->haw = t[DMAR_HAW] + 1u;
	c->out->flags = t[DMAR_FLAGS];
	return true;
}

static bool structures(struct cursor *c, const uint8_t *t, uint32_t len)
{
	for (uint32_t at = DMAR_FIRST; at < len;) {
		const uint8_t *s = t + at;
		uint16_t slen = len - at >= 4 ? rd16(s + 2) : 0;
		bool ok = true;

		if (slen < 4 || slen > len - at) {
			fmt_snprintf(
			    c->err, c->n,
			    "DMAR: structure at offset %u has length %u: runs "
			    "past the table's end (%u) or is too short",
			    at, slen, len);
			return false;
		}
		if (rd16(s) == TYPE_DRHD)
			ok = add_unit(c, s, slen, at);
		else if (rd16(s) == TYPE_RMRR)
			ok = add_rmrr(c, s, slen, at);
		/* ATSR, RHSA, ANDD, SATC: nothing L0 needs */
		if (!ok)
			return false;
		at += slen;
	}
	if (!c->out->nunits) {
		fmt_snprintf(c->err, c->n, "DMAR: no DRHD unit");
		return false;
	}
	return true;
}

bool dmar_parse(const uint8_t *t, uint32_t avail, struct dmar_info *out,
		char *err, size_t errlen)
{
	struct cursor c = {out, err, errlen};
	uint32_t len;

	zero(out);
	if (header(&c, t, avail, &len) && structures(&c, t, len))
		return true;
	zero(out);
	return false;
}

void dmar_hide(uint8_t *t)
{
	static const char sig[4] = DMAR_HIDDEN_SIG;

	for (unsigned i = 0; i < 4; i++) {
		/* keep the byte sum: what the signature gains, the checksum
		 * loses */
		t[9] = (uint8_t)(t[9] + t[i] - (uint8_t)sig[i]);
		t[i] = (uint8_t)sig[i];
	}
}
