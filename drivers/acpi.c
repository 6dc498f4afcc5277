// SPDX-License-Identifier: Apache-2.0
#include "drivers/acpi.h"

#include "drivers/bytes.h"
#include "lib/fmt.h"

/* ACPI 6.5 5.2.5.3: the RSDP's fields. */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define RSDP_REV    15
#define RSDP_RSDT   16
#define RSDP_LEN    20
#define RSDP_XSDT   24

uint8_t acpi_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *b++);
	return s;
}

static bool same4(const uint8_t *a, const char *b)
{
	return a[0] == (uint8_t)b[0] && a[1] == (uint8_t)b[1] &&
	       a[2] == (uint8_t)b[2] && a[3] == (uint8_t)b[3];
}

/* The RSDP: signature and checksums; the root table's address and width. */
static bool read_rsdp(const struct acpi_mem *m, uint64_t rsdp_pa,
		      uint64_t *root, unsigned *entry, char *err, size_t n)
{
	const uint8_t *r = m->ptr(m->arg, rsdp_pa, RSDP_V1_LEN);
	static const char sig[8] = "RSD PTR ";

	if (!r) {
		fmt_snprintf(err, n, "ACPI RSDP at 0x%lx: not readable",
			     rsdp_pa);
		return false;
	}
	for (unsigned i = 0; i < 8; i++)
		if (r[i] != (uint8_t)sig[i]) {
			fmt_snprintf(err, n,
				     "ACPI RSDP at 0x%lx: bad signature",
				     rsdp_pa);
			return false;
		}
	if (acpi_sum(r, RSDP_V1_LEN)) {
		fmt_snprintf(err, n, "ACPI RSDP at 0x%lx: bad checksum",
			     rsdp_pa);
		return false;
	}
	*root = rd32(r + RSDP_RSDT);
	*entry = 4;
	if (r[RSDP_REV] < 2)
		return true;
	r = m->ptr(m->arg, rsdp_pa, RSDP_V2_LEN);
	if (!r || rd32(r + RSDP_LEN) < RSDP_V2_LEN ||
	    acpi_sum(r, RSDP_V2_LEN)) {
		fmt_snprintf(
		    err, n,
		    "ACPI RSDP at 0x%lx: bad extended length or checksum",
		    rsdp_pa);
		return false;
	}
	if (rd64(r + RSDP_XSDT)) {
		*root = rd64(r + RSDP_XSDT);
		*entry = 8;
	}
	return true;
}

/* A whole table at pa: readable, length sane, checksum 0; NULL + err if not. */
static const uint8_t *read_table(const struct acpi_mem *m, uint64_t pa,
				 uint32_t *len, char *err, size_t n)
{
	const uint8_t *h = m->ptr(m->arg, pa, ACPI_HDR_LEN);
	char name[5] = "????";

	if (!h) {
		fmt_snprintf(err, n, "ACPI table at 0x%lx: not readable", pa);
		return NULL;
	}
	for (unsigned i = 0; i < 4; i++)
		if (h[i] >= 0x20 && h[i] < 0x7f)
			name[i] = (char)h[i];
	*len = rd32(h + 4);
	if (*len < ACPI_HDR_LEN || *len > ACPI_TABLE_MAX) {
		fmt_snprintf(err, n, "ACPI %s at 0x%lx: bad length %u", name,
			     pa, *len);
		return NULL;
	}
	h = m->ptr(m->arg, pa, *len);
	if (!h) {
		fmt_snprintf(err, n, "ACPI %s at 0x%lx: %u bytes not readable",
			     name, pa, *len);
		return NULL;
	}
	if (acpi_sum(h, *len)) {
		fmt_snprintf(err, n, "ACPI %s at 0x%lx: bad checksum", name,
			     pa);
		return NULL;
	}
	return h;
}

enum acpi_find acpi_find_table(const struct acpi_mem *m, uint64_t rsdp_pa,
			       const char *sig, uint64_t *pa, uint32_t *len,
			       char *err, size_t errlen)
{
	uint64_t root;
	unsigned entry;
	uint32_t rlen;

	if (!read_rsdp(m, rsdp_pa, &root, &entry, err, errlen))
		return ACPI_BAD;
	const uint8_t *r = read_table(m, root, &rlen, err, errlen);

	if (!r)
		return ACPI_BAD;
	if (!same4(r, entry == 8 ? "XSDT" : "RSDT")) {
		fmt_snprintf(err, errlen, "ACPI %s at 0x%lx: wrong signature",
			     entry == 8 ? "XSDT" : "RSDT", root);
		return ACPI_BAD;
	}
	if ((rlen - ACPI_HDR_LEN) % entry) {
		fmt_snprintf(err, errlen,
			     "ACPI %s at 0x%lx: length %u is not a whole "
			     "number of entries",
			     entry == 8 ? "XSDT" : "RSDT", root, rlen);
		return ACPI_BAD;
	}
	for (uint32_t off = ACPI_HDR_LEN; off < rlen; off += entry) {
		uint64_t t = entry == 8 ? rd64(r + off) : rd32(r + off);
		const uint8_t *h = t ? m->ptr(m->arg, t, ACPI_HDR_LEN) : NULL;

		if (!h || !same4(h, sig))
			continue;
		if (!read_table(m, t, len, err, errlen))
			return ACPI_BAD;
		*pa = t;
		return ACPI_FOUND;
	}
	return ACPI_NOT_FOUND;
}
