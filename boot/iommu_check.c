// SPDX-License-Identifier: Apache-2.0
#include "boot/iommu_check.h"

#include <efilib.h>

#include "boot/selftest_iommu.h"
#include "drivers/acpi.h"
#include "drivers/vtd.h"
#include "lib/fmt.h"
#include "lib/log.h"

#define DUMP_ROW 32

/* UEFI identity-maps memory (UEFI spec 2.3.4): a physical address is a pointer.
 */
static const void *identity(void *arg, uint64_t pa, uint64_t len)
{
	(void)arg;
	(void)len;
	return pa ? (const void *)(UINTN)pa : NULL;
}

/* log=debug: the raw table, for recording it (tests/unit/dmar_tables.h). */
static void dump(const uint8_t *t, uint32_t len)
{
	for (uint32_t off = 0; off < len; off += DUMP_ROW) {
		char line[3 * DUMP_ROW + 1];
		uint32_t k = 0;

		for (uint32_t i = off; i < len && i < off + DUMP_ROW; i++)
			k += (uint32_t)fmt_snprintf(line + k, sizeof(line) - k,
						    " %02x", t[i]);
		log_debug("boot: DMAR %04x:%s", off, line);
	}
}

static BOOLEAN find(uint64_t rsdp_pa, struct dmar_info *d, char *err, UINTN n)
{
	struct acpi_mem m = {identity, 0};
	uint64_t pa;
	uint32_t len;

	if (!rsdp_pa) {
		fmt_snprintf(err, n, "no ACPI tables");
		return FALSE;
	}
	switch (acpi_find_table(&m, rsdp_pa, "DMAR", &pa, &len, err, n)) {
	case ACPI_FOUND:
		break;
	case ACPI_NOT_FOUND:
		fmt_snprintf(err, n, "no ACPI DMAR table");
		return FALSE;
	case ACPI_BAD:
		return FALSE;
	}
	dump((const uint8_t *)(UINTN)pa, len);
	return dmar_parse((const uint8_t *)(UINTN)pa, len, d, err, n);
}

static BOOLEAN usable(struct dmar_info *d, char *err, UINTN n)
{
	uint64_t cap[DMAR_UNITS_MAX], ecap[DMAR_UNITS_MAX];
	struct vtd_plan p;

	for (unsigned i = 0; i < d->nunits; i++) {
		const volatile uint64_t *r =
		    (const void *)(UINTN)d->unit[i].reg_pa;

		cap[i] = r[VTD_CAP / 8];
		ecap[i] = r[VTD_ECAP / 8];
	}
	/* the core maps at least 4 GiB; the plan's page sizes and depth are
	 * what matter here */
	return vtd_plan(cap, ecap, d->nunits, 4ull << 30, &p, err, n);
}

EFI_STATUS iommu_check(const struct options *o, uint64_t rsdp_pa,
		       struct dmar_info *d)
{
	char err[160];

	if (o->iommu == IOMMU_OFF)
		return EFI_SUCCESS;
	if (find(rsdp_pa, d, err, sizeof(err)) && usable(d, err, sizeof(err))) {
		log_info("boot: DMAR: %u DMA remapping unit(s), first at "
			 "0x%lx; %u RMRR(s); host address width %u",
			 d->nunits, d->unit[0].reg_pa, d->nrmrr, d->haw);
		return EFI_SUCCESS;
	}
	if (o->iommu != IOMMU_REQUIRED)
		return EFI_SUCCESS; /* the core says it once */
	log_err("boot: iommu=required but there is no usable DMA remapping "
		"unit: %s",
		err);
	log_err("boot: nothing was changed, returning to the firmware");
	return EFI_UNSUPPORTED;
}

EFI_STATUS selftest_iommu_publish(const struct boot_info *bi,
				  const struct dmar_info *d)
{
	static EFI_GUID guid = SELFTEST_IOMMU_GUID;
	struct selftest_iommu *s = AllocateZeroPool(sizeof(*s));

	if (!s)
		return EFI_OUT_OF_RESOURCES;
	*s = (struct selftest_iommu){
	    .magic = SELFTEST_IOMMU_MAGIC,
	    .region_pa = bi->core_pa,
	    .region_size = bi->region_size,
	    .canary_pa = bi->selftest_canary_pa,
	    .nunits = d->nunits,
	    .programmed = bi->iommu_units,
	};
	for (unsigned i = 0; i < d->nunits && i < SELFTEST_UNITS_MAX; i++)
		s->unit_pa[i] = d->unit[i].reg_pa;
	log_info("boot: selftest=iommu: L0's region 0x%lx..0x%lx, canary at "
		 "0x%lx, %u unit(s) programmed; handing over to next=",
		 s->region_pa, s->region_pa + s->region_size, s->canary_pa,
		 s->programmed);
	return BS->InstallConfigurationTable(&guid, s);
}
