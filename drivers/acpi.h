/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Finding an ACPI table from the RSDP (ACPI 6.5, 5.2.5 RSDP, 5.2.7 RSDT,
 * 5.2.8 XSDT, 5.2.6 the common header). Pure logic: physical memory is
 * reached through the caller's accessor, so the loader (UEFI identity map),
 * the core (its identity map) and the host unit tests share it. Every
 * checksum and length is checked; a table that fails is refused with a
 * specific message.
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_HDR_LEN   36 /* the common System Description Table header */
#define ACPI_TABLE_MAX (1u << 20) /* larger tables are refused as corrupt */

/*
 * Physical memory for the parser: a pointer to len bytes at pa, or NULL if
 * that range cannot be read (unit tests: outside the fake memory).
 */
struct acpi_mem {
	const void *(*ptr)(void *arg, uint64_t pa, uint64_t len);
	void *arg;
};

enum acpi_find {
	ACPI_FOUND = 0,
	ACPI_NOT_FOUND, /* the RSDP and its RSDT/XSDT are good, no such table */
	ACPI_BAD,	/* something on the way is corrupt: err says what */
};

/* Byte sum of len bytes (a valid table sums to 0 mod 256). */
uint8_t acpi_sum(const void *p, size_t len);

/*
 * Looks up the table with signature sig (4 chars) from the RSDP at rsdp_pa:
 * the XSDT when the RSDP has revision >= 2 and a nonzero XSDT address, else
 * the RSDT. On ACPI_FOUND *pa and *len give the table (its checksum and
 * length checked). On ACPI_BAD err holds one line, e.g.
 * "ACPI XSDT at 0x7f0000: bad checksum".
 */
enum acpi_find acpi_find_table(const struct acpi_mem *m, uint64_t rsdp_pa,
			       const char *sig, uint64_t *pa, uint32_t *len,
			       char *err, size_t errlen);

#endif
